"""`lms courses ...` commands: check the content files, sync them into the database, publish their JSON Schemas.

`check`, `status` and `schema` read files only: they never build the app (see lms.cli_support.command_settings), and
this module imports nothing heavy at the top, so that checking courses starts fast.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.cli_support import command_settings
from lms.courses.status import record_result, record_translations


def _now() -> datetime:
    # lms.db.utcnow, without importing SQLAlchemy into the commands that never touch the database.
    return datetime.now(UTC)


@click.group()
def courses():
    """Course content files."""


def _load(path: Path | None, strict: bool):
    from lms.courses.loader import load_courses

    result = load_courses(path or Path(current_app.config["COURSES_DIR"]))
    for problem in result.problems:
        click.echo(str(problem), err=True)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    return result, failed


@courses.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. a missing translation).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="path:line: message lines for people, or one JSON document for CI and editors.")
def check_command(path: Path | None, strict: bool, fmt: str):
    """Validate course files without touching the database; print path:line: message for each problem.

    Problems and the summary go to standard output, in that order; with --format json, one JSON document
    ({"ok", "summary", "problems"}) and nothing else. Exits 1 when there is an error (or, with --strict, a warning).
    """
    from lms.courses.loader import load_courses

    config, instance_path = command_settings()
    result = load_courses(path or Path(config["COURSES_DIR"]))
    failed = bool(result.errors) or (strict and bool(result.warnings))
    summary = f"{len(result.courses)} course(s), {len(result.errors)} error(s), {len(result.warnings)} warning(s)."
    record_result(instance_path, "check", ok=not failed, summary=summary,
                  problems=[str(p) for p in result.problems], now=_now())
    if fmt == "json":
        document = {"ok": not failed,
                    "summary": {"courses": len(result.courses), "errors": len(result.errors),
                                "warnings": len(result.warnings), "strict": strict, "text": summary},
                    "problems": [problem.as_dict() for problem in result.problems]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            click.echo(str(problem))
        click.echo(summary)
    if failed:
        raise SystemExit(1)


@courses.command("schema")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def schema_command(folder: Path | None):
    """Write the JSON Schemas of course.yml and quiz.yml (default: docs/schema/ in the project) for editors and CI."""
    from lms import PROJECT_ROOT
    from lms.courses.schema_export import rendered_schemas

    folder = folder or PROJECT_ROOT / "docs" / "schema"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in rendered_schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {folder / name}")


@courses.command("status")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A table for people, or JSON for scripts.")
def status_command(path: Path | None, fmt: str):
    """Translation status from the files: per course and language (kk, ru, en) the lessons present, quiz questions
    translated, words of lesson text, missing lesson files and whether AI-made content awaits review.

    Reads the files like `check` and never touches the database; courses with errors are left out (run `check`).
    Always exits 0: a report, not a gate.
    """
    from lms.courses.loader import load_courses
    from lms.courses.translation_status import render_json, render_text, translation_status

    config, _instance_path = command_settings()
    result = load_courses(path or Path(config["COURSES_DIR"]))
    statuses = translation_status(result.courses)
    click.echo(render_json(statuses) if fmt == "json" else render_text(statuses))
    if result.errors:
        click.echo(f"{len(result.errors)} error(s) in the course files; a course with errors is not shown "
                   "(run `lms courses check`).", err=True)


@courses.command("sync")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--allow-retire", is_flag=True,
              help="Retire every course missing from the files, even more than LMS_SYNC_MAX_RETIRE_SHARE of them.")
@with_appcontext
def sync_command(path: Path | None, allow_retire: bool):
    """Load course files into the database in one transaction; a second run changes nothing.

    Content with errors is refused and the database keeps the previous version; so is a run that would retire
    more than LMS_SYNC_MAX_RETIRE_SHARE of the live courses (an empty or wrong folder?) without --allow-retire.
    """
    from lms.courses.services import ContentChanged, TooManyRetirements
    from lms.db import begin_write, utcnow
    from lms.extensions import db
    from lms.learning.services import sync_content

    result, failed = _load(path, strict=False)
    problems = [str(p) for p in result.problems]
    if failed:
        record_result(current_app.instance_path, "sync", ok=False, summary="Content has errors; nothing was synced.",
                      problems=problems, now=utcnow())
        click.echo("Content has errors; nothing was synced.", err=True)
        raise SystemExit(1)
    root = Path(current_app.config["COURSES_DIR"]).resolve()
    target = (path or root).resolve()
    if target != root and root not in target.parents:
        raise click.ClickException(f"{path} is not inside the courses folder {root} (LMS_COURSES_DIR)")
    begin_write(db.session)
    # Syncing one course (or a subset) must not retire the courses that were simply not given.
    # sync_content also recounts the lessons done of enrolments in courses that lost or regained a lesson.
    try:
        report = sync_content(result.courses, root=root, now=utcnow(), retire_missing=target == root,
                              programmes=result.programmes if target == root else None,
                              max_retire_share=None if allow_retire else current_app.config["SYNC_MAX_RETIRE_SHARE"],
                              package_dir=Path(current_app.config["SCORM_DIR"]), framework=result.framework)
    except TooManyRetirements as exc:
        db.session.rollback()
        summary = f"Nothing was synced: {exc}."
        record_result(current_app.instance_path, "sync", ok=False, summary=summary, problems=problems, now=utcnow())
        click.echo(f"{summary}\nIs {root} the right courses folder (LMS_COURSES_DIR)? If these "
                   "courses were really removed, run `lms courses sync --allow-retire`.", err=True)
        raise SystemExit(1) from None
    except ContentChanged as exc:
        db.session.rollback()
        record_result(current_app.instance_path, "sync", ok=False, summary=str(exc), problems=problems, now=utcnow())
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    for label in report.unpacked if not report.has_changes else ():
        click.echo(f"  unpacked SCORM package {label}")  # a new machine or an emptied SCORM_DIR: files only
    if not report.has_changes:
        db.session.rollback()
        _record_translations(result.courses, replace=target == root)
        record_result(current_app.instance_path, "sync", ok=True, problems=problems, now=utcnow(),
                      summary=f"{len(result.courses)} course(s) up to date; no changes.")
        click.echo(f"{len(result.courses)} course(s) up to date; no changes.")
        return
    renames = _rename_warnings(report)
    db.session.commit()
    _record_translations(result.courses, replace=target == root)
    record_result(current_app.instance_path, "sync", ok=True, problems=problems + renames, now=utcnow(),
                  summary=f"{len(report.added)} added, {len(report.changed)} changed, {len(report.retired)} retired.")
    for label in report.added:
        click.echo(f"  + {label}")
    for label in report.changed:
        click.echo(f"  ~ {label}")
    for label in report.retired:
        click.echo(f"  - {label} (retired)")
    for label in report.files:
        click.echo(f"  {label[0]} file {label[2:]}")
    for label in report.unpacked:
        click.echo(f"  unpacked SCORM package {label}")
    for warning in renames:
        click.echo(warning, err=True)
    click.echo(f"{len(report.added)} added, {len(report.changed)} changed, {len(report.retired)} retired.")


def _record_translations(loaded, *, replace: bool) -> None:
    """Keep the translation status of what this sync loaded, for the admin content page."""
    from lms.courses.translation_status import translation_status
    from lms.db import utcnow

    record_translations(current_app.instance_path, [s.as_dict() for s in translation_status(loaded)],
                        now=utcnow(), replace=replace)


def _rename_warnings(report) -> list[str]:
    """One warning per lesson that looks renamed, with how many learners completed the retired one."""
    if not report.renames:
        return []
    from lms.learning.services import count_learners_by_lesson

    learners = count_learners_by_lesson([rename.old_lesson_id for rename in report.renames])
    return [f"warning: {rename.message(learners.get(rename.old_lesson_id, 0))}" for rename in report.renames]

