"""Delivered notifications (the inbox, and the record that a notice was delivered) and each person's channels."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import utcnow
from lms.extensions import db


class Channel(StrEnum):
    """How a person wants one kind of notice: in the app and by e-mail, one of them, or not at all."""

    BOTH = "both"
    IN_APP = "in_app"
    EMAIL = "email"
    NONE = "none"

    @property
    def in_app(self) -> bool:
        """Shown in the inbox."""
        return self in (Channel.BOTH, Channel.IN_APP)

    @property
    def email(self) -> bool:
        """Sent by e-mail."""
        return self in (Channel.BOTH, Channel.EMAIL)


class Notification(db.Model):
    """One notice delivered to one person. The text is not stored: it is written from `kind` and `params` in the
    reader's language when shown (lms.notifications.kinds), and in the recipient's language for the e-mail.

    A row is written for every delivery, also when the person's preference sends it by e-mail only or not at all
    (then `is_in_app` is false and it is born read): with (recipient, kind, key) unique, a notice published again
    with the same key is delivered once whatever the channel.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "key"),
        Index("ix_notifications_recipient_id_created_at", "recipient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: A kind of lms.notifications.kinds (e.g. "assigned", "overdue", "certificate_issued").
    kind: Mapped[str] = mapped_column(String(40))
    #: Plain JSON values the text is written from (ISO dates, ids, short strings), as the notice gave them.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    #: The person the notice is about when not the recipient (the learner of a manager's approval request).
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The notice's idempotency key (None: every notice is delivered, e.g. each export).
    key: Mapped[str | None] = mapped_column(String(120))
    #: Listed in the inbox (the preference included the app, or the notice was mandatory).
    is_in_app: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was read (marked, or its link opened); read notifications are purged after NOTIFICATION_RETENTION_DAYS.
    read_at: Mapped[datetime | None] = mapped_column(index=True)


class NotificationPreference(db.Model):
    """A person's channel for one kind of notice, where it differs from the kind's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: A Channel.
    channel: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
