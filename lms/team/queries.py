"""The team queries: set-based SQL whose number of statements does not grow with the size of the team.

The team is a recursive CTE over users.manager_id (lms.accounts.managers.reports_query). Due dates come from one
UNION ALL with a branch per live assignment (there are tens, not thousands), as the reports' overdue list does, so
that a person's assignments by agency, position or name are worked out in SQL for the whole team at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Integer, Select, Subquery, and_, case, exists, false, func, literal, not_, or_, select, union_all
from sqlalchemy.orm import aliased

from lms.accounts import managers
from lms.accounts.models import User
from lms.assignments.models import Assignment, AssignmentUser, TargetKind
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.db import UTCDateTime
from lms.extensions import db
from lms.learning.models import Enrollment, EnrollmentStatus
from lms.reports.tree import AgencyTree
from lms.team.filters import OVERDUE, TeamFilters
from lms.timeutil import add_months

#: Certificates that expire within this many days are "expiring".
EXPIRING_DAYS = 30


def members(filters: TeamFilters) -> Select:
    """The ids of the active people in the manager's team (direct reports, or with `chain` everyone below)."""
    return managers.reports_query(filters.manager_id, chain=filters.chain)


def live_assignments(course_id: int | None = None) -> list[Assignment]:
    """The assignments that ask for something now (not cancelled, course not retired); one statement."""
    query = (select(Assignment).join(Course, Course.id == Assignment.course_id)
             .where(Assignment.cancelled_at.is_(None), Course.is_retired.is_(False)).order_by(Assignment.id))
    if course_id is not None:
        query = query.where(Assignment.course_id == course_id)
    return list(db.session.scalars(query))


def due_query(assignments: Sequence[Assignment], tree: AgencyTree, people: Select, *,
              now: datetime) -> Subquery | None:
    """(user_id, course_id, due_at, months, overdue) per person of `people` and course assigned to them: the
    earliest due date, the shortest recurrence, and overdue 1 when an assignment's due date has passed with no
    completion that still counts (for recurring training, none within its period), as the reports count overdue
    training. None when nothing is assigned."""
    branches = []
    for assignment in assignments:
        cutoff = add_months(now, -assignment.recurrence_months) if assignment.recurrence_months else None
        done = exists().where(Enrollment.user_id == User.id, Enrollment.course_id == assignment.course_id,
                              Enrollment.completed_at > cutoff if cutoff else Enrollment.completed_at.is_not(None))
        overdue = case((done, 0), else_=1) if assignment.due_at < now else literal(0)
        branch = select(User.id.label("user_id"), literal(assignment.course_id).label("course_id"),
                        literal(assignment.due_at, UTCDateTime()).label("due_at"),
                        literal(assignment.recurrence_months, Integer()).label("months"),
                        overdue.label("overdue")).where(User.is_active.is_(True), User.id.in_(people))
        if assignment.target_kind == TargetKind.USERS:
            branch = branch.join(AssignmentUser, and_(AssignmentUser.user_id == User.id,
                                                      AssignmentUser.assignment_id == assignment.id))
        else:
            if assignment.agency_id not in tree.nodes:
                continue
            targets = tree.subtree(assignment.agency_id) if assignment.include_subagencies else [assignment.agency_id]
            branch = branch.where(User.agency_id.in_(targets))
            if assignment.target_kind == TargetKind.POSITION:
                branch = branch.where(func.lower(User.position) == (assignment.position or "").lower())
        branches.append(branch)
    if not branches:
        return None
    both = union_all(*branches).subquery("assigned")
    return (select(both.c.user_id, both.c.course_id, func.min(both.c.due_at).label("due_at"),
                   func.min(both.c.months).label("months"), func.max(both.c.overdue).label("overdue"))
            .group_by(both.c.user_id, both.c.course_id).subquery("due"))


def _enrolment_where(course_id: int | None, *conditions):
    return exists().where(Enrollment.user_id == User.id, *conditions,
                          *([Enrollment.course_id == course_id] if course_id is not None else []))


def people_query(filters: TeamFilters, team: Select, due: Subquery | None) -> Select:
    """SELECT User.id of the team's people that the filters select: the name search; the course (enrolled in it or
    assigned it); the status (at least one of their courses, within the course filter, in it)."""
    course_id = filters.course.id if filters.course else None
    query = select(User.id).where(User.id.in_(team))
    if filters.search:
        query = query.where(func.lower(User.full_name).contains(filters.search.lower(), autoescape=True))

    def assigned(*conditions):
        if due is None:
            return false()
        return exists().where(due.c.user_id == User.id, *conditions)

    if course_id is not None:
        query = query.where(or_(_enrolment_where(course_id), assigned()))  # `due` holds only that course already
    if filters.status == OVERDUE:
        query = query.where(assigned(due.c.overdue == 1) if due is not None else false())
    elif filters.status == EnrollmentStatus.IN_PROGRESS:
        query = query.where(_enrolment_where(course_id, Enrollment.completed_at.is_(None),
                                             Enrollment.lessons_completed > 0))
    elif filters.status == EnrollmentStatus.COMPLETED:
        query = query.where(_enrolment_where(course_id, Enrollment.completed_at.is_not(None)))
    elif filters.status == EnrollmentStatus.NOT_STARTED:
        never = _enrolment_where(course_id, Enrollment.completed_at.is_(None), Enrollment.lessons_completed == 0)
        if due is not None:  # assigned, and not enrolled yet (joined after the assignment, before the next enrolment)
            never = or_(never, assigned(not_(exists().where(Enrollment.user_id == due.c.user_id,
                                                             Enrollment.course_id == due.c.course_id))))
        query = query.where(never)
    return query


def summary(people: Select, due: Subquery | None, *, course_id: int | None, now: datetime) -> tuple[int, int, int]:
    """(people, overdue courses, certificates expiring within EXPIRING_DAYS) of `people`, in one statement."""
    chosen = people.subquery("chosen")
    ids = select(chosen.c.id)
    count_people = select(func.count()).select_from(chosen).scalar_subquery()
    count_overdue = (select(func.count()).select_from(due).where(due.c.user_id.in_(ids), due.c.overdue == 1)
                     .scalar_subquery() if due is not None else literal(0))
    expiring = select(func.count()).select_from(Enrollment).where(
        Enrollment.user_id.in_(ids), Enrollment.certified_at.is_not(None), Enrollment.certificate_expires_at > now,
        Enrollment.certificate_expires_at <= now + timedelta(days=EXPIRING_DAYS))
    if course_id is not None:
        expiring = expiring.where(Enrollment.course_id == course_id)
    row = db.session.execute(select(count_people, count_overdue, expiring.scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def people_page(people: Select, *, limit: int | None, offset: int = 0):
    """The people of `people` by name: (id, full_name, email, position, agency_id, manager's name) rows."""
    manager = aliased(User)
    chosen = people.subquery("chosen")  # a derived table: an IN (SELECT ... FROM users) would correlate with User
    query = (select(User.id, User.full_name, User.email, User.position, User.agency_id,
                    manager.full_name.label("manager_name"))
             .join(chosen, chosen.c.id == User.id).outerjoin(manager, manager.id == User.manager_id)
             .order_by(User.full_name, User.id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return db.session.execute(query).all()


def enrolments(user_ids: Sequence[int], *, course_id: int | None):
    """The enrolments of `user_ids` with their latest certificate: (user_id, course_id, enrolled_at,
    lessons_completed, completed_at, serial, expires_at, revoked_at) rows."""
    if not user_ids:
        return []
    query = (select(Enrollment.user_id, Enrollment.course_id, Enrollment.enrolled_at, Enrollment.lessons_completed,
                    Enrollment.completed_at, Certificate.serial, Certificate.expires_at, Certificate.revoked_at)
             .outerjoin(Certificate, Certificate.id == Enrollment.certificate_id)
             .where(Enrollment.user_id.in_(list(user_ids))).order_by(Enrollment.id))
    if course_id is not None:
        query = query.where(Enrollment.course_id == course_id)
    return db.session.execute(query).all()


def due_rows(due: Subquery | None, user_ids: Sequence[int]):
    """The rows of `due` for `user_ids`: (user_id, course_id, due_at, months, overdue)."""
    if due is None or not user_ids:
        return []
    return db.session.execute(select(due).where(due.c.user_id.in_(list(user_ids)))).all()


def count_rows(people: Select, due: Subquery | None, *, course_id: int | None) -> int:
    """How many person x course rows the people of `people` have (enrolled or assigned), for an export's progress."""
    pairs = select(Enrollment.user_id, Enrollment.course_id).where(Enrollment.user_id.in_(people))
    if course_id is not None:
        pairs = pairs.where(Enrollment.course_id == course_id)
    if due is not None:
        pairs = pairs.union(select(due.c.user_id, due.c.course_id).where(due.c.user_id.in_(people)))
    return db.session.scalar(select(func.count()).select_from(pairs.subquery())) or 0
