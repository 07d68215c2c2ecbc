"""Personal API tokens: the JSON API's only way in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import utcnow
from lms.extensions import db


class ApiToken(db.Model):
    """A personal token for the JSON API (BI tools). Shown once at creation; only its hash is stored.

    It acts with its owner's rights at the time of each call, so a deactivated owner's tokens stop working.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The owner's label for it ("Power BI", "weekly report").
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token, so that the owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
