"""`lms backup FILE`: a consistent online copy of the SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.extensions import db


def backup_sqlite(source: str, target: Path) -> None:
    """Copy the live SQLite database at `source` to `target` with SQLite's online backup API (consistent even
    while the platform writes), then check the copy's integrity. Raises RuntimeError when the check fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(partial) as dst:
        src.backup(dst, pages=1024)
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    src.close()
    dst.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"integrity check of the copy failed: {result}")
    partial.replace(target)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path):
    """Write a consistent copy of the SQLite database to PATH while the platform keeps running.

    Restore: stop the platform, copy the file over the database file (LMS_DATABASE_URL), start again.
    For PostgreSQL use pg_dump / pg_restore (see the README).
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException("lms backup copies SQLite databases; for PostgreSQL use pg_dump (README)")
    try:
        backup_sqlite(url.database, path)
    except (sqlite3.Error, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {url.database} to {path} (integrity check: ok).")
