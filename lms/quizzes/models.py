"""Quiz attempts: the draw, the layout and the rules are stored with the attempt, so it is graded as it was set."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course, QuizVersion
from lms.db import utcnow
from lms.extensions import db


class AttemptStatus(StrEnum):
    """open -> submitted, or open -> expired (time limit passed before a submission arrived)."""

    OPEN = "open"
    SUBMITTED = "submitted"
    EXPIRED = "expired"


class QuizAttempt(db.Model):
    """One attempt at a course's final quiz."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # Attempt numbers are unique per learner and course: two racing starts cannot both become attempt 2.
        UniqueConstraint("user_id", "course_id", "is_preview", "number"),
        # At most one open attempt per learner and course, enforced by the database.
        Index("uq_quiz_attempts_one_open", "user_id", "course_id", "is_preview", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"))
    number: Mapped[int]
    #: An author's try-out: never counts towards limits, completion or reports.
    is_preview: Mapped[bool] = mapped_column(default=False)
    #: An AttemptStatus.
    status: Mapped[str] = mapped_column(String(10), default=AttemptStatus.OPEN)
    #: The pass mark of the quiz version, copied when the attempt starts.
    pass_mark: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    #: {"seed": n, "questions": [ids in display order], "layouts": {id: {"options"|"items"|"rights": [ids]}},
    #: "fields": {id: the opaque tokens of its form controls (lms.quizzes.fields)}}; attempts started before
    #: tokens have no "fields" (theirs are derived from the seed).
    layout: Mapped[dict] = mapped_column(JSON)
    #: The answers as accepted (after validation), by question id.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: {question id: {"score": 0..1, "correct": bool, "points": n}}
    results: Mapped[dict] = mapped_column(JSON, default=dict)
    score_percent: Mapped[float | None]
    passed: Mapped[bool | None]
    language: Mapped[str] = mapped_column(String(2))

    course: Mapped[Course] = relationship()
    quiz_version: Mapped[QuizVersion] = relationship()
