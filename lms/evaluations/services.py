"""Evaluation use cases: offer the questionnaire after completion, take the answers anonymously, or a "no, thanks".
Request-free; flush only.

The answers go into an EvaluationResponse with the course, the learner's agency and the month, never the learner;
who has answered is kept in EvaluationParticipation only so as not to ask twice. The audit entry says that the
learner answered (or declined), never what.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.audit.services import audit
from lms.courses.models import Course
from lms.db import insert_if_absent
from lms.errors import DomainError
from lms.evaluations.models import (
    COMMENT_MAX_LENGTH,
    SCALE,
    EvaluationParticipation,
    EvaluationResponse,
    EvaluationScore,
    ParticipationStatus,
)
from lms.evaluations.questions import Questionnaire, questionnaire_of
from lms.extensions import db
from lms.learning.models import Enrollment


class NotCompleted(DomainError):
    """The questionnaire is for learners who completed the course."""

    message = _l("The questionnaire opens once you have completed the course.")


class AlreadyAnswered(DomainError):
    """The learner has answered (or declined) this course's questionnaire already."""

    message = _l("You have already answered or declined this course's questionnaire. Thank you.")


class InvalidAnswers(DomainError):
    """An answer is missing or outside the scale, or the comment is too long."""

    message = _l("Please choose a point from 1 to 5 for every question.")


def month_of(now: datetime) -> str:
    """The month stored with an answer, "YYYY-MM" (UTC)."""
    return f"{now.year:04d}-{now.month:02d}"


def has_completed(user: User, course: Course) -> bool:
    """Has `user` completed `course` (at least once)?"""
    return db.session.scalar(select(Enrollment.completed_at.is_not(None)).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id)) is True


def get_participation(user: User, course: Course) -> EvaluationParticipation | None:
    """Whether `user` answered or declined `course`'s questionnaire (None: neither yet)."""
    return db.session.get(EvaluationParticipation, (user.id, course.id))


def is_offered(user: User, course: Course, *, completed: bool | None = None) -> bool:
    """Is the questionnaire offered to `user` for `course`: completed (`completed`, when the caller knows it), and
    neither answered nor declined."""
    if completed is None:
        completed = has_completed(user, course)
    return bool(completed) and get_participation(user, course) is None


def check_answers(questionnaire: Questionnaire, scores: dict[str, int | None], comment: str | None) -> str | None:
    """The answers' checked comment (stripped; None when empty). Raises InvalidAnswers for a question without a
    point on the scale, an unknown question, or a comment longer than COMMENT_MAX_LENGTH."""
    low, high = SCALE
    if set(scores) != set(questionnaire.keys):
        raise InvalidAnswers()
    for value in scores.values():
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidAnswers()
    text = (comment or "").strip() if questionnaire.has_comment else ""
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidAnswers()
    return text or None


def _participate(user: User, course: Course, status: str, *, now: datetime, ip: str) -> None:
    if not has_completed(user, course):
        raise NotCompleted()
    created = insert_if_absent(db.session, EvaluationParticipation,
                               {"user_id": user.id, "course_id": course.id, "status": status},
                               unique=["user_id", "course_id"])
    if not created:  # a second tab or a replayed form
        raise AlreadyAnswered()
    # That they answered or declined, never what: the entry carries no score and no comment.
    audit(f"evaluation.{status}", actor=user, now=now, ip=ip, object_type="course", object_id=course.key)


def submit_evaluation(user: User, course: Course, scores: dict[str, int | None], comment: str | None, *,
                      now: datetime, ip: str = "") -> None:
    """Record `user`'s answers to `course`'s questionnaire anonymously (an EvaluationResponse with the course, their
    agency and the month) and that they have answered (audited).

    Raises InvalidAnswers (nothing recorded), NotCompleted, AlreadyAnswered.
    """
    text = check_answers(questionnaire_of(course), scores, comment)
    _participate(user, course, ParticipationStatus.ANSWERED, now=now, ip=ip)
    response = EvaluationResponse(id=secrets.token_hex(16), course_id=course.id, agency_id=user.agency_id,
                                  month=month_of(now), comment=text)
    response.scores = [EvaluationScore(question_key=key, score=value) for key, value in scores.items()]
    db.session.add(response)
    db.session.flush()


def dismiss_evaluation(user: User, course: Course, *, now: datetime, ip: str = "") -> None:
    """Record that `user` declined `course`'s questionnaire, so that it is not offered again (audited).

    Raises NotCompleted, AlreadyAnswered.
    """
    _participate(user, course, ParticipationStatus.DISMISSED, now=now, ip=ip)
    db.session.flush()
