"""A learner's journey through a quiz course, at the service level on a fixed clock, committed step by step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.assignments.outcome import record_course_outcome
from lms.certificates import services as certificates
from lms.courses import services as courses
from lms.extensions import db
from lms.learning import services as learning
from lms.quizzes import services as quizzes
from lms.xapi.models import XapiActor
from lms.xapi.statements import agent_account

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
#: Right and wrong answers to the builder's quiz (tests/courses/builders.py::quiz_text).
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": True, "q-short": "AI", "q-number": "2000"}
WRONG = {"q-single": "b", "q-multiple": ["c"], "q-true-false": False, "q-short": "ML", "q-number": "1"}

#: The verbs of the journey's statements, in order (lessons intro, data-basics, wrap-up).
JOURNEY_VERBS = [
    "http://adlnet.gov/expapi/verbs/registered",
    "http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/attempted", "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/attempted", "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/completed", "http://id.tincanapi.com/verb/earned",
]


def walk(learner, course_key: str, *, start: datetime = T0, language: str = "ru"):
    """Enrol, finish every lesson, fail then pass the final quiz (completing the course and earning its
    certificate); return the certificate."""
    course = courses.get_live_course(course_key)
    at = start
    learning.enroll(learner, course, now=at)
    db.session.commit()
    for lesson in courses.list_live_lessons(course):
        at += timedelta(minutes=10)
        record_course_outcome(learner, course, now=at, language=language, lesson=lesson)
        db.session.commit()
    outcome = None
    for answers in (WRONG, RIGHT):
        at += timedelta(minutes=10)
        attempt = quizzes.start_attempt(learner, course, now=at, language=language)
        db.session.commit()
        quizzes.submit_attempt(attempt, answers, now=at + timedelta(minutes=3))
        outcome = record_course_outcome(learner, course, now=at + timedelta(minutes=3), language=language)
        db.session.commit()
    assert outcome is not None and outcome.certificate is not None
    return outcome.certificate


def revoke(certificate, admin, *, at: datetime) -> None:
    """Revoke the certificate (a name correction, say) and commit."""
    certificates.revoke(certificate, actor=admin, reason="name corrected", now=at)
    db.session.commit()


def actor_of(app, user_id: int) -> dict:
    """The learner's xAPI actor, as the statements name them."""
    name = db.session.scalar(select(XapiActor.name).where(XapiActor.user_id == user_id))
    assert name, "the learner has no xAPI name"
    return agent_account(app.config["BASE_URL"], name)
