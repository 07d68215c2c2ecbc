"""Pre-test attempts: one per learner and course, apart from quiz attempts, so that nothing that counts final-quiz
attempts (limits, completion, certificates, competency evidence, xAPI) ever sees one."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course, QuizVersion
from lms.db import utcnow
from lms.extensions import db


class PretestStatus(StrEnum):
    """open -> submitted; or skipped (the learner chose not to take it: no questions drawn)."""

    OPEN = "open"
    SUBMITTED = "submitted"
    SKIPPED = "skipped"


class PretestAttempt(db.Model):
    """A learner's pre-test in a course: the draw and layout snapshotted as a quiz attempt's are."""

    __tablename__ = "pretest_attempts"
    #: One pre-test per learner and course: taken (or skipped) once, before the lessons.
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The quiz version whose pool the questions were drawn from (None when skipped before drawing).
    quiz_version_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_versions.id"))
    #: A PretestStatus.
    status: Mapped[str] = mapped_column(String(10), default=PretestStatus.OPEN)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was submitted or skipped.
    submitted_at: Mapped[datetime | None]
    #: As QuizAttempt.layout: {"seed", "questions", "layouts", "fields"} ({} when skipped).
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The form as last saved ("save and finish later"): {field token: [value tokens or text]}, for resuming.
    draft: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The answers as accepted on submission, by question id.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: {question id: {"score": 0..1, "correct": bool, "points": n}}
    results: Mapped[dict] = mapped_column(JSON, default=dict)
    score_percent: Mapped[float | None]
    language: Mapped[str] = mapped_column(String(2))

    course: Mapped[Course] = relationship()
    quiz_version: Mapped[QuizVersion | None] = relationship()
