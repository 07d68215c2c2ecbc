"""The report queries: set-based SQL whose number does not grow with the number of learners.

Each enrolment row carries the learner's standing (lessons done, latest completion, latest certificate), so the
summary is one GROUP BY over enrolments joined to users, and the detail rows are one streamed SELECT.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, String, Subquery, and_, case, func, literal, not_, or_, select, type_coerce, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from lms.accounts.models import User
from lms.assignments.models import Assignment, AssignmentUser, TargetKind
from lms.certificates.models import Certificate
from lms.db import UTCDateTime
from lms.extensions import db
from lms.learning.models import Enrollment, EnrollmentStatus
from lms.reports.filters import ReportFilters
from lms.reports.tree import AgencyTree
from lms.timeutil import add_months


def agency_ids(filters: ReportFilters, tree: AgencyTree) -> list[int] | None:
    """The agencies whose people the report covers; None for the whole country."""
    if filters.agency is None:
        return None
    return tree.subtree(filters.agency.id) if filters.include_sub else [filters.agency.id]


def _valid_certificate(now: datetime):
    # The enrolment's copy of its certificate's standing (issued, not revoked; expiry), so no join is needed.
    return and_(Enrollment.certified_at.is_not(None),
                or_(Enrollment.certificate_expires_at.is_(None), Enrollment.certificate_expires_at > now))


def _status_condition(status: str, now: datetime):
    if status == EnrollmentStatus.NOT_STARTED:
        return and_(Enrollment.completed_at.is_(None), Enrollment.lessons_completed == 0)
    if status == EnrollmentStatus.IN_PROGRESS:
        return and_(Enrollment.completed_at.is_(None), Enrollment.lessons_completed > 0)
    if status == EnrollmentStatus.COMPLETED:
        return Enrollment.completed_at.is_not(None)
    return _valid_certificate(now)


def _where(query: Select, filters: ReportFilters, ids: list[int] | None, *, with_status: bool, now: datetime,
           include_inactive: bool = False) -> Select:
    if not include_inactive:
        query = query.where(User.is_active.is_(True))
    if ids is not None:
        query = query.where(User.agency_id.in_(ids))
    if filters.course is not None:
        query = query.where(Enrollment.course_id == filters.course.id)
    if filters.language is not None:
        query = query.where(Enrollment.completion_language == filters.language)
    since, until = filters.since, filters.until
    if since is not None or until is not None:
        def within(column):
            return and_(*([column >= since] if since else []), *([column < until] if until else []))
        query = query.where(or_(within(Enrollment.enrolled_at), within(Enrollment.completed_at)))
    if with_status and filters.status is not None:
        query = query.where(_status_condition(filters.status, now))
    return query


def _enrolments(*, with_certificate: bool = False) -> Select:
    query = select().select_from(Enrollment).join(User, User.id == Enrollment.user_id)
    if with_certificate:
        query = query.outerjoin(Certificate, Certificate.id == Enrollment.certificate_id)
    return query


def summary_rows(filters: ReportFilters, ids: list[int] | None, *, now: datetime):
    """(agency_id, course_id, enrolled, not_started, in_progress, completed, certified) per agency and course."""
    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))
    query = _enrolments().add_columns(
        User.agency_id, Enrollment.course_id, func.count(),
        count_if(_status_condition(EnrollmentStatus.NOT_STARTED, now)),
        count_if(_status_condition(EnrollmentStatus.IN_PROGRESS, now)),
        count_if(_status_condition(EnrollmentStatus.COMPLETED, now)), count_if(_valid_certificate(now)),
    ).group_by(User.agency_id, Enrollment.course_id)
    return db.session.execute(_where(query, filters, ids, with_status=False, now=now)).all()


def certified_people(filters: ReportFilters, ids: list[int] | None, *, now: datetime, course_id: int | None = None):
    """(agency_id, people holding at least one valid certificate) per agency, within the filters."""
    people = _enrolments().add_columns(User.agency_id, Enrollment.user_id).where(_valid_certificate(now)).distinct()
    if course_id is not None:
        people = people.where(Enrollment.course_id == course_id)
    people = _where(people, filters, ids, with_status=False, now=now).subquery()
    return db.session.execute(select(people.c.agency_id, func.count()).group_by(people.c.agency_id)).all()


def headcounts(ids: list[int] | None) -> dict[int | None, int]:
    """Active people per agency."""
    query = select(User.agency_id, func.count()).where(User.is_active.is_(True)).group_by(User.agency_id)
    if ids is not None:
        query = query.where(User.agency_id.in_(ids))
    return dict(db.session.execute(query).all())


def detail_query(filters: ReportFilters, ids: list[int] | None, *, now: datetime, after_id: int = 0,
                 include_inactive: bool = False, raw_times: bool = False) -> Select:
    """One row per enrolment (with the learner and the latest certificate), in enrolment order. Reports count
    active people only; `include_inactive` is for one person's record, which keeps its history.

    Columns, in this order: id, user_id, full_name, email, position, agency_id, course_id, enrolled_at,
    lessons_completed, completed_at, completion_language, serial, expires_at, revoked_at. With `raw_times` the
    times come as the driver gives them (text on SQLite), for exports that convert millions of them.
    """
    def time(column):
        return type_coerce(column, String).label(column.key) if raw_times else column

    query = _enrolments(with_certificate=True).add_columns(
        Enrollment.id, User.id.label("user_id"), User.full_name, User.email, User.position, User.agency_id,
        Enrollment.course_id, time(Enrollment.enrolled_at), Enrollment.lessons_completed, time(Enrollment.completed_at),
        Enrollment.completion_language, Certificate.serial, time(Certificate.expires_at), time(Certificate.revoked_at),
    ).order_by(Enrollment.id)
    if after_id:
        query = query.where(Enrollment.id > after_id)
    return _where(query, filters, ids, with_status=True, now=now, include_inactive=include_inactive)


def count_detail_rows(filters: ReportFilters, ids: list[int] | None, *, now: datetime) -> int:
    """How many rows detail_query() gives."""
    query = _enrolments().add_columns(func.count())
    return db.session.scalar(_where(query, filters, ids, with_status=True, now=now)) or 0


def overdue_query(filters: ReportFilters, ids: list[int] | None, tree: AgencyTree, *, now: datetime,
                  user_id: int | None = None) -> Subquery | None:
    """(user_id, course_id, due_at) for mandatory training past its due date and not completed (or, for recurring
    training, whose last completion has lapsed); the earliest due date when several assignments ask for the same
    course. One statement: a branch per live assignment (there are tens, not thousands). None when there are none.
    With `user_id`, only that person's.
    """
    query = select(Assignment).where(Assignment.cancelled_at.is_(None), Assignment.due_at < now)
    if filters.course is not None:
        query = query.where(Assignment.course_id == filters.course.id)
    branches = []
    for assignment in db.session.scalars(query):
        cutoff = add_months(now, -assignment.recurrence_months) if assignment.recurrence_months else None
        done = select(Enrollment.id).where(Enrollment.user_id == User.id, Enrollment.course_id == assignment.course_id,
                                           Enrollment.completed_at > cutoff if cutoff else
                                           Enrollment.completed_at.is_not(None))
        branch = select(User.id.label("user_id"), literal(assignment.course_id).label("course_id"),
                        literal(assignment.due_at, UTCDateTime()).label("due_at")).where(
            User.is_active.is_(True), not_(done.exists()))
        if assignment.target_kind == TargetKind.USERS:
            branch = branch.join(AssignmentUser, and_(AssignmentUser.user_id == User.id,
                                                      AssignmentUser.assignment_id == assignment.id))
        else:
            if assignment.agency_id not in tree.nodes:
                continue
            targets = tree.subtree(assignment.agency_id) if assignment.include_subagencies else [assignment.agency_id]
            if ids is not None:
                targets = sorted(set(targets) & set(ids))
                if not targets:
                    continue
            branch = branch.where(User.agency_id.in_(targets))
            if assignment.target_kind == TargetKind.POSITION:
                branch = branch.where(func.lower(User.position) == (assignment.position or "").lower())
        if ids is not None:
            branch = branch.where(User.agency_id.in_(ids))
        if user_id is not None:
            branch = branch.where(User.id == user_id)
        branches.append(branch)
    if not branches:
        return None
    both = union_all(*branches).subquery("due")
    return (select(both.c.user_id, both.c.course_id, func.min(both.c.due_at).label("due_at"))
            .group_by(both.c.user_id, both.c.course_id).subquery("overdue"))


class week_start(FunctionElement):
    """The Monday (UTC) of the week a timestamp falls in, as a date string / date."""

    inherit_cache = True


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_start, "postgresql")
def _week_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('week', ({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC') AS DATE)"


def weekly_newly_trained(*, now: datetime) -> list[tuple[str, int]]:
    """(week start, people whose first currently valid certificate was issued that week), oldest first.

    "Trained" (the national target) means an active person holding at least one valid certificate.
    """
    first = (select(Enrollment.user_id, func.min(Enrollment.certified_at).label("first_at"))
             .join(User, User.id == Enrollment.user_id)
             .where(User.is_active.is_(True), _valid_certificate(now)).group_by(Enrollment.user_id).subquery())
    week = week_start(first.c.first_at)
    rows = db.session.execute(select(week, func.count()).group_by(week).order_by(week)).all()
    return [(str(day), count) for day, count in rows]
