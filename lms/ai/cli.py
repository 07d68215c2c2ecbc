"""`lms ai`: question drafts for authors and the AI log's retention purge."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("ai")
def ai():
    """AI assistance: question drafts and the AI log."""


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
    from lms.courses.loader import load_courses
    from lms.db import utcnow
    from lms.extensions import db

    loaded = load_courses(Path(current_app.config["COURSES_DIR"]))
    content = next((c for c in loaded.courses if c.id == course), None)
    if content is None:
        raise click.ClickException(f"no course {course!r} loads from {current_app.config['COURSES_DIR']} "
                                   "(run `lms courses check`)")
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
