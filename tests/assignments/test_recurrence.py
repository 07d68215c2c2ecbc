"""Recurring assignments: a completion is valid for the period, then the course is due again and must be redone;
the earlier completion stays in the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.assignments.reminders import send_reminders
from lms.assignments.services import NewAssignment, create_assignment, list_assigned_courses, renewal_since
from lms.courses.models import Course
from lms.extensions import db
from lms.learning import services
from lms.learning.models import CourseCompletion
from lms.mail.models import OutboxMessage
from lms.timeutil import add_months
from tests import factories

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def yearly(app, ctx, course_key):
    """A learner whose agency must complete the (quiz-free) course every 12 months, first due 2026-02-01."""
    agency = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=agency)
    learner = factories.user("learner@example.kz", agency=agency)
    course = db.session.scalar(select(Course))
    create_assignment(NewAssignment(course=course, due_at=datetime(2026, 2, 1, tzinfo=UTC), target_kind="agency",
                                    agency=agency, recurrence_months=12), actor=hr, now=START)
    services.enroll(learner, course, now=START)
    db.session.commit()
    return learner, course


def _complete_everything(learner, course, now):
    since = renewal_since(learner, course, now=now)
    for lesson in course.lessons:
        services.complete_lesson(learner, lesson, now=now, language="en", since=since)
    completion = services.complete_course_if_done(learner, course, now=now, language="en", quiz_passed=False,
                                                  since=since)
    db.session.commit()
    return completion


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 14) == datetime(2028, 1, 15, tzinfo=UTC)


def test_a_completion_satisfies_the_assignment_for_the_period(yearly):
    learner, course = yearly
    done_at = START + timedelta(days=5)
    assert _complete_everything(learner, course, done_at) is not None
    [item] = list_assigned_courses(learner, now=done_at + timedelta(days=300))
    assert item.completed_at == done_at


def test_the_course_is_due_again_a_period_after_the_completion(yearly):
    learner, course = yearly
    done_at = START + timedelta(days=5)
    _complete_everything(learner, course, done_at)
    later = add_months(done_at, 12) - timedelta(days=10)  # inside the renewal window
    [item] = list_assigned_courses(learner, now=later)
    assert item.completed_at is None
    assert item.due_at == add_months(done_at, 12)
    assert services.get_progress(learner, course, since=renewal_since(learner, course, now=later)).done == 0


def test_renewing_needs_the_lessons_again_and_keeps_the_history(yearly):
    learner, course = yearly
    first_at = START + timedelta(days=5)
    _complete_everything(learner, course, first_at)
    renew_at = add_months(first_at, 12) - timedelta(days=3)
    since = renewal_since(learner, course, now=renew_at)
    services.complete_lesson(learner, course.lessons[0], now=renew_at, language="en", since=since)
    assert services.complete_course_if_done(learner, course, now=renew_at, language="en", quiz_passed=False,
                                            since=since) is None  # one lesson is not the whole course
    assert _complete_everything(learner, course, renew_at + timedelta(hours=1)) is not None
    assert db.session.scalar(select(func.count()).select_from(CourseCompletion)) == 2
    [item] = list_assigned_courses(learner, now=renew_at + timedelta(days=1))
    assert item.completed_at is not None


def test_a_one_off_assignment_is_never_due_again(app, ctx, course_key):
    agency = factories.agency("B")
    hr = factories.user("hr-b@example.kz", roles={Role.HR}, agency=agency)
    learner = factories.user("l@example.kz", agency=agency)
    course = db.session.scalar(select(Course))
    create_assignment(NewAssignment(course=course, due_at=datetime(2026, 2, 1, tzinfo=UTC), target_kind="agency",
                                    agency=agency), actor=hr, now=START)
    services.enroll(learner, course, now=START)
    _complete_everything(learner, course, START + timedelta(days=1))
    [item] = list_assigned_courses(learner, now=START + timedelta(days=3000))
    assert item.completed_at is not None
    assert renewal_since(learner, course, now=START + timedelta(days=3000)) is None


def test_reminders_follow_each_period(yearly, test_request):
    learner, course = yearly
    done_at = datetime(2026, 1, 20, tzinfo=UTC)
    _complete_everything(learner, course, done_at)
    due_again = add_months(done_at, 12)
    send_reminders(now=due_again - timedelta(days=6), default_locale="en")
    send_reminders(now=due_again - timedelta(days=5), default_locale="en")
    db.session.commit()
    subjects = list(db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == "learner@example.kz", OutboxMessage.subject.startswith("Reminder"))))
    assert len(subjects) == 1 and "due soon" in subjects[0]


def test_recurrence_outside_one_to_120_months_is_refused(app, ctx, course_key):
    from lms.assignments.services import AssignmentError

    agency = factories.agency("C")
    admin = factories.user("admin@example.kz", roles={Role.ADMIN})
    with pytest.raises(AssignmentError):
        create_assignment(NewAssignment(course=db.session.scalar(select(Course)),
                                        due_at=START + timedelta(days=30), target_kind="agency", agency=agency,
                                        recurrence_months=0), actor=admin, now=START)
