"""A person's calendar feed: the hash of the secret in its address (the address itself is never stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import utcnow
from lms.extensions import db


class CalendarFeed(db.Model):
    """The one live feed address of a person (rotating it replaces the secret; revoking it deletes the row).

    Only a SHA-256 hash of the secret is kept, so that a copy of the database does not reveal anyone's feed address;
    the owner sees the address once, when it is made.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: SHA-256 (hex) of the secret in the feed address.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When the current address was made (created or rotated).
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
