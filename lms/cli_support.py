"""Helpers the platform's command modules share: import files and reports, and settings without building the app.

Command modules (lms/*/cli.py) import from here, never from lms/cli.py (which only names and loads them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import current_app
from flask.cli import ScriptInfo

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lms.imports import ImportReport

#: How many created/updated items an import lists before summarising the rest.
LIST_LIMIT = 50

#: A key in ScriptInfo.data, set by the `lms` command: its commands may read the settings without building the app.
SETTINGS_WITHOUT_APP = "lms.settings_without_app"


def command_settings() -> tuple[Mapping[str, Any], str]:
    """The configuration and the instance folder, for a command that reads files but no database.

    Under `lms` they are read from the configuration alone: building the app imports every blueprint and model,
    which takes longer than checking fifty courses. Under an app's own command runner (tests, `app.cli`) or with
    `--app`, they are that app's. A configuration error ends the command with status 2, as `lms` does for others.
    """
    if current_app:
        return current_app.config, current_app.instance_path
    info = click.get_current_context().ensure_object(ScriptInfo)
    if not info.data.get(SETTINGS_WITHOUT_APP) or info.app_import_path:
        app = info.load_app()
        return app.config, app.instance_path
    from lms import INSTANCE_PATH
    from lms.config import ConfigError, app_settings

    try:
        return app_settings(INSTANCE_PATH), str(INSTANCE_PATH)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None


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
