"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, insert, select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.extensions import db


def audit(action: str, *, actor: User | None, now: datetime, ip: str = "", object_type: str = "",
          object_id: str | int = "", before: dict | None = None, after: dict | None = None,
          details: dict | None = None) -> AuditEntry:
    """Append an entry (flushes nothing; it goes with the caller's transaction)."""
    summary = dict(details or {})
    if before is not None:
        summary["before"] = before
    if after is not None:
        summary["after"] = after
    entry = AuditEntry(at=now, actor_id=actor.id if actor is not None else None, ip=ip[:64], action=action,
                       object_type=object_type, object_id=str(object_id)[:100], summary=summary)
    db.session.add(entry)
    return entry


def audit_each(action: str, objects: Iterable[tuple[str | int, dict]], *, actor: User | None, now: datetime,
               ip: str = "", object_type: str = "") -> None:
    """Append one entry per (object id, summary) in one statement: the rows audit() would write, for an act done to
    thousands of objects at once (an import)."""
    rows = [{"at": now, "actor_id": actor.id if actor is not None else None, "ip": ip[:64], "action": action,
             "object_type": object_type, "object_id": str(object_id)[:100], "summary": summary}
            for object_id, summary in objects]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def record_access_denied(*, actor: User | None, now: datetime, ip: str, path: str, method: str) -> AuditEntry:
    """Append `access.denied` for a refused request (`actor` None: nobody signed in)."""
    return audit("access.denied", actor=actor, now=now, ip=ip, object_type="url", object_id=path[:100],
                 details={"method": method})


def query_entries(*, action: str | None = None, actor_email: str | None = None, since: datetime | None = None,
                  until: datetime | None = None) -> Select:
    """Entries matching the filters, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor_email:
        query = query.join(User, User.id == AuditEntry.actor_id).where(User.email == actor_email.strip().lower())
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return query
