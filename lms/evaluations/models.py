"""Evaluation answers, kept apart from the people who gave them.

An EvaluationResponse has no user, no exact time and no sequential id: only the course, the respondent's agency and
the month, so a figure or a comment cannot be traced back to a person (its id is random, so the order of answers
cannot be matched with the order of the EvaluationParticipation rows either). EvaluationParticipation says only that
someone answered (or declined) a course's questionnaire, so that it is not offered twice; it says nothing of what
they answered.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course
from lms.extensions import db

#: The longest comment a learner may leave (the form and the service both hold to it).
COMMENT_MAX_LENGTH = 2000
#: The lowest and highest point of every scale question.
SCALE = (1, 5)


class ParticipationStatus(StrEnum):
    """What a learner did with a course's questionnaire."""

    ANSWERED = "answered"
    DISMISSED = "dismissed"


class EvaluationParticipation(db.Model):
    """That a learner answered or declined a course's questionnaire; no answer, no time (one row per learner and
    course, so it is not offered again)."""

    __tablename__ = "evaluation_participations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    #: ParticipationStatus.
    status: Mapped[str] = mapped_column(String(10))


class EvaluationResponse(db.Model):
    """One anonymous set of answers to a course's questionnaire."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (Index("ix_evaluation_responses_course_id_month", "course_id", "month"),)

    #: Random (secrets.token_hex): the order of answers cannot be read from their ids.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    #: The respondent's agency when they answered (None: they had none), for agency figures.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: The month it was given, "YYYY-MM" (no day or time: they could link it to a person's activity).
    month: Mapped[str] = mapped_column(String(7))
    #: The free-text comment, if any (escaped wherever it is shown; at most COMMENT_MAX_LENGTH characters).
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX_LENGTH))

    course: Mapped[Course] = relationship()
    scores: Mapped[list[EvaluationScore]] = relationship(back_populates="response", cascade="all, delete-orphan")


class EvaluationScore(db.Model):
    """One scale answer (1-5) of a response, by the question's stable id."""

    __tablename__ = "evaluation_scores"

    response_id: Mapped[str] = mapped_column(ForeignKey("evaluation_responses.id", ondelete="CASCADE"),
                                             primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int]

    response: Mapped[EvaluationResponse] = relationship(back_populates="scores")
