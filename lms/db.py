"""Declarative base with a naming convention, UTC datetime helpers and SQLite connection settings."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry, scoped_session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use lms.db.utcnow() or an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """created_at / updated_at columns, set by the application in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


#: Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE (takes the write lock
#: up front, so it waits on the busy timeout instead of failing with "database is locked" on upgrade).
WRITE_OPTION = "lms_begin_immediate"


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def install_sqlite_pragmas(engine: Engine) -> None:
    """Turn on WAL, foreign keys and a busy timeout, and let write transactions begin immediately."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from pysqlite so that BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() knows only ASCII; PostgreSQL's knows Cyrillic. Make them agree.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session | scoped_session) -> None:
    """Start the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite; a no-op elsewhere).

    Call before the first statement of a unit of work that will write. If a transaction is already open
    it is left as it is.
    """
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.connection(execution_options={WRITE_OPTION: True})


#: Attribute set by `writes` on a view function.
WRITES_ATTR = "lms_writes"


def writes(view):
    """Mark a view that writes although it answers GET (a download it audits): its request begins with a write
    transaction, as every POST does (the before_request hook in lms.create_app)."""
    setattr(view, WRITES_ATTR, True)
    return view


def insert_if_absent(session: Session | scoped_session, model, values: dict, *, unique: list[str]) -> bool:
    """INSERT a row unless one with the same `unique` columns exists (ON CONFLICT DO NOTHING).

    Safe under concurrency: two requests racing to create the same row leave one row and no error.
    Returns True when this call inserted the row.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
    # RETURNING tells reliably whether a row was written (rowcount is not dependable for ORM-level inserts).
    # (The first primary-key column: a table keyed by its unique columns has no `id`.)
    key = next(iter(model.__table__.primary_key.columns))
    return session.execute(statement.returning(key)).first() is not None


class json_pairs(FunctionElement):
    """Aggregate: a JSON array of [a, b] pairs over the group's rows ([] or None when there are none), to read a
    one-to-many list as a column of a statement (json_group_array on SQLite, json_agg on PostgreSQL)."""

    type = JSON()
    inherit_cache = True
    name = "json_pairs"


@compiles(json_pairs, "sqlite")
def _json_pairs_sqlite(element, compiler, **kw):
    first, second = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"json_group_array(json_array({first}, {second}))"


@compiles(json_pairs, "postgresql")
def _json_pairs_postgresql(element, compiler, **kw):
    first, second = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"json_agg(json_build_array({first}, {second}))"


def parse_utc(value: str) -> datetime:
    """A datetime as either engine writes it into JSON ("2026-03-01 10:00:00.5" naive UTC, or ISO with offset)."""
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
