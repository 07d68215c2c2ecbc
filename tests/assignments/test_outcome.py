"""The outcome of learning (lms.assignments.outcome): a finished lesson or a submitted quiz completes the course
within its study period and issues the certificate, in one use case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.assignments.outcome import record_course_outcome
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses.models import Course
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import CourseCompletion, Enrollment
from lms.timeutil import add_months
from tests import factories

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def assigned(app, ctx, course_key):
    """A learner enrolled by a yearly assignment of the (quiz-free, certificate-giving) course."""
    agency = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=agency)
    learner = factories.user("learner@example.kz", agency=agency)
    course = db.session.scalar(select(Course))
    create_assignment(NewAssignment(course=course, due_at=START + timedelta(days=30), target_kind="agency",
                                    agency=agency, recurrence_months=12), actor=hr, now=START)
    db.session.commit()
    return learner, course


def _finish(learner, course, lesson, at):
    outcome = record_course_outcome(learner, course, now=at, language="en", lesson=lesson)
    db.session.commit()
    return outcome


def test_finishing_the_last_lesson_completes_the_course_and_issues_the_certificate(assigned):
    learner, course = assigned
    first, second, last = course.lessons
    assert _finish(learner, course, first, START).next_lesson.key == second.key
    assert _finish(learner, course, second, START).completion is None
    outcome = _finish(learner, course, last, START + timedelta(hours=1))
    assert outcome.completion is not None and outcome.next_lesson is None
    assert outcome.certificate is not None and outcome.certificate.completion_id == outcome.completion.id
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert (enrollment.lessons_completed, enrollment.completed_at, enrollment.certificate_id) == (
        3, START + timedelta(hours=1), outcome.certificate.id)


def test_a_step_after_the_completion_completes_nothing_again(assigned):
    learner, course = assigned
    for lesson in course.lessons:
        _finish(learner, course, lesson, START)
    again = record_course_outcome(learner, course, now=START + timedelta(days=1), language="en")
    assert (again.completion, again.certificate) == (None, None)
    assert db.session.scalar(select(func.count()).select_from(CourseCompletion)) == 1


def test_recurring_training_due_again_counts_only_the_lessons_finished_since(assigned):
    learner, course = assigned
    for lesson in course.lessons:
        _finish(learner, course, lesson, START)
    due_again = add_months(START, 12) - timedelta(days=10)  # inside the renewal window
    first, second, last = course.lessons
    assert _finish(learner, course, first, due_again).next_lesson.key == second.key
    _finish(learner, course, second, due_again)
    renewed = _finish(learner, course, last, due_again)
    assert renewed.completion is not None and renewed.completion.completed_at == due_again
    assert db.session.scalar(select(func.count()).select_from(CourseCompletion)) == 2


def test_a_lesson_of_someone_not_enrolled_is_refused(app, ctx, course_key):
    stranger = factories.user("stranger@example.kz")
    course = db.session.scalar(select(Course))
    with pytest.raises(learning.NotEnrolled):
        record_course_outcome(stranger, course, now=START, language="en", lesson=course.lessons[0])
