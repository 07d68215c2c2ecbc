"""Learning use cases: enrol, complete a lesson, complete a course, read progress. Request-free; flush only."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import aliased, contains_eager

from lms import events
from lms.accounts.models import User
from lms.courses import services as courses
from lms.courses.models import Course, Lesson
from lms.courses.programme_sync import sync_programmes
from lms.db import insert_if_absent, json_pairs, parse_utc
from lms.errors import DomainError
from lms.extensions import db
from lms.learning import standing
from lms.learning.models import Activity, CourseCompletion, Enrollment, EnrollmentSource, LessonProgress, Verb


class NotEnrolled(DomainError):
    """The learner is not enrolled in the course."""

    message = _l("Enrol in the course first.")


class EnrollmentClosed(DomainError):
    """The course does not take self-enrolment; learners join it by assignment."""

    message = _l("This course is open by assignment only.")


class ApprovalRequired(DomainError):
    """The course takes self-enrolment only with the approval of the learner's line manager (lms.approvals)."""

    message = _l("This course needs your line manager's approval: request enrolment on the course page.")


def record(verb: Verb, *, user_id: int, at: datetime, actor_id: int | None = None, course: Course | None = None,
           object_key: str | None = None, content_version: str | None = None, details: dict | None = None) -> None:
    """Append one event to the activity record and publish it (lms.events.ACTIVITIES: the xAPI outbox)."""
    activity = Activity(verb=verb, user_id=user_id, actor_id=actor_id if actor_id is not None else user_id,
                        at=at, course_id=course.id if course else None, object_key=object_key,
                        content_version=content_version, details=details or {})
    db.session.add(activity)
    events.publish(events.ACTIVITIES, [activity])


def get_enrollment(user: User, course: Course) -> Enrollment | None:
    """The user's enrolment in the course, if any."""
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                      Enrollment.course_id == course.id))


def enroll(user: User, course: Course, *, now: datetime, source: EnrollmentSource = EnrollmentSource.SELF,
           actor: User | None = None) -> bool:
    """Enrol `user` in `course`; return True when newly enrolled (enrolling twice changes nothing).

    Raises EnrollmentClosed when a learner enrols themselves in a course that is open by assignment only, and
    ApprovalRequired when the course asks for approval (lms.approvals enrols them with source APPROVAL once given).
    """
    if source == EnrollmentSource.SELF and not course.self_enrollment:
        raise EnrollmentClosed()
    if source == EnrollmentSource.SELF and course.enrollment_approval:
        raise ApprovalRequired()
    created = insert_if_absent(db.session, Enrollment,
                               {"user_id": user.id, "course_id": course.id, "source": source, "enrolled_at": now},
                               unique=["user_id", "course_id"])
    if created:
        record(Verb.ENROLLED, user_id=user.id, actor_id=actor.id if actor else None, at=now, course=course,
               content_version=course.version, details={"source": source})
    return created


def enroll_many(user_ids: list[int], course: Course, *, now: datetime, source: EnrollmentSource,
                actor: User | None = None) -> list[int]:
    """Enrol these people in `course` at `now` (those enrolled already are left as they are), e.g. everyone an
    assignment names; return the ids of those newly enrolled. One INSERT per 500 people, whatever their number.

    Unlike enroll() it does not check self-enrolment: callers enrol people on someone else's behalf.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    created: list[int] = []
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), 500):
        rows = [{"user_id": user_id, "course_id": course.id, "source": source, "enrolled_at": now,
                 "lessons_completed": 0} for user_id in ids[start:start + 500]]
        # One multi-row INSERT per batch; a learner enrolling at the same moment keeps their own row.
        statement = insert(Enrollment).values(rows).on_conflict_do_nothing(index_elements=["user_id", "course_id"])
        created += db.session.scalars(statement.returning(Enrollment.user_id)).all()
    if created:
        activities = [Activity(verb=Verb.ENROLLED, user_id=user_id, actor_id=actor.id if actor else user_id,
                               at=now, course_id=course.id, content_version=course.version,
                               details={"source": source}) for user_id in created]
        db.session.add_all(activities)
        events.publish(events.ACTIVITIES, activities)
    return created


@dataclass(frozen=True)
class Progress:
    """A learner's progress in a course."""

    done: int
    total: int
    completed_lesson_ids: frozenset[int]
    next_lesson: Lesson | None  # the first unfinished lesson, for "Continue"
    completion: CourseCompletion | None
    #: The live lessons not done yet, in course order.
    remaining: tuple[Lesson, ...] = ()

    @property
    def percent(self) -> int:
        """Completed lessons as a whole percentage (100 once the course is completed)."""
        if self.completion is not None:
            return 100
        return (100 * self.done // self.total) if self.total else 0

    @property
    def is_started(self) -> bool:
        """True once a lesson is done (or the course completed): "Continue" rather than "Start"."""
        return self.done > 0 or self.completion is not None


def latest_completion(user: User, course: Course) -> CourseCompletion | None:
    """The user's most recent completion of the course, if any."""
    return db.session.scalar(select(CourseCompletion).where(
        CourseCompletion.user_id == user.id, CourseCompletion.course_id == course.id,
    ).order_by(CourseCompletion.completed_at.desc()).limit(1))


def get_progress(user: User, course: Course, *, since: datetime | None = None,
                 lessons: list[Lesson] | None = None) -> Progress:
    """Lessons done out of the live lessons, the lesson to continue with, and the latest completion.

    With `since` (recurring training due again: assignments.renewal_since) only lessons completed after that
    time count, and the earlier completion is not the current one. `lessons`: the course's live lessons, when the
    caller has them already (courses.list_live_lessons).
    """
    if lessons is None:
        lessons = courses.list_live_lessons(course)
    query = select(LessonProgress.lesson_id).where(LessonProgress.user_id == user.id,
                                                   LessonProgress.course_id == course.id)
    if since is not None:
        query = query.where(LessonProgress.completed_at > since)
    done_ids = set(db.session.scalars(query))
    return _progress(lessons, done_ids, None if since else latest_completion(user, course))


def _progress(lessons: list[Lesson], done_ids: set[int], completion: CourseCompletion | None) -> Progress:
    live_done = frozenset(lesson.id for lesson in lessons if lesson.id in done_ids)
    remaining = tuple(lesson for lesson in lessons if lesson.id not in live_done)
    return Progress(done=len(live_done), total=len(lessons), completed_lesson_ids=live_done,
                    next_lesson=remaining[0] if remaining else None, completion=completion, remaining=remaining)


def is_lesson_done(user: User, lesson: Lesson, *, since: datetime | None = None) -> bool:
    """True when the user has marked the lesson complete (after `since`, when given)."""
    query = select(LessonProgress.id).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
    if since is not None:
        query = query.where(LessonProgress.completed_at > since)
    return db.session.scalar(query) is not None


def complete_lesson(user: User, lesson: Lesson, *, now: datetime, language: str,
                    since: datetime | None = None) -> bool:
    """Mark `lesson` complete for `user`; return True when newly completed.

    A second call (double click, second tab) changes nothing. With `since` (recurring training due again), a
    completion from before that time is renewed. Raises NotEnrolled. The caller then asks
    complete_course_if_done(), which needs to know whether the final quiz is passed.
    """
    course = lesson.course
    if get_enrollment(user, course) is None:
        raise NotEnrolled()
    created = insert_if_absent(db.session, LessonProgress, {
        "user_id": user.id, "lesson_id": lesson.id, "course_id": course.id, "completed_at": now,
        "lesson_version": lesson.version, "language": language,
    }, unique=["user_id", "lesson_id"])
    if not created and since is not None:
        # Renewal: only one of two racing requests finds the old date and moves it.
        created = db.session.execute(update(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id,
            LessonProgress.completed_at <= since,
        ).values(completed_at=now, lesson_version=lesson.version, language=language)).rowcount == 1
    if created:
        standing.count_lessons_done(user.id, course.id)
        record(Verb.LESSON_COMPLETED, user_id=user.id, at=now, course=course, object_key=lesson.key,
               content_version=lesson.version, details={"language": language})
    return created


def sync_content(contents: list, *, programmes: list | None = None, **options) -> courses.SyncReport:
    """Sync the course files (courses.services.sync_courses, with the same options) and recount the lessons done of
    the enrolments in courses that lost or regained a lesson; with `programmes` (the whole courses folder's, from the
    same load) sync those too. Flush only; returns the sync report."""
    report = courses.sync_courses(contents, **options)
    if programmes is not None:
        sync_programmes(programmes, now=options["now"], report=report)
    standing.recount_lessons_done(report.lessons_relisted)
    return report


def complete_course_if_done(user: User, course: Course, *, now: datetime, language: str, quiz_passed: bool,
                            since: datetime | None = None,
                            lessons: list[Lesson] | None = None) -> CourseCompletion | None:
    """Record the course as completed when every live lesson is done and the final quiz (if any) is passed.

    `quiz_passed` says whether the learner has passed the course's final quiz (quizzes.services.has_passed);
    `lessons` are the course's live lessons when the caller has them already.

    Returns the new completion, or None (not done yet, or completed before: a lesson added to the course later does
    not undo a completion, and completing again does not duplicate it). With `since` (recurring training due
    again) a new completion is recorded once the work after that time is done; the earlier one stays in history.
    """
    latest = latest_completion(user, course)
    if latest is not None and (since is None or latest.completed_at > since):
        return None
    progress = get_progress(user, course, since=since, lessons=lessons)
    has_quiz = courses.get_current_quiz(course) is not None
    if progress.done < progress.total or (has_quiz and not quiz_passed):
        return None
    completion = CourseCompletion(user_id=user.id, course_id=course.id, completed_at=now,
                                  course_version=course.version, language=language)
    db.session.add(completion)
    standing.set_completed(user.id, course.id, at=now, language=language)
    record(Verb.COURSE_COMPLETED, user_id=user.id, at=now, course=course, content_version=course.version,
           details={"language": language})
    db.session.flush()
    return completion


def list_enrollments(user: User) -> list[tuple[Enrollment, Progress]]:
    """The user's live courses with their progress, most recently enrolled first.

    One statement however many courses (the lessons done and the latest completion are columns of each
    enrolment), and the lessons from the content cache.
    """
    return list_enrollments_and_renewals(user, since={})[0]


def list_enrollments_and_renewals(user: User, *, since: dict[int, datetime]) -> tuple[
        list[tuple[Enrollment, Progress]], dict[int, Progress]]:
    """list_enrollments(), and for the courses in `since` ({course id: renewal time}, recurring training due
    again: assignments.renewal_since_for) the progress counted afresh: only lessons completed after that time,
    and no current completion (what get_progress(since=...) says). Same single statement."""
    rows = db.session.execute(_enrollments_query(), {"user_id": user.id}).all()
    if not rows:
        return [], {}
    lessons: dict[int, list[Lesson]] = {enrollment.course_id: [] for enrollment, _c, _d in rows}
    for lesson in courses.list_live_lessons_of(list(lessons)):
        lessons[lesson.course_id].append(lesson)
    result, renewed = [], {}
    for enrollment, latest, done in rows:
        done_at = [(lesson_id, at) for lesson_id, at in done or ()]
        course_lessons = lessons[enrollment.course_id]
        result.append((enrollment, _progress(course_lessons, {lesson_id for lesson_id, _at in done_at}, latest)))
        after = since.get(enrollment.course_id)
        if after is not None:
            renewed[enrollment.course_id] = _progress(
                course_lessons, {lesson_id for lesson_id, at in done_at if parse_utc(at) > after}, None)
    return result, renewed


@functools.cache
def _enrollments_query():
    # Built once per process; the user comes in as a parameter.
    latest = aliased(CourseCompletion)
    latest_id = (select(latest.id).where(latest.user_id == Enrollment.user_id, latest.course_id == Enrollment.course_id)
                 .order_by(latest.completed_at.desc(), latest.id.desc()).limit(1).scalar_subquery())
    done = (select(json_pairs(LessonProgress.lesson_id, LessonProgress.completed_at))
            .where(LessonProgress.user_id == Enrollment.user_id, LessonProgress.course_id == Enrollment.course_id)
            .scalar_subquery())
    return (select(Enrollment, CourseCompletion, done).join(Enrollment.course)
            .options(contains_eager(Enrollment.course))
            .outerjoin(CourseCompletion, CourseCompletion.id == latest_id)
            .where(Enrollment.user_id == bindparam("user_id"), Course.is_retired.is_(False))
            .order_by(Enrollment.enrolled_at.desc()))


def count_learners_by_lesson(lesson_ids: list[int]) -> dict[int, int]:
    """{lesson row id: how many learners marked it complete}, for the given lessons (none: left out)."""
    if not lesson_ids:
        return {}
    rows = db.session.execute(select(LessonProgress.lesson_id, func.count(func.distinct(LessonProgress.user_id)))
                              .where(LessonProgress.lesson_id.in_(lesson_ids)).group_by(LessonProgress.lesson_id))
    return {row[0]: row[1] for row in rows}
