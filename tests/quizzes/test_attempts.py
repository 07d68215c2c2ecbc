"""Quiz attempts at the service level, on a fixed clock: the stored draw, time limits, attempt limits, waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.courses import services as courses
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Activity
from lms.quizzes import services
from lms.quizzes.models import QuizAttempt
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

#: Right answers to the builder's quiz (tests/courses/builders.py::quiz_text), as parse_answers returns them.
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": True, "q-short": "AI", "q-number": "2000"}
WRONG = {"q-single": "b", "q-multiple": ["c"], "q-true-false": False, "q-short": "ML", "q-number": "1"}
POOL = ["q-single", "q-multiple", "q-true-false", "q-short", "q-number"]


def _learner_in(make_quiz_course, settings: dict | None = None, *, enrol: bool = True):
    """A synced quiz course with the given quiz settings and a learner (enrolled unless told otherwise)."""
    key = make_quiz_course(settings)
    user = factories.user("learner@example.kz")
    course = courses.get_live_course(key)
    if enrol:
        learning.enroll(user, course, now=T0)
    db.session.commit()
    return user, course


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _attempt_and_submit(user, course, answers, *, at: datetime) -> QuizAttempt:
    attempt = services.start_attempt(user, course, now=at, language="en")
    services.submit_attempt(attempt, answers, now=at + timedelta(minutes=1))
    db.session.commit()
    return attempt


# --- the draw is stored ----------------------------------------------------------------------------------------------

def test_start_attempt_draws_the_questions_and_stores_the_layout(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"draw": 3})
    attempt = services.start_attempt(user, course, now=T0, language="en")
    db.session.commit()
    attempt_id = attempt.id
    db.session.expunge_all()

    stored = db.session.get(QuizAttempt, attempt_id)
    ids = stored.layout["questions"]
    assert len(ids) == 3
    assert ids == [qid for qid in POOL if qid in ids]  # drawn from the pool, in the pool's order
    assert set(stored.layout["layouts"]) == set(ids)
    questions = services.questions_by_id(stored)
    for qid in ids:
        if questions[qid]["type"] in ("single", "multiple"):
            shown = stored.layout["layouts"][qid]["options"]
            assert sorted(shown) == sorted(o["id"] for o in questions[qid]["options"])
    assert stored.status == "open"
    assert stored.number == 1
    assert stored.started_at == T0
    assert stored.deadline_at is None
    assert stored.pass_mark == 70
    assert stored.language == "en"


def test_starting_again_returns_the_open_attempt_with_the_same_layout(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"draw": 3})
    first = services.start_attempt(user, course, now=T0, language="en")
    db.session.commit()
    layout = dict(first.layout)
    again = services.start_attempt(user, course, now=T0 + timedelta(minutes=5), language="ru")
    db.session.commit()
    assert again.id == first.id
    assert again.layout == layout
    assert again.language == "en"
    assert _count(QuizAttempt) == 1
    assert _count(Activity, verb="quiz_started") == 1


# --- grading through the service -------------------------------------------------------------------------------------

def test_submitting_right_answers_passes_and_records_one_activity(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    attempt = _attempt_and_submit(user, course, RIGHT, at=T0)
    assert (attempt.status, attempt.score_percent, attempt.passed) == ("submitted", 100.0, True)
    assert attempt.submitted_at == T0 + timedelta(minutes=1)
    assert services.has_passed(user, course)
    assert _count(Activity, verb="quiz_passed") == 1


def test_submitting_a_closed_attempt_again_raises_and_changes_nothing(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    attempt = _attempt_and_submit(user, course, WRONG, at=T0)
    with pytest.raises(services.AlreadySubmitted):
        services.submit_attempt(attempt, RIGHT, now=T0 + timedelta(minutes=2))
    db.session.rollback()
    assert (attempt.status, attempt.score_percent, attempt.passed) == ("submitted", 0.0, False)
    assert attempt.submitted_at == T0 + timedelta(minutes=1)
    assert _count(Activity, verb="quiz_failed") == 1
    assert _count(Activity, verb="quiz_passed") == 0


# --- time limit ------------------------------------------------------------------------------------------------------

def test_a_submission_by_the_deadline_plus_grace_counts(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"time_limit_minutes": 10})
    attempt = services.start_attempt(user, course, now=T0, language="en")
    assert attempt.deadline_at == T0 + timedelta(minutes=10)
    services.submit_attempt(attempt, RIGHT, now=T0 + timedelta(minutes=10) + services.GRACE)
    db.session.commit()
    assert (attempt.status, attempt.score_percent, attempt.passed) == ("submitted", 100.0, True)
    assert attempt.answers["q-single"] == "a"


def test_a_submission_after_the_deadline_plus_grace_expires_with_score_zero(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"time_limit_minutes": 10})
    attempt = services.start_attempt(user, course, now=T0, language="en")
    late = T0 + timedelta(minutes=10) + services.GRACE + timedelta(seconds=1)
    services.submit_attempt(attempt, RIGHT, now=late)
    db.session.commit()
    assert attempt.status == "expired"
    assert attempt.answers == {}
    assert (attempt.score_percent, attempt.passed) == (0.0, False)
    assert attempt.submitted_at == attempt.deadline_at
    assert not services.has_passed(user, course)
    failed = db.session.scalar(select(Activity).where(Activity.verb == "quiz_failed"))
    assert failed.details["status"] == "expired"


def test_an_expired_open_attempt_is_closed_when_starting_again_and_counts_as_used(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"time_limit_minutes": 10})
    first = services.start_attempt(user, course, now=T0, language="en")
    db.session.commit()
    second = services.start_attempt(user, course, now=T0 + timedelta(hours=1), language="en")
    db.session.commit()
    assert second.id != first.id
    assert second.number == 2
    db.session.refresh(first)
    assert (first.status, first.score_percent, first.passed) == ("expired", 0.0, False)
    standing = services.get_standing(user, courses.get_current_quiz(course), course, now=T0 + timedelta(hours=1))
    assert (standing.used, standing.left) == (1, 2)


def test_an_expired_open_attempt_uses_up_the_last_attempt(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"time_limit_minutes": 10, "max_attempts": 1})
    first = services.start_attempt(user, course, now=T0, language="en")
    db.session.commit()
    with pytest.raises(services.AttemptLimitReached):
        services.start_attempt(user, course, now=T0 + timedelta(hours=1), language="en")
    assert first.status == "expired"
    assert _count(QuizAttempt) == 1


# --- attempt limits, waiting, passing --------------------------------------------------------------------------------

def test_a_new_attempt_is_refused_after_max_attempts_with_a_clear_message(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"max_attempts": 2})
    _attempt_and_submit(user, course, WRONG, at=T0)
    _attempt_and_submit(user, course, WRONG, at=T0 + timedelta(hours=1))
    with pytest.raises(services.AttemptLimitReached) as refused:
        services.start_attempt(user, course, now=T0 + timedelta(hours=2), language="en")
    assert str(refused.value.message) == "You have used all your attempts at this quiz."
    db.session.rollback()
    assert _count(QuizAttempt) == 2


def test_without_max_attempts_there_is_no_limit(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"max_attempts": None})
    for hour in range(5):
        _attempt_and_submit(user, course, WRONG, at=T0 + timedelta(hours=hour))
    standing = services.get_standing(user, courses.get_current_quiz(course), course, now=T0 + timedelta(hours=6))
    assert (standing.used, standing.left) == (5, None)
    assert services.start_attempt(user, course, now=T0 + timedelta(hours=6), language="en").number == 6


def test_a_new_attempt_is_refused_until_the_wait_is_over(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"wait_minutes": 60})
    _attempt_and_submit(user, course, WRONG, at=T0)  # submitted at T0 + 1 minute
    with pytest.raises(services.MustWait) as refused:
        services.start_attempt(user, course, now=T0 + timedelta(minutes=60), language="en")
    assert refused.value.until == T0 + timedelta(minutes=61)
    assert "waiting time" in str(refused.value.message)
    db.session.rollback()
    assert _count(QuizAttempt) == 1
    attempt = services.start_attempt(user, course, now=T0 + timedelta(minutes=61, seconds=1), language="en")
    assert attempt.number == 2


def test_starting_again_after_passing_is_refused(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    _attempt_and_submit(user, course, RIGHT, at=T0)
    with pytest.raises(services.AlreadyPassed) as refused:
        services.start_attempt(user, course, now=T0 + timedelta(hours=1), language="en")
    assert "already passed" in str(refused.value.message)
    db.session.rollback()
    assert _count(QuizAttempt) == 1


def test_starting_without_enrolment_is_refused(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, enrol=False)
    with pytest.raises(services.QuizError) as refused:
        services.start_attempt(user, course, now=T0, language="en")
    assert str(refused.value.message) == "Enrol in the course first."
    db.session.rollback()
    assert _count(QuizAttempt) == 0


def test_a_course_without_a_quiz_has_no_attempts(ctx, course_key):
    user = factories.user("learner@example.kz")
    course = courses.get_live_course(course_key)
    with pytest.raises(services.NoQuiz):
        services.start_attempt(user, course, now=T0, language="en")


# --- preview ---------------------------------------------------------------------------------------------------------

def test_a_preview_attempt_needs_no_enrolment_and_does_not_count(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {"max_attempts": 1}, enrol=False)
    attempt = services.start_attempt(user, course, now=T0, language="en", preview=True)
    services.submit_attempt(attempt, RIGHT, now=T0 + timedelta(minutes=1))
    db.session.commit()
    assert (attempt.is_preview, attempt.passed) == (True, True)
    assert not services.has_passed(user, course)
    standing = services.get_standing(user, courses.get_current_quiz(course), course, now=T0 + timedelta(minutes=2))
    assert (standing.used, standing.left, standing.passed) == (0, 1, False)
    assert _count(Activity) == 0
