"""Database settings: SQLite pragmas, concurrent write transactions, UTC datetimes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from lms.agencies.models import Agency
from lms.db import begin_write, utcnow
from lms.extensions import db
from tests import factories


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(ctx):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"  # the pragmas are SQLite's; PostgreSQL needs none
        return
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_postgresql_sessions_run_without_jit(ctx):
    """Compiling the report queries took longer than running them (PostgreSQL's JIT); the app turns it off."""
    if db.engine.dialect.name != "postgresql":
        assert db.engine.dialect.name == "sqlite"  # SQLite has no JIT
        return
    assert db.session.execute(text("SHOW jit")).scalar() == "off"


def test_concurrent_read_then_write_transactions_all_succeed(app):
    """Workers that read and then write at the same time queue for the lock instead of failing."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for i in range(15):
                    begin_write(db.session)
                    count = db.session.scalar(select(func.count()).select_from(Agency))
                    db.session.add(Agency(code=f"W{n}-{i}-{count}", name_en="x"))
                    db.session.commit()
            except BaseException as exc:
                errors.append(exc)
                db.session.rollback()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Agency)) == 60


def test_datetimes_come_back_timezone_aware_in_utc(ctx):
    almaty = timezone(timedelta(hours=5))
    agency = factories.agency()
    agency.created_at = datetime(2026, 3, 1, 17, 0, tzinfo=almaty)
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(Agency, agency.id)
    assert loaded.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert loaded.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(ctx):
    agency = factories.agency()
    agency.created_at = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_utcnow_is_aware():
    assert utcnow().tzinfo is UTC
