"""`lms agencies ...` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import begin_write
from lms.extensions import db
from lms.imports import CSVFormatError


@click.group()
def agencies():
    """Manage the agency tree."""


@agencies.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool):
    """Create or update agencies from a CSV file (columns: code, parent_code, name_kk, name_ru, name_en, active).

    All or nothing: one bad row and nothing is written.
    """
    from lms.agencies.importer import import_agencies
    from lms.cli_support import finish_import, read_import_file

    max_bytes = current_app.config["MAX_IMPORT_BYTES"]
    data = read_import_file(path, max_bytes)
    begin_write(db.session)
    try:
        report = import_agencies(data, dry_run=dry_run, max_bytes=max_bytes)
    except CSVFormatError as exc:
        db.session.rollback()
        raise click.ClickException(f"{path}: {exc}") from None
    finish_import(report, dry_run=dry_run, key="agency")
