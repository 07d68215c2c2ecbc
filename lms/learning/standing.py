"""The learner's standing kept on each enrolment (lessons done, the latest completion, the latest certificate): the
one place that writes it, so that reports over a million enrolments stay one scan with no joins. Flush only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from lms.courses.models import Lesson
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress


def _live_lessons_done():
    """The number of the enrolment's lessons done that are live (not retired), as a subquery correlated with the
    enrolments row being updated. Progress in retired lessons is kept but not counted (it would read "3 of 2")."""
    return (select(func.count()).select_from(LessonProgress).join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.user_id == Enrollment.user_id, LessonProgress.course_id == Enrollment.course_id,
                   Lesson.is_retired.is_(False))
            .correlate(Enrollment).scalar_subquery())


def _of(user_id: int, course_id: int):
    return update(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)


def count_lessons_done(user_id: int, course_id: int) -> None:
    """Recount one enrolment's lessons done (after a lesson was completed)."""
    db.session.execute(_of(user_id, course_id).values(lessons_completed=_live_lessons_done()))


def recount_lessons_done(course_ids: set[int] | list[int]) -> None:
    """Recount the lessons done (live lessons only) of every enrolment in these courses (after a sync)."""
    if course_ids:
        db.session.execute(update(Enrollment).where(Enrollment.course_id.in_(sorted(course_ids)))
                           .values(lessons_completed=_live_lessons_done()))


def set_completed(user_id: int, course_id: int, *, at: datetime, language: str) -> None:
    """Record the latest completion of the course on the enrolment."""
    db.session.execute(_of(user_id, course_id).values(completed_at=at, completion_language=language))


def set_certificate(user_id: int, course_id: int, *, certificate_id: int, issued_at: datetime,
                    expires_at: datetime | None) -> None:
    """Record the latest certificate of the course on the enrolment (valid from `issued_at`)."""
    db.session.execute(_of(user_id, course_id).values(certificate_id=certificate_id, certified_at=issued_at,
                                                      certificate_expires_at=expires_at))


def clear_certificate(certificate_id: int) -> None:
    """A revoked certificate certifies nothing: the enrolments that name it are no longer certified."""
    db.session.execute(update(Enrollment).where(Enrollment.certificate_id == certificate_id)
                       .values(certified_at=None, certificate_expires_at=None))
