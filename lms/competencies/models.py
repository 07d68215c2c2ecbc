"""Competency evidence: one row per competency a passed final-quiz attempt evidenced, at the level it evidenced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class CompetencyEvidence(db.Model):
    """A competency at a level, evidenced by a learner's passed final-quiz attempt in a course.

    Written by the use case that records a passed final quiz (lms.assignments.outcome) and rebuilt by
    `lms competencies recompute`; the profile takes, per competency, the highest level evidenced.
    """

    __tablename__ = "competency_evidence"
    __table_args__ = (
        UniqueConstraint("attempt_id", "competency_id"),
        # The heat map reads the highest level per person and competency.
        Index("ix_competency_evidence_user_id_competency_id", "user_id", "competency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int]
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"))
    #: When the attempt was submitted.
    evidenced_at: Mapped[datetime]
