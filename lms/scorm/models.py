"""A learner's SCORM runtime data (CMI) per lesson and package version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import utcnow
from lms.extensions import db


class ScormAttempt(db.Model):
    """The CMI data of one learner in one SCORM lesson at one package version, as the newest commit left it.

    A new package version (another zip) starts a new attempt; earlier ones stay. Commits are ordered by
    (launched_us, seq): the page load that made them, then their number within it; an older or repeated commit
    changes nothing.
    """

    __tablename__ = "scorm_attempts"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", "package_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The package version (its zip's SHA-256) the data belongs to.
    package_sha256: Mapped[str] = mapped_column(String(64))
    #: The data model: "1.2" or "2004".
    version: Mapped[str] = mapped_column(String(4))
    #: The `cmi` object of the newest accepted commit, as sent (checked by lms.scorm.cmi.parse_commit).
    cmi: Mapped[dict] = mapped_column(JSON, default=dict)
    #: When the page load whose session sent the newest accepted commit opened (microseconds since the epoch).
    launched_us: Mapped[int] = mapped_column(BigInteger, default=0)
    #: That commit's number within its session.
    seq: Mapped[int] = mapped_column(default=0)
    #: lesson_status (1.2) or completion_status (2004).
    status: Mapped[str] = mapped_column(String(20), default="not attempted")
    #: success_status (2004; None for 1.2).
    success_status: Mapped[str | None] = mapped_column(String(10))
    score_raw: Mapped[float | None] = mapped_column(Float)
    score_min: Mapped[float | None] = mapped_column(Float)
    score_max: Mapped[float | None] = mapped_column(Float)
    score_scaled: Mapped[float | None] = mapped_column(Float)
    location: Mapped[str] = mapped_column(String(1000), default="")
    suspend_data: Mapped[str] = mapped_column(Text, default="")
    exit: Mapped[str] = mapped_column(String(10), default="")
    #: The time of the newest session as the package reported it, and of the sessions before it, in seconds.
    session_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    previous_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: Commits accepted.
    commits: Mapped[int] = mapped_column(default=0)
    #: When the package first said the learner finished it (lms.scorm.cmi.is_done).
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def total_seconds(self) -> float:
        """Time spent over every session of this attempt."""
        return self.previous_seconds + self.session_seconds
