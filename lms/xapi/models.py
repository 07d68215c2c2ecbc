"""The statement outbox and the learners' opaque xAPI names."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Activity


class StatementStatus(StrEnum):
    """pending -> sent, or pending -> rejected (the LRS refused this statement itself: it is not retried)."""

    PENDING = "pending"
    SENT = "sent"
    REJECTED = "rejected"


class XapiActor(db.Model):
    """The name a learner goes by in statements (actor.account.name): random, stable, and telling nothing."""

    __tablename__ = "xapi_actors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(36), unique=True)


class XapiStatement(db.Model):
    """One statement for the LRS, built when its event was recorded and written in the same transaction.

    The statement (with its id) is fixed at creation: a retry or a replay sends the same bytes, which the LRS
    recognises as the statement it has, so nothing is stored twice.
    """

    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_queue", "status", "event_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event this statement reports (one statement per event).
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), unique=True)
    #: The statement's own UUID (statement["id"]).
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict] = mapped_column(JSON)
    #: A StatementStatus.
    status: Mapped[str] = mapped_column(String(10), default=StatementStatus.PENDING)
    #: Failed deliveries since it was last queued (the backoff grows with it).
    attempts: Mapped[int] = mapped_column(default=0)
    #: Not sent before this time (backoff after a failure).
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: When the event happened (statement["timestamp"]), for `lms xapi replay --since`.
    event_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship()
