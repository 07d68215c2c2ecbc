"""`lms courses ...` commands: check the content files, sync them into the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.courses.status import record_result
from lms.db import begin_write, utcnow
from lms.extensions import db


def courses_root() -> Path:
    """The folder that holds the course folders (LMS_COURSES_DIR, default courses/ in the project)."""
    from lms import PROJECT_ROOT

    return Path(current_app.config["COURSES_DIR"] or PROJECT_ROOT / "courses")


@click.group()
def courses():
    """Course content files."""


def _load(path: Path | None, strict: bool):
    from lms.courses.loader import load_courses

    result = load_courses(path or courses_root())
    for problem in result.problems:
        click.echo(str(problem), err=True)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    return result, failed


@courses.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. a missing translation).")
@with_appcontext
def check_command(path: Path | None, strict: bool):
    """Validate course files without touching the database; print path:line: message for each problem."""
    result, failed = _load(path, strict)
    summary = f"{len(result.courses)} course(s), {len(result.errors)} error(s), {len(result.warnings)} warning(s)."
    record_result(current_app.instance_path, "check", ok=not failed, summary=summary,
                  problems=[str(p) for p in result.problems], now=utcnow())
    click.echo(summary)
    if failed:
        raise SystemExit(1)


@courses.command("sync")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def sync_command(path: Path | None):
    """Load course files into the database in one transaction; a second run changes nothing.

    Content with errors is refused and the database keeps the previous version.
    """
    from lms.learning.services import sync_content

    result, failed = _load(path, strict=False)
    problems = [str(p) for p in result.problems]
    if failed:
        record_result(current_app.instance_path, "sync", ok=False, summary="Content has errors; nothing was synced.",
                      problems=problems, now=utcnow())
        click.echo("Content has errors; nothing was synced.", err=True)
        raise SystemExit(1)
    root = courses_root().resolve()
    target = (path or root).resolve()
    if target != root and root not in target.parents:
        raise click.ClickException(f"{path} is not inside the courses folder {root} (LMS_COURSES_DIR)")
    begin_write(db.session)
    # Syncing one course (or a subset) must not retire the courses that were simply not given.
    # sync_content also recounts the lessons done of enrolments in courses that lost or regained a lesson.
    report = sync_content(result.courses, root=root, now=utcnow(), retire_missing=target == root)
    if not report.has_changes:
        db.session.rollback()
        record_result(current_app.instance_path, "sync", ok=True, problems=problems, now=utcnow(),
                      summary=f"{len(result.courses)} course(s) up to date; no changes.")
        click.echo(f"{len(result.courses)} course(s) up to date; no changes.")
        return
    db.session.commit()
    record_result(current_app.instance_path, "sync", ok=True, problems=problems, now=utcnow(),
                  summary=f"{len(report.added)} added, {len(report.changed)} changed, {len(report.retired)} retired.")
    for label in report.added:
        click.echo(f"  + {label}")
    for label in report.changed:
        click.echo(f"  ~ {label}")
    for label in report.retired:
        click.echo(f"  - {label} (retired)")
    click.echo(f"{len(report.added)} added, {len(report.changed)} changed, {len(report.retired)} retired.")

