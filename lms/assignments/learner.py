"""Where one learner stands in one course, read in two statements for the learner's pages: the enrolment, the
assignment (earliest due date, recurrence), the latest completion (one row), then the lessons done with their times.

It lives here because the assignment's recurrence decides which work counts (recurring training due again counts
only what was done since the completion it renews). Request-free; reads only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.assignments.models import Assignment
from lms.assignments.services import AssignedCourse, _applies_params, _applies_to, _status
from lms.courses.models import Course, Lesson
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import CourseCompletion, Enrollment, LessonProgress
from lms.learning.services import Progress, _progress
from lms.timeutil import aware


@dataclass(frozen=True)
class CourseState:
    """A learner's enrolment, assignment standing, latest completion and lessons done in one course."""

    enrollment: Enrollment | None
    #: The assignment standing (assignments.services.get_assigned_course), None when the course is not assigned.
    assignment: AssignedCourse | None
    #: assignments.services.renewal_since: when recurring training is due again, the completion it renews.
    since: datetime | None
    latest_completion: CourseCompletion | None
    #: Lesson row id -> when the learner marked it complete (every time, `since` not applied).
    done_at: dict[int, datetime] = field(default_factory=dict)

    def is_done(self, lesson: Lesson) -> bool:
        """learning.services.is_lesson_done with this state's `since`."""
        at = self.done_at.get(lesson.id)
        return at is not None and (self.since is None or at > self.since)

    def progress(self, lessons: list[Lesson]) -> Progress:
        """learning.services.get_progress with this state's `since`, over the course's live `lessons`."""
        done = {lesson_id for lesson_id, at in self.done_at.items() if self.since is None or at > self.since}
        return _progress(lessons, done, None if self.since else self.latest_completion)


@functools.cache
def _standing_query():
    # Built once per process; the user, course and the assignment condition's parameters come in when it runs.
    latest = aliased(CourseCompletion)
    latest_id = (select(latest.id).where(latest.user_id == User.id, latest.course_id == bindparam("course_id"))
                 .order_by(latest.completed_at.desc(), latest.id.desc()).limit(1).scalar_subquery())
    assigned = (Assignment.course_id == bindparam("course_id"), Assignment.cancelled_at.is_(None), _applies_to())
    due = select(func.min(Assignment.due_at)).where(*assigned).scalar_subquery()
    months = select(func.min(Assignment.recurrence_months)).where(*assigned).scalar_subquery()
    return (select(Enrollment, CourseCompletion, due, months).select_from(User)
            .outerjoin(Enrollment, and_(Enrollment.user_id == User.id, Enrollment.course_id == bindparam("course_id")))
            .outerjoin(CourseCompletion, CourseCompletion.id == latest_id)
            .where(User.id == bindparam("applies_user_id")))


@functools.cache
def _done_query():
    return select(LessonProgress.lesson_id, LessonProgress.completed_at).where(
        LessonProgress.user_id == bindparam("user_id"), LessonProgress.course_id == bindparam("course_id"))


def get_course_state(user: User, course: Course, *, now: datetime | None = None,
                     with_lessons: bool = True) -> CourseState:
    """Where `user` stands in `course`: two statements (one without `with_lessons`: no lessons done are read)."""
    now = now or utcnow()
    enrollment, latest, due, months = db.session.execute(
        _standing_query(), {**_applies_params(user), "course_id": course.id}).one()
    completed_at = latest.completed_at if latest is not None else None
    assignment = None
    if due is not None and not course.is_retired:
        assignment = _status(course, aware(due), months, completed_at, now)
    since = completed_at if assignment is not None and assignment.recurrence_months is not None \
        and assignment.completed_at is None else None
    done_at = {}
    if with_lessons:
        done_at = {lesson_id: aware(at) for lesson_id, at in db.session.execute(
            _done_query(), {"user_id": user.id, "course_id": course.id})}
    return CourseState(enrollment=enrollment, assignment=assignment, since=since, latest_completion=latest,
                       done_at=done_at)
