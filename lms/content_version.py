"""The content version: one row whose token changes whenever course content is written, so that every process can
keep course content in memory and know, with one cheap read per request, whether it is still current.

Any flush that writes a watched model (courses, lessons, quiz versions, course files; registered by their package
with `watch`) stores a new random token in the same transaction, so the new token becomes visible exactly when the
content does, on every process and machine sharing the database. A token is random (never a counter) so that a
database wiped and refilled (tests, a restored backup) never repeats a token another process has cached content
under. No row (a wiped database): nothing is cached.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.db import utcnow
from lms.extensions import db

_ROW_ID = 1
_WATCHED: set[type] = set()


class ContentVersion(db.Model):
    """The single row holding the current content version token."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random hex token, replaced on every write of course content.
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


def watch(*models: type) -> None:
    """Count writes of these models as content changes (each flush writing one of them gets a new token)."""
    _WATCHED.update(models)


def token_column():
    """A scalar subquery of the current token, to read it as a column of a statement a request runs anyway."""
    return select(ContentVersion.token).where(ContentVersion.id == _ROW_ID).scalar_subquery()


_MEMO = "lms_content_token"


def remember(session, token: str | None) -> None:
    """Keep the token read by another statement of this transaction (e.g. the sign-in check) for current_token."""
    session.info[_MEMO] = token


def current_token(session) -> str | None:
    """The token as this transaction sees it, read once per transaction (None: no row, nothing may be cached)."""
    try:
        return session.info[_MEMO]
    except KeyError:
        token = session.info[_MEMO] = session.scalar(
            select(ContentVersion.token).where(ContentVersion.id == _ROW_ID))
        return token


def has_pending_content(session) -> bool:
    """True when the session holds unflushed writes of content (a cached copy would not show them)."""
    return bool(session.new or session.dirty or session.deleted) and _touches_content(session)


def bump(session) -> str:
    """Store a new token in the session's transaction (visible with its commit); return it.

    Core statements on the session's connection: no autoflush, so it may run from a flush event.
    """
    connection = session.connection()
    table = ContentVersion.__table__
    token, now = secrets.token_hex(16), utcnow()
    values = {"token": token, "changed_at": now}
    if connection.execute(update(table).where(table.c.id == _ROW_ID).values(**values)).rowcount:
        return token
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # Two first writers racing: one inserts, the other updates the row the first one made.
    connection.execute(insert(table).values(id=_ROW_ID, **values)
                       .on_conflict_do_update(index_elements=["id"], set_=values))
    return token


def _touches_content(session: Session) -> bool:
    return any(type(obj) in _WATCHED for group in (session.new, session.dirty, session.deleted) for obj in group
               if group is not session.dirty or session.is_modified(obj, include_collections=False))


def install() -> None:
    """Listen to the app's sessions (once per process): a flush that writes content bumps the token."""
    if getattr(install, "done", False):
        return

    @event.listens_for(db.session, "before_flush")
    def _before_flush(session, _context, _instances):
        session.info["lms_content_written"] = _touches_content(session)

    @event.listens_for(db.session, "after_flush")
    def _after_flush(session, _context):
        if session.info.pop("lms_content_written", False):
            # Plain statements on the flush's connection: allowed after a flush, and in the same transaction.
            session.info[_MEMO] = bump(session)

    @event.listens_for(db.session, "after_transaction_end")
    def _after_transaction_end(session, transaction):
        if transaction.parent is None:  # the next transaction may see another token
            session.info.pop(_MEMO, None)

    install.done = True
