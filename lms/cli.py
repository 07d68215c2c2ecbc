"""The `lms` command: Flask's CLI bound to create_app, plus the platform's own command groups."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from lms.imports import ImportReport

#: How many created/updated items an import lists before summarising the rest.
LIST_LIMIT = 50


def register_commands(app: Flask) -> None:
    """Attach the platform's command groups to app.cli."""
    from lms.accounts.cli import users
    from lms.admin.cli import backup
    from lms.agencies.cli import agencies
    from lms.certificates.cli import certificates
    from lms.courses.cli import courses
    from lms.demo import demo_data
    from lms.learning.cli import assignments, reminders
    from lms.mail.cli import outbox
    from lms.reports.cli import report

    app.cli.add_command(users)
    app.cli.add_command(backup)
    app.cli.add_command(agencies)
    app.cli.add_command(certificates)
    app.cli.add_command(courses)
    app.cli.add_command(demo_data)
    app.cli.add_command(assignments)
    app.cli.add_command(reminders)
    app.cli.add_command(outbox)
    app.cli.add_command(report)


def _create_app() -> Flask:
    from lms import create_app
    from lms.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        # An operator's mistake, not a bug: say what to set, without a traceback.
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None


main = FlaskGroup(create_app=_create_app, help="AI-competency learning platform.")


def read_import_file(path: Path, max_bytes: int) -> bytes:
    """Read an import file, refusing one over the size limit before loading it."""
    if path.stat().st_size > max_bytes:
        raise click.ClickException(f"{path}: larger than {max_bytes // (1024 * 1024)} MB")
    return path.read_bytes()


def finish_import(report: ImportReport, *, dry_run: bool, key: str) -> None:
    """Commit a clean, real import (roll back a dry run or a bad file), then print the report."""
    from lms.audit.services import audit
    from lms.db import utcnow
    from lms.extensions import db

    if report.ok and not dry_run:
        audit(f"import.{key}.applied", actor=None, now=utcnow(), object_type="import",
              details={"created": len(report.created), "updated": len(report.updated),
                       "unchanged": report.unchanged})
        db.session.commit()
    else:
        db.session.rollback()
    print_import_report(report, dry_run=dry_run, key=key)


def print_import_report(report: ImportReport, *, dry_run: bool, key: str) -> None:
    """Print what an import changed (or would change); exit with status 1 when rows were bad."""
    if report.errors:
        for error in report.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{len(report.errors)} problem(s); nothing was written.", err=True)
        raise SystemExit(1)
    verb = "would be" if dry_run else "were"
    for item in report.created[:LIST_LIMIT]:
        click.echo(f"  + {key} {item}")
    if len(report.created) > LIST_LIMIT:
        click.echo(f"  ... and {len(report.created) - LIST_LIMIT} more created")
    for item, fields in report.updated[:LIST_LIMIT]:
        click.echo(f"  ~ {key} {item}: {', '.join(fields)}")
    if len(report.updated) > LIST_LIMIT:
        click.echo(f"  ... and {len(report.updated) - LIST_LIMIT} more updated")
    click.echo(f"{len(report.created)} created, {len(report.updated)} updated, {report.unchanged} unchanged "
               f"({verb} written{' - dry run' if dry_run else ''}).")
