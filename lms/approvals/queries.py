"""Reading enrolment requests for the approvers' page, the learner's record and the reports: one statement per list
or count, whatever the number of requests. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import aliased

from lms.accounts import policy
from lms.accounts.models import User
from lms.agencies.models import Agency
from lms.approvals.models import EnrollmentRequest, RequestStatus
from lms.courses.models import Course
from lms.extensions import db


@dataclass(frozen=True)
class RequestRow:
    """A request with what its page shows: course, learner, their agency, the approver it names and who decided."""

    request: EnrollmentRequest
    course: Course
    learner_name: str
    learner_email: str
    agency: Agency | None
    #: The line manager the request names (None: the learner had none; their HR officers decide).
    approver_name: str | None
    decided_by_name: str | None


def _rows():
    learner, approver, decider = aliased(User), aliased(User), aliased(User)
    query = (select(EnrollmentRequest, Course, learner.full_name, learner.email, Agency, approver.full_name,
                    decider.full_name)
             .join(Course, Course.id == EnrollmentRequest.course_id)
             .join(learner, learner.id == EnrollmentRequest.user_id)
             .outerjoin(Agency, Agency.id == learner.agency_id)
             .outerjoin(approver, approver.id == EnrollmentRequest.approver_id)
             .outerjoin(decider, decider.id == EnrollmentRequest.decided_by_id))
    return query, learner


def _decidable_by(actor: User, learner):
    """SQL condition: `actor` may decide the request (policy.can_decide_request, for many requests at once)."""
    scope = policy.approval_agency_scope(actor)
    named = EnrollmentRequest.approver_id == actor.id
    if scope is None:
        within = true()
    elif scope is False:
        within = false()
    else:
        within = learner.agency_id.in_(scope)
    return and_(or_(named, within), EnrollmentRequest.user_id != actor.id)


def _open(now: datetime):
    return and_(EnrollmentRequest.status == RequestStatus.PENDING, EnrollmentRequest.expires_at > now)


def _row(values) -> RequestRow:
    return RequestRow(*values)


def list_pending_for(actor: User, *, now: datetime, limit: int) -> list[RequestRow]:
    """The open requests `actor` may decide, the longest waiting first (at most `limit`)."""
    query, learner = _rows()
    query = (query.where(_decidable_by(actor, learner), _open(now))
             .order_by(EnrollmentRequest.requested_at, EnrollmentRequest.id).limit(limit))
    return [_row(values) for values in db.session.execute(query)]


def list_decided_for(actor: User, *, now: datetime, limit: int, offset: int = 0) -> list[RequestRow]:
    """The requests `actor` may decide that are no longer open (decided, withdrawn, expired), newest first."""
    query, learner = _rows()
    query = (query.where(_decidable_by(actor, learner), ~_open(now))
             .order_by(EnrollmentRequest.requested_at.desc(), EnrollmentRequest.id.desc())
             .limit(limit).offset(offset))
    return [_row(values) for values in db.session.execute(query)]


def list_requests_of(user: User, *, limit: int = 100) -> list[RequestRow]:
    """The learner's own requests, newest first (their record in the reports)."""
    query, _learner = _rows()
    query = (query.where(EnrollmentRequest.user_id == user.id)
             .order_by(EnrollmentRequest.requested_at.desc(), EnrollmentRequest.id.desc()).limit(limit))
    return [_row(values) for values in db.session.execute(query)]


def get_latest_request_of(user: User, course: Course) -> RequestRow | None:
    """The learner's most recent request for the course, whatever its status, with the names the course page shows
    (one statement), or None."""
    query, _learner = _rows()
    query = (query.where(EnrollmentRequest.user_id == user.id, EnrollmentRequest.course_id == course.id)
             .order_by(EnrollmentRequest.requested_at.desc(), EnrollmentRequest.id.desc()).limit(1))
    values = db.session.execute(query).first()
    return _row(values) if values is not None else None


@dataclass(frozen=True)
class CourseRequestCounts:
    """One course's requests in a report: open ones now, and those declined (within the period, when one is set)."""

    course: Course
    pending: int
    declined: int


def count_by_course(agency_ids: list[int] | None, *, now: datetime, course_id: int | None = None,
                    since: datetime | None = None, until: datetime | None = None) -> list[CourseRequestCounts]:
    """Pending and declined requests per course of the active people in `agency_ids` (None: everyone), courses with
    neither left out, by course key. One statement."""
    declined = EnrollmentRequest.status == RequestStatus.DECLINED
    if since is not None:
        declined = and_(declined, EnrollmentRequest.decided_at >= since)
    if until is not None:
        declined = and_(declined, EnrollmentRequest.decided_at < until)
    counts = (select(EnrollmentRequest.course_id.label("course_id"),
                     func.sum(case((_open(now), 1), else_=0)).label("pending"),
                     func.sum(case((declined, 1), else_=0)).label("declined"))
              .join(User, User.id == EnrollmentRequest.user_id).where(User.is_active.is_(True))
              .group_by(EnrollmentRequest.course_id))
    if agency_ids is not None:
        counts = counts.where(User.agency_id.in_(agency_ids))
    if course_id is not None:
        counts = counts.where(EnrollmentRequest.course_id == course_id)
    counts = counts.subquery()
    rows = db.session.execute(select(Course, counts.c.pending, counts.c.declined)
                              .join(counts, counts.c.course_id == Course.id)
                              .where(or_(counts.c.pending > 0, counts.c.declined > 0)).order_by(Course.key))
    return [CourseRequestCounts(course, pending or 0, declined or 0) for course, pending, declined in rows]


def count_open_for(actor: User, *, now: datetime) -> int:
    """How many open requests `actor` may decide (as on their Requests page). One statement."""
    learner = aliased(User)
    query = (select(func.count()).select_from(EnrollmentRequest)
             .join(learner, learner.id == EnrollmentRequest.user_id)
             .where(_decidable_by(actor, learner), _open(now)))
    return db.session.scalar(query) or 0


def list_open_of_people(user_ids: list[int], *, now: datetime) -> list[tuple[int, Course]]:
    """(user_id, course) of the open requests of `user_ids`, by course key: what My team marks as waiting for a
    decision. One statement (none without people)."""
    if not user_ids:
        return []
    query = (select(EnrollmentRequest.user_id, Course).join(Course, Course.id == EnrollmentRequest.course_id)
             .where(EnrollmentRequest.user_id.in_(list(user_ids)), _open(now))
             .order_by(EnrollmentRequest.user_id, Course.key))
    return [(user_id, course) for user_id, course in db.session.execute(query)]
