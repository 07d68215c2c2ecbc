"""Mandatory training: assigning a course to an agency (optionally with its sub-agencies), to people holding a
position, or to a list of people, with a due date; enrolling them; where each learner stands. Membership is worked
out when asked, so people who join the agency later are assigned too. A completion in any language satisfies an
assignment. Request-free; flush only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, bindparam, exists, func, or_, select

from lms import events
from lms.accounts import policy
from lms.accounts.models import User
from lms.agencies import services as agencies
from lms.agencies.models import Agency
from lms.assignments.models import Assignment, AssignmentUser, TargetKind
from lms.courses.models import Course
from lms.db import utcnow
from lms.errors import DomainError
from lms.events import Notice
from lms.extensions import db
from lms.learning.models import CourseCompletion, Enrollment, EnrollmentSource, Verb
from lms.learning.services import enroll_many, record
from lms.timeutil import add_months, aware

TARGET_KINDS = tuple(TargetKind)
#: Recurring training opens for renewal this long before the previous completion expires.
RENEWAL_WINDOW = timedelta(days=30)


class AssignmentError(DomainError):
    """An assignment cannot be created as asked; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class NewAssignment:
    """Input for create_assignment."""

    course: Course
    due_at: datetime
    target_kind: str
    agency: Agency | None = None
    include_subagencies: bool = False
    position: str | None = None
    users: tuple[User, ...] = ()
    recurrence_months: int | None = None


def create_assignment(data: NewAssignment, *, actor: User, now: datetime) -> Assignment:
    """Create an assignment after checking the actor's scope and enrol the people it applies to now (people who
    join later are enrolled by enrol_new_assignees); flush and return it.

    Raises AssignmentError for a due date in the past, a retired course, an empty target, or a target outside
    the actor's agencies (HR officers assign within their subtree; admins anywhere).
    """
    if not (policy.is_admin(actor) or policy.is_hr(actor)):
        raise PermissionError("only HR officers and admins assign courses")
    if data.course.is_retired:
        raise AssignmentError(_l("This course is no longer offered."))
    if data.due_at <= now:
        raise AssignmentError(_l("The due date must be in the future."))
    if data.recurrence_months is not None and not 1 <= data.recurrence_months <= 120:
        raise AssignmentError(_l("A recurring assignment repeats every 1 to 120 months."))
    if data.target_kind not in TARGET_KINDS:
        raise AssignmentError(_l("Choose whom to assign the course to."))
    if data.target_kind in (TargetKind.AGENCY, TargetKind.POSITION):
        if data.agency is None:
            raise AssignmentError(_l("Choose an agency."))
        if not policy.can_view_agency(actor, data.agency):
            raise AssignmentError(_l("You can assign courses only within your agencies."))
        if data.target_kind == TargetKind.POSITION and not (data.position or "").strip():
            raise AssignmentError(_l("Enter a position."))
    if data.target_kind == TargetKind.USERS:
        if not data.users:
            raise AssignmentError(_l("Choose at least one person."))
        if not all(policy.can_view_user(actor, user) for user in data.users):
            raise AssignmentError(_l("You can assign courses only to people in your agencies."))
    assignment = Assignment(
        course=data.course, due_at=data.due_at, target_kind=data.target_kind,
        agency=data.agency if data.target_kind != TargetKind.USERS else None,
        include_subagencies=data.include_subagencies if data.target_kind != TargetKind.USERS else False,
        position=(data.position or "").strip() if data.target_kind == TargetKind.POSITION else None,
        recurrence_months=data.recurrence_months, created_by_id=actor.id, created_at=now,
    )
    assignment.people = [AssignmentUser(user_id=user.id) for user in data.users] \
        if data.target_kind == TargetKind.USERS else []
    db.session.add(assignment)
    db.session.flush()
    record(Verb.ASSIGNMENT_CREATED, user_id=actor.id, actor_id=actor.id, at=now, course=data.course,
           details={"assignment_id": assignment.id, "target": data.target_kind,
                    "agency": data.agency.code if data.agency else None,
                    "include_subagencies": data.include_subagencies, "position": assignment.position,
                    "users": [user.id for user in data.users], "due_at": data.due_at.isoformat(),
                    "recurrence_months": data.recurrence_months})
    enrol_assignees(assignment, now=now, actor=actor, notify=False)
    _tell_assignees(assignment, _assignees_query(assignment, User.id), now=now)
    return assignment


def _tell_assignees(assignment: Assignment, people, *, now: datetime) -> None:
    """Publish the "assigned" notice to those of `people` (a SELECT of user ids, or a list of them) who have not
    completed the course as the assignment asks, with their own due date (a recurring one: a period after their last
    completion). One statement per 500 listed ids."""
    latest = (select(func.max(CourseCompletion.completed_at))
              .where(CourseCompletion.user_id == User.id, CourseCompletion.course_id == assignment.course_id)
              .correlate(User).scalar_subquery())
    groups = [people.correlate(None)] if not isinstance(people, list) \
        else [people[i:i + 500] for i in range(0, len(people), 500)]
    rows = [row for group in groups for row in db.session.execute(select(User.id, latest).where(User.id.in_(group)))]
    by_due: dict[datetime, list[int]] = {}
    for user_id, completed_at in rows:
        status = assignment_status(assignment, aware(completed_at), now)
        if status.completed_at is None:
            by_due.setdefault(status.due_at, []).append(user_id)
    for due_at, user_ids in sorted(by_due.items()):
        events.publish(events.NOTICE, Notice(
            kind="assigned", recipient_ids=tuple(user_ids), at=now, course_id=assignment.course_id,
            params={"due_at": due_at.isoformat(), "assignment_id": assignment.id},
            key=f"assignment:{assignment.id}:assigned"))


@functools.cache
def _applies_to():
    """SQL condition: the assignment applies to the user (by agency chain, position or name).

    The user comes in as parameters when the query runs: execute(query, _applies_params(user)); without them the
    query fails ("a value is required for bind parameter"). The condition is built once per process: it is plain
    SQL (no data), and building it (a recursive CTE) costs more than running it.
    A user without an agency matches no agency (NULL compares as unknown, and has no ancestors).
    """
    by_agency = and_(
        Assignment.target_kind.in_(("agency", "position")),
        or_(Assignment.agency_id == bindparam("applies_agency_id"),
            and_(Assignment.include_subagencies.is_(True),
                 Assignment.agency_id.in_(agencies.ancestor_ids_query(bindparam("applies_agency_id"))))),
        or_(Assignment.target_kind == "agency",
            func.lower(Assignment.position) == bindparam("applies_position", type_=String)),
    )
    by_name = and_(Assignment.target_kind == TargetKind.USERS,
                   exists().where(AssignmentUser.assignment_id == Assignment.id,
                                  AssignmentUser.user_id == bindparam("applies_user_id")))
    return or_(by_agency, by_name)


def _applies_params(user: User) -> dict:
    """The parameters of the _applies_to() condition for `user`."""
    return {"applies_user_id": user.id, "applies_agency_id": user.agency_id,
            "applies_position": (user.position or "").strip().lower()}


@dataclass(frozen=True)
class AssignedCourse:
    """A course the user must complete: the earliest due date among the assignments that name it.

    For recurring training a completion counts for `recurrence_months`; after that the course is due again,
    `recurrence_months` after that completion.
    """

    course: Course
    due_at: datetime
    completed_at: datetime | None
    recurrence_months: int | None = None
    #: The learner's latest completion of the course, valid or not (None: never completed).
    last_completed_at: datetime | None = None

    def is_overdue(self, now: datetime) -> bool:
        """Due date passed and not completed."""
        return self.completed_at is None and now > self.due_at


def assignment_status(assignment: Assignment, latest: datetime | None, now: datetime) -> AssignedCourse:
    """Where one learner stands with one assignment, given their latest completion of its course."""
    return _status(assignment.course, assignment.due_at, assignment.recurrence_months, latest, now)


def _status(course: Course, due: datetime, months: int | None, latest: datetime | None,
            now: datetime) -> AssignedCourse:
    if latest is None:
        return AssignedCourse(course, due, None, months)
    if months is None:
        return AssignedCourse(course, due, latest, months, latest)
    expires = add_months(latest, months)
    if now < expires - RENEWAL_WINDOW:
        return AssignedCourse(course, max(due, expires), latest, months, latest)
    return AssignedCourse(course, max(due, expires), None, months, latest)  # due again


def list_assigned_courses(user: User, *, now: datetime | None = None,
                          course_id: int | None = None) -> list[AssignedCourse]:
    """The live courses assigned to `user` (only `course_id`, when given), earliest due date first, with the
    completion that satisfies them. One statement."""
    now = now or utcnow()
    query = _assigned_courses_query()
    if course_id is not None:
        query = query.where(Course.id == course_id)
    rows = db.session.execute(query, _applies_params(user)).all()
    items = [_status(course, aware(due), months, aware(latest), now) for course, due, months, latest in rows]
    return sorted(items, key=lambda item: item.due_at)


@functools.cache
def _assigned_courses_query():
    # Built once per process (the user comes in as parameters); the latest completion is a column of each course.
    latest = (select(func.max(CourseCompletion.completed_at))
              .where(CourseCompletion.user_id == bindparam("applies_user_id"), CourseCompletion.course_id == Course.id)
              .correlate(Course).scalar_subquery())
    return (select(Course, func.min(Assignment.due_at), func.min(Assignment.recurrence_months), latest)
            .join(Assignment, Assignment.course_id == Course.id)
            .where(Assignment.cancelled_at.is_(None), Course.is_retired.is_(False), _applies_to())
            .group_by(Course.id))


def list_earliest_assignments(user: User, *, course_id: int | None = None) -> dict[int, Assignment]:
    """For each live course assigned to `user` (only `course_id`, when given), the live assignment whose due date is
    the course's (the earliest; the first made among equals): course id -> assignment. One statement."""
    query = (select(Assignment).join(Course, Course.id == Assignment.course_id)
             .where(Assignment.cancelled_at.is_(None), Course.is_retired.is_(False), _applies_to())
             .order_by(Assignment.due_at.desc(), Assignment.id.desc()))
    if course_id is not None:
        query = query.where(Assignment.course_id == course_id)
    # Latest first, so that the earliest of each course is the one left in the dict.
    return {assignment.course_id: assignment for assignment in db.session.scalars(query, _applies_params(user))}


def get_assigned_course(user: User, course: Course, *, now: datetime | None = None) -> AssignedCourse | None:
    """Where `user` stands with `course` if it is assigned to them, else None."""
    if course.is_retired:
        return None
    due, months = db.session.execute(
        select(func.min(Assignment.due_at), func.min(Assignment.recurrence_months))
        .where(Assignment.course_id == course.id, Assignment.cancelled_at.is_(None), _applies_to()),
        _applies_params(user),
    ).one()
    if due is None:
        return None
    return _status(course, aware(due), months, _latest_completed_at(user, course), now or utcnow())


def _latest_completed_at(user: User, course: Course) -> datetime | None:
    return aware(db.session.scalar(select(func.max(CourseCompletion.completed_at)).where(
        CourseCompletion.user_id == user.id, CourseCompletion.course_id == course.id)))


def renewal_since(user: User, course: Course, *, now: datetime) -> datetime | None:
    """When recurring training is due again, the time of the completion it renews; else None.

    Lessons and quiz attempts from before that time do not count towards the renewed completion.
    """
    return renewal_since_for(user, get_assigned_course(user, course, now=now))


def renewal_since_for(user: User, assigned: AssignedCourse | None) -> datetime | None:
    """renewal_since() for a course whose assignment standing the caller has already read (None: not assigned)."""
    if assigned is None or assigned.recurrence_months is None or assigned.completed_at is not None:
        return None
    return assigned.last_completed_at  # read with the standing: no statement


def _assignees_query(assignment: Assignment, *columns):
    """SELECT `columns` of the active people the assignment applies to now."""
    query = select(*columns).select_from(User).where(User.is_active.is_(True))
    if assignment.target_kind == TargetKind.USERS:
        query = query.join(AssignmentUser, AssignmentUser.user_id == User.id).where(
            AssignmentUser.assignment_id == assignment.id)
    else:
        ids = agencies.subtree_ids_query(assignment.agency_id) if assignment.include_subagencies \
            else select(Agency.id).where(Agency.id == assignment.agency_id)
        query = query.where(User.agency_id.in_(ids))
        if assignment.target_kind == TargetKind.POSITION:
            query = query.where(func.lower(User.position) == assignment.position.lower())
    return query


def list_assignees(assignment: Assignment) -> list[User]:
    """The active people an assignment applies to now (so later joiners are included)."""
    return list(db.session.scalars(_assignees_query(assignment, User).order_by(User.full_name)))


def enrol_assignees(assignment: Assignment, *, now: datetime, actor: User | None = None, notify: bool = True) -> int:
    """Enrol everyone the assignment applies to now and who is not enrolled in its course yet (an assignment is the
    enrolment: the learner starts at the first lesson, and reports count them from today), and tell them (the
    "assigned" notice) unless `notify` is false. Returns how many were enrolled; flush only."""
    missing = _assignees_query(assignment, User.id).where(~exists().where(
        Enrollment.user_id == User.id, Enrollment.course_id == assignment.course_id))
    enrolled = enroll_many(list(db.session.scalars(missing)), assignment.course, now=now,
                           source=EnrollmentSource.ASSIGNMENT, actor=actor)
    if notify and enrolled:
        _tell_assignees(assignment, enrolled, now=now)
    return len(enrolled)


def enrol_in_assigned_courses(user: User, *, now: datetime) -> int:
    """Enrol `user` in every live course assigned to them and not enrolled yet (a person just created or moved),
    telling them of each (the "assigned" notice); returns how many. Flush only."""
    count = 0
    for item in list_assigned_courses(user, now=now):
        if enroll_many([user.id], item.course, now=now, source=EnrollmentSource.ASSIGNMENT):
            count += 1
            if item.completed_at is None:
                events.publish(events.NOTICE, Notice(
                    kind="assigned", recipient_ids=(user.id,), at=now, course_id=item.course.id,
                    params={"due_at": item.due_at.isoformat()},
                    key=f"course:{item.course.id}:assigned:{item.due_at.date().isoformat()}"))
    return count


def enrol_new_assignees(*, now: datetime) -> int:
    """Enrol the people who became assignees since their assignments were made (they joined the agency, took the
    position, or were imported), in every live assignment; returns how many. For `lms reminders send` and imports."""
    live = db.session.scalars(select(Assignment).join(Assignment.course).where(
        Assignment.cancelled_at.is_(None), Course.is_retired.is_(False)).order_by(Assignment.id))
    return sum(enrol_assignees(assignment, now=now) for assignment in live.all())


def list_assignments(actor: User) -> list[Assignment]:
    """Assignments the actor may see: all for admins, those on agencies in an HR officer's subtree or made by them."""
    query = select(Assignment).where(Assignment.cancelled_at.is_(None)).order_by(Assignment.due_at)
    scope = policy.agency_scope(actor)
    if scope is not None:
        query = query.where(or_(Assignment.agency_id.in_(scope), Assignment.created_by_id == actor.id))
    return list(db.session.scalars(query))


def get_assignment_for(actor: User, assignment_id: int) -> Assignment | None:
    """The live assignment with this id if `actor` may see it (see list_assignments), else None."""
    return next((a for a in list_assignments(actor) if a.id == assignment_id), None)


def cancel_assignment(assignment: Assignment, *, now: datetime) -> None:
    """Cancel an assignment: nobody is asked to complete it any more; completions and history stay."""
    assignment.cancelled_at = now
