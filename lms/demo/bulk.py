"""Bulk loading for the national demo dataset (lms.demo.national): millions of rows in a couple of minutes.

Rows are tuples with explicit ids, written through the session's own DBAPI connection, so they belong to the
caller's transaction: executemany on SQLite, COPY on PostgreSQL. A writer thread stores one batch while Python
generates the next (the drivers let go of the GIL while the database works); the caller must not use the session
until finish(). While loading, the secondary indexes of the loaded tables (and on PostgreSQL their foreign keys and
unique constraints) are dropped; finish() recreates them from the database's own definitions (building an index
once is far cheaper than updating it row by row) and, on PostgreSQL, moves the id sequences past the new rows.
DDL is transactional on both engines: a failure rolls everything back, the schema included.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

DAY = 86400


def time_formatter(dialect: str, first_day: date, last_day: date) -> Callable[[int], str]:
    """Seconds since the epoch -> the text each engine stores (SQLite: as SQLAlchemy writes UTC times) or parses
    (PostgreSQL), for times between `first_day` and `last_day`."""
    suffix = ".000000" if dialect == "sqlite" else "+00"
    epoch = date(1970, 1, 1)
    offset = (first_day - epoch).days
    days = [(first_day + timedelta(days=n)).isoformat() for n in range((last_day - first_day).days + 1)]
    clock = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}" for s in range(DAY)]

    def fmt(seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        return days[day - offset] + clock[rest]

    return fmt


def _set_journal(engine: Engine, mode: str) -> bool:
    """Set SQLite's journal mode outside any transaction; False when other connections prevent it."""
    connection = engine.raw_connection()
    try:
        return connection.cursor().execute(f"PRAGMA journal_mode={mode}").fetchone()[0].upper() == mode
    except engine.dialect.dbapi.OperationalError:  # "database is locked": another connection has it open
        return False
    finally:
        connection.close()


@contextmanager
def rollback_journal(engine: Engine) -> Iterator[None]:
    """On SQLite, use a rollback journal instead of WAL for the duration, so that gigabytes of new pages are written
    once (WAL writes them twice: to the log, then to the database at the checkpoint); WAL again afterwards.

    Use it around the whole transaction, with the session's connection returned to the pool at the end. When other
    connections have the database open, SQLite refuses the switch: WAL stays, which only costs time (and a new
    connection sets WAL anyway, lms.db.install_sqlite_pragmas). No-op on other engines.
    """
    if engine.dialect.name != "sqlite" or not _set_journal(engine, "DELETE"):
        yield
        return
    try:
        yield
    finally:
        _set_journal(engine, "WAL")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class BulkWriter:
    """Writes batches of rows into `tables` ({table name: column names}) in the session's transaction.

    Use as a context manager around the writes; call finish() after the last batch (inside the block).
    """

    def __init__(self, session: Session, tables: dict[str, tuple[str, ...]]):
        self.tables = tables
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        self.raw = self.connection.connection.dbapi_connection
        self._restore: list[str] = []
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    # --- schema ------------------------------------------------------------------------------------------------

    def _drop_sqlite(self) -> None:
        for table in self.tables:
            for name, sql in self.connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    (table,)).all():
                self._restore.append(sql)
                self.connection.exec_driver_sql(f"DROP INDEX {_quote(name)}")

    def _drop_postgresql(self) -> None:
        tables = list(self.tables)
        constraints = self.connection.execute(text(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(:tables) ORDER BY contype, conname"),
            {"tables": tables}).all()
        indexes = self.connection.execute(text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(:tables) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1"), {"tables": tables}).all()
        for table, name, _kind, _definition in constraints:  # foreign keys first: they may rest on unique keys
            self.connection.exec_driver_sql(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
        for name, definition in indexes:
            self.connection.exec_driver_sql(f"DROP INDEX {_quote(name)}")
            self._restore.append(definition)
        # Unique constraints come back before the foreign keys that might need them.
        for table, name, _kind, definition in sorted(constraints, key=lambda row: row[2] == "f"):
            self._restore.append(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")

    def __enter__(self) -> BulkWriter:
        if self.dialect == "postgresql":
            self.connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem TO '256MB'")
            self._drop_postgresql()
        else:
            self.connection.exec_driver_sql("PRAGMA cache_size = -200000")  # 200 MB while building indexes
            self._drop_sqlite()
        # The driver lets go of the GIL while the database works, so generating overlaps with storing.
        self._queue = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._work, name="demo-bulk-writer", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        self._stop()
        if exc_type is None and self._restore:
            raise RuntimeError("BulkWriter.finish() was not called: the dropped indexes would be lost")

    # --- rows --------------------------------------------------------------------------------------------------

    def write(self, batch: dict[str, list[tuple]]) -> None:
        """Queue {table: rows} (tables in foreign-key order) for the writer thread; raise its error, if any."""
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def _write(self, batch: dict[str, list[tuple]]) -> None:
        for table, rows in batch.items():
            if not rows:
                continue
            columns = self.tables[table]
            names = ", ".join(columns)
            if self.dialect == "postgresql":
                with self.raw.cursor() as cursor, cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                cursor = self.raw.cursor()
                cursor.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608
                cursor.close()

    def _work(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._write(batch)
                except BaseException as exc:  # handed to the main thread by write() or finish()
                    self._error = exc

    def _stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def finish(self, last_ids: dict[str, int]) -> None:
        """Wait for the writes, recreate the dropped indexes and constraints, and on PostgreSQL analyse the tables and
        move each table's id sequence to `last_ids[table]`, the largest id written."""
        self._stop()
        if self._error is not None:
            raise self._error
        for statement in self._restore:
            self.connection.exec_driver_sql(statement)
        self._restore = []
        if self.dialect == "postgresql":
            # Fresh planner statistics, or the first reports plan for empty tables (autovacuum may be off or late).
            self.connection.exec_driver_sql("ANALYZE " + ", ".join(_quote(table) for table in self.tables))
            for table, last in last_ids.items():
                if last > 0:
                    self.connection.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                                            {"table": table, "last": last})
