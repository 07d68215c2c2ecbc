"""`lms ai`: question drafts for authors, lesson summaries, and the AI log's retention purge."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("ai")
def ai():
    """AI assistance: question drafts, lesson summaries and the AI log."""


@ai.command("draft-questions")
@click.argument("course")
@click.option("--lesson", "lesson_id", help="Draft from this lesson only (its id).")
@click.option("--count", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the draft (default: quiz.ai-draft.yml in the course folder).")
@with_appcontext
def draft_questions_command(course: str, lesson_id: str | None, count: int, out_path: Path | None):
    """Write a draft quiz file of AI-generated questions from COURSE's lessons (the id in course.yml)."""
    from lms.ai.drafts import UnknownLesson, draft_questions
    from lms.ai.manager import AIRefused
    from lms.db import utcnow
    from lms.extensions import db

    content = _course(course)
    try:
        outcome, text = draft_questions(content, lesson_id=lesson_id, count=count, settings=current_app.config,
                                        now=utcnow())
    except UnknownLesson:
        raise click.ClickException(f"course {course!r} has no lesson {lesson_id!r}") from None
    except AIRefused:
        raise click.ClickException("question drafts are switched off (AI_ACTIONS)") from None
    target = out_path or content.folder / "quiz.ai-draft.yml"
    target.write_text(text, encoding="utf-8")
    db.session.commit()
    click.echo(f"wrote {len(outcome.result.drafts)} draft questions to {target} (AI-generated, not reviewed)")


@ai.command("summarise")
@click.argument("course")
@click.argument("lesson")
@click.option("--language", type=click.Choice(["kk", "ru", "en"]), help="Default: the course's default language.")
@with_appcontext
def summarise_command(course: str, lesson: str, language: str | None):
    """Print an AI summary of LESSON of COURSE, labelled, with its sources (logged like every AI output)."""
    from lms.ai import labels
    from lms.ai.drafts import UnknownLesson
    from lms.ai.manager import AIRefused
    from lms.ai.summaries import summarise_lesson
    from lms.db import utcnow
    from lms.extensions import db

    content = _course(course)
    now = utcnow()
    try:
        outcome = summarise_lesson(content, lesson_id=lesson, language=language or content.default_language,
                                   settings=current_app.config, now=now)
    except UnknownLesson:
        raise click.ClickException(f"course {course!r} has no lesson {lesson!r}") from None
    except AIRefused:
        raise click.ClickException("lesson summaries are switched off (AI_ACTIONS)") from None
    db.session.commit()
    system = labels.system_name(outcome.provider, current_app.config)
    click.echo(f"# AI-generated summary by {system} on {now.date().isoformat()} "
               f"({labels.source_type(outcome.provider)}); it may be wrong: check it against the lesson.")
    if outcome.fell_back:
        click.echo("# The language model did not answer; the summary is the lesson's own lead sentences.")
    click.echo(outcome.result.text)
    click.echo("# Sources: " + ", ".join(f"{p.lesson_key}#{p.anchor}" if p.anchor else p.lesson_key
                                         for p in outcome.result.passages))


def _course(course_id: str):
    from lms.courses.loader import load_courses

    loaded = load_courses(Path(current_app.config["COURSES_DIR"]))
    content = next((c for c in loaded.courses if c.id == course_id), None)
    if content is None:
        raise click.ClickException(f"no course {course_id!r} loads from {current_app.config['COURSES_DIR']} "
                                   "(run `lms courses check`)")
    return content


@ai.command("purge")
@with_appcontext
def purge_command():
    """Clear prompts and outputs of AI log entries older than AI_RETENTION_DAYS (the worker does this hourly)."""
    from lms.ai.services import purge_expired
    from lms.db import begin_write, utcnow
    from lms.extensions import db

    begin_write(db.session)
    count = purge_expired(now=utcnow(), days=current_app.config["AI_RETENTION_DAYS"])
    db.session.commit()
    click.echo(f"purged the prompts and outputs of {count} AI log entries")
