"""Audit entries. Rows are only ever inserted: no code path updates or deletes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import utcnow
from lms.extensions import db


class AuditEntry(db.Model):
    """Who did what to which object, when and from where, with a before/after summary."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: None for the command line (the operator of the machine).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    #: e.g. user.deactivated, user.roles_changed, assignment.created, certificate.revoked, access.denied
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(100), default="")
    #: {"before": {...}, "after": {...}} or other details; never passwords or tokens.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
