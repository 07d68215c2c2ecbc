"""`lms backup`: a copy taken while the platform writes is consistent."""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import text

from lms.admin.cli import backup_sqlite
from lms.extensions import db
from tests import factories


def test_backup_taken_while_writing_passes_the_integrity_check(app, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"  # PostgreSQL is backed up with pg_dump (README)
            return
        source = db.engine.url.database
    stop = threading.Event()

    def write():
        with app.app_context():
            n = 0
            while not stop.is_set() and n < 400:
                factories.agency(f"B{n}")
                n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        backup_sqlite(source, tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        writer.join()
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM agencies").fetchone()[0] >= 0
    with app.app_context():
        db.session.execute(text("SELECT 1"))


def test_backup_command_refuses_postgresql_or_writes_a_copy(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "b.sqlite3")])
    with app.app_context():
        engine = db.engine.dialect.name
    if engine == "sqlite":
        assert result.exit_code == 0, result.output
        assert (tmp_path / "b.sqlite3").is_file()
    else:
        assert result.exit_code != 0 and "pg_dump" in result.output
