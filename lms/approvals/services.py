"""Enrolment requests: asking, withdrawing, approving, declining and expiring them. Request-free; flush only.

A course whose manifest says `enrollment_approval: true` takes a learner's self-enrolment as a request to their line
manager at the time (or, without one, to the HR officers of their agency and the agencies above it). The manager
decides; HR officers of the learner's agency or above and administrators may decide in the manager's place
(recorded as `on_behalf`). Approval enrols the learner through the learning use case (source "approval"), so the
activity record and the xAPI outbox see it. Assigned (mandatory) courses need no approval.

It lives beside assignments because it must know which courses are assigned. Every change is audited here (the
browser and the command line record the same entry) and announced as an lms.events.Notice for lms.notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms import events
from lms.accounts import policy
from lms.accounts.models import Role, User, UserRole
from lms.agencies import services as agencies
from lms.approvals.models import REASON_MAX_LENGTH, EnrollmentRequest, RequestStatus
from lms.assignments.services import AssignedCourse, get_assigned_course
from lms.audit.services import audit
from lms.courses.models import Course
from lms.errors import DomainError
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import EnrollmentSource

#: The kinds of lms.events.Notice this package publishes.
REQUESTED, DECIDED, EXPIRED = "approval_requested", "approval_decided", "approval_expired"


class ApprovalError(DomainError):
    """A request cannot be changed as asked; `message` says why."""

    message = _l("This request cannot be changed.")


class RequestClosed(ApprovalError):
    """The request is no longer pending: decided, withdrawn or expired (HTTP 409)."""

    message = _l("This request is no longer waiting for a decision: it has been decided, withdrawn or has expired.")


class CourseRetired(ApprovalError):
    """The course has left the content files since the request was made: it can be declined, not approved (409)."""

    message = _l("This course is no longer offered.")


class ReasonTooLong(ApprovalError):
    """The reason for declining is longer than REASON_MAX_LENGTH."""

    def __init__(self):
        super().__init__()
        # Formatted at once (a lazy string carrying a value would reach a page as "safe" HTML).
        self.message = _("The reason may be at most %(max)d characters long.", max=REASON_MAX_LENGTH)


@dataclass(frozen=True)
class StartResult:
    """What a learner's "Enrol" / "Start" / "Request enrolment" came to."""

    #: Enrolled now (newly or before); False while a request waits for approval.
    enrolled: bool
    #: Enrolled by this call.
    newly_enrolled: bool = False
    #: The assignment standing when the course is assigned to the learner (no approval needed).
    assigned: AssignedCourse | None = None
    #: The pending request (made now, or already waiting), for a course that needs approval.
    request: EnrollmentRequest | None = None
    #: The request was made by this call (False: one was waiting already, and nothing changed).
    request_created: bool = False


def start_course(user: User, course: Course, *, now: datetime, days: int, ip: str = "") -> StartResult:
    """Enrol `user` in `course` as they asked, or ask for approval: an assigned course enrols them as assigned (no
    approval), an enrolment already made changes nothing, a course that needs approval gets a request
    (request_enrollment), any other course enrols them themselves. `days`: APPROVAL_REQUEST_DAYS.

    Raises learning.services.EnrollmentClosed for a course open by assignment only. Flush only.
    """
    assigned = get_assigned_course(user, course, now=now)
    if assigned is not None:
        created = learning.enroll(user, course, now=now, source=EnrollmentSource.ASSIGNMENT)
        return StartResult(enrolled=True, newly_enrolled=created, assigned=assigned)
    if learning.get_enrollment(user, course) is not None:
        return StartResult(enrolled=True)
    if course.enrollment_approval and course.self_enrollment:
        request, created = request_enrollment(user, course, now=now, days=days, ip=ip)
        return StartResult(enrolled=False, request=request, request_created=created)
    return StartResult(enrolled=True, newly_enrolled=learning.enroll(user, course, now=now))


def get_pending_request(user: User, course: Course) -> EnrollmentRequest | None:
    """The learner's pending request for the course (perhaps past its expiry, before the worker marked it)."""
    return db.session.scalar(select(EnrollmentRequest).where(
        EnrollmentRequest.user_id == user.id, EnrollmentRequest.course_id == course.id,
        EnrollmentRequest.status == RequestStatus.PENDING))


def get_request(request_id: int) -> EnrollmentRequest | None:
    """The request with this id, or None (the caller asks policy whether the user may see it)."""
    return db.session.get(EnrollmentRequest, request_id)


def line_manager(user: User) -> User | None:
    """Who approves `user`'s requests now: their line manager while that account is active, else None (their
    agency's HR officers decide)."""
    manager = user.manager
    return manager if manager is not None and manager.is_active and manager.id != user.id else None


def list_hr_officer_ids(agency_id: int | None, *, exclude: int | None = None) -> list[int]:
    """The active HR officers of agency `agency_id` and of every agency above it (as reminders' digests go), in one
    statement; [] for nobody's agency."""
    if agency_id is None:
        return []
    query = (select(User.id).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == Role.HR.value, User.is_active.is_(True),
                    User.agency_id.in_(agencies.ancestor_ids_query(agency_id))).order_by(User.id))
    return [officer_id for officer_id in db.session.scalars(query) if officer_id != exclude]


def list_admin_ids(*, exclude: int | None = None) -> list[int]:
    """The active administrators, who decide a request nobody else can (no line manager, no HR officer above)."""
    query = (select(User.id).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True)).order_by(User.id))
    return [admin_id for admin_id in db.session.scalars(query) if admin_id != exclude]


def request_enrollment(user: User, course: Course, *, now: datetime, days: int,
                       ip: str = "") -> tuple[EnrollmentRequest, bool]:
    """Ask `user`'s approver to let them enrol in `course`; return (the request, True when made now).

    A request already pending changes nothing (returned with False); one pending past its expiry is marked expired
    first. The approver is the line manager at this moment (line_manager); without one, the agency's HR officers
    decide, and without those the administrators. Audits `approval.requested` and publishes an "approval_requested"
    Notice to the approvers. Flush only.
    """
    pending = get_pending_request(user, course)
    if pending is not None:
        if pending.is_open(now):
            return pending, False
        _expire(pending, now=now)
        db.session.flush()
    manager = line_manager(user)
    request = EnrollmentRequest(user_id=user.id, course_id=course.id, status=RequestStatus.PENDING,
                                requested_at=now, expires_at=now + timedelta(days=days),
                                approver_id=manager.id if manager else None, on_behalf=False)
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:
        # Another request of the same learner made it first; the database kept exactly one pending.
        existing = get_pending_request(user, course)
        if existing is None:
            raise
        return existing, False
    audit("approval.requested", actor=user, now=now, ip=ip, object_type="enrollment_request", object_id=request.id,
          details={"course": course.key, "learner": user.email, "approver": manager.email if manager else None,
                   "expires_at": request.expires_at.isoformat()})
    recipients = (manager.id,) if manager else tuple(list_hr_officer_ids(user.agency_id, exclude=user.id)
                                                     or list_admin_ids(exclude=user.id))
    if recipients:
        events.publish(events.NOTICE, events.Notice(
            kind=REQUESTED, recipient_ids=recipients, at=now, course_id=course.id, subject_user_id=user.id,
            key=f"enrollment_request:{request.id}:requested",
            params={"request_id": request.id, "course_key": course.key, "learner": user.full_name,
                    "expires_on": request.expires_at.date().isoformat(), "as_line_manager": manager is not None}))
    return request, True


def withdraw_request(request: EnrollmentRequest, *, actor: User, now: datetime, ip: str = "") -> None:
    """The learner takes back their pending request. Raises PermissionError for anyone but the learner and
    RequestClosed when it is no longer pending (or has expired). Audits `approval.withdrawn`. Flush only."""
    if actor.id != request.user_id:
        raise PermissionError("only the learner withdraws their request")
    if not request.is_open(now):
        raise RequestClosed()
    request.status = RequestStatus.WITHDRAWN
    request.decided_at = now
    request.decided_by_id = actor.id
    audit("approval.withdrawn", actor=actor, now=now, ip=ip, object_type="enrollment_request", object_id=request.id,
          details={"course": request.course.key, "learner": actor.email})
    db.session.flush()


def approve_request(request: EnrollmentRequest, *, actor: User, now: datetime, ip: str = "") -> bool:
    """Approve a pending request and enrol the learner (source "approval", recorded with `actor` in the activity
    record); return True when newly enrolled (False: enrolled meanwhile, e.g. by an assignment).

    Raises PermissionError when `actor` may not decide it (policy.can_decide_request), RequestClosed when it is no
    longer pending or has expired, and CourseRetired when the course is no longer offered (nothing changes then).
    Audits `approval.approved` (with `on_behalf`) and publishes an "approval_decided" Notice to the learner. Flush only.
    """
    _decide(request, actor=actor, now=now, status=RequestStatus.APPROVED, reason=None)
    created = learning.enroll(request.user, request.course, now=now, source=EnrollmentSource.APPROVAL, actor=actor)
    _decided(request, actor=actor, now=now, ip=ip)
    return created


def decline_request(request: EnrollmentRequest, *, actor: User, now: datetime, reason: str = "", ip: str = "") -> None:
    """Decline a pending request, with an optional reason (stripped; at most REASON_MAX_LENGTH characters) that the
    learner sees. Raises PermissionError, RequestClosed (as approve_request) or ReasonTooLong. Audits
    `approval.declined` and publishes an "approval_decided" Notice to the learner. Flush only."""
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ReasonTooLong()
    _decide(request, actor=actor, now=now, status=RequestStatus.DECLINED, reason=reason or None)
    _decided(request, actor=actor, now=now, ip=ip)


def _decide(request: EnrollmentRequest, *, actor: User, now: datetime, status: str, reason: str | None) -> None:
    if not policy.can_decide_request(actor, request):
        raise PermissionError("not an approver of this request")
    if not request.is_open(now):
        raise RequestClosed()
    if status == RequestStatus.APPROVED and request.course.is_retired:
        raise CourseRetired()
    request.status = status
    request.decided_at = now
    request.decided_by_id = actor.id
    # Someone other than the line manager the request names decides in their place (HR, an administrator).
    request.on_behalf = request.approver_id is not None and request.approver_id != actor.id
    request.reason = reason


def _decided(request: EnrollmentRequest, *, actor: User, now: datetime, ip: str) -> None:
    course, learner = request.course, request.user
    audit(f"approval.{request.status}", actor=actor, now=now, ip=ip, object_type="enrollment_request",
          object_id=request.id, details={"course": course.key, "learner": learner.email,
                                         "on_behalf": request.on_behalf, "reason": request.reason})
    events.publish(events.NOTICE, events.Notice(
        kind=DECIDED, recipient_ids=(learner.id,), at=now, course_id=course.id,
        key=f"enrollment_request:{request.id}:decided",
        params={"request_id": request.id, "course_key": course.key, "decision": request.status,
                "reason": request.reason or "", "decided_by": actor.full_name, "on_behalf": request.on_behalf}))
    db.session.flush()


def _expire(request: EnrollmentRequest, *, now: datetime) -> None:
    request.status = RequestStatus.EXPIRED
    request.decided_at = now
    audit("approval.expired", actor=None, now=now, object_type="enrollment_request", object_id=request.id,
          details={"course": request.course.key, "learner": request.user.email,
                   "expires_at": request.expires_at.isoformat()})
    events.publish(events.NOTICE, events.Notice(
        kind=EXPIRED, recipient_ids=(request.user_id,), at=now, course_id=request.course_id,
        key=f"enrollment_request:{request.id}:expired",
        params={"request_id": request.id, "course_key": request.course.key,
                "requested_on": request.requested_at.date().isoformat()}))


def expire_requests(*, now: datetime) -> int:
    """Mark every pending request past its expiry as expired (each audited as `approval.expired`, with an
    "approval_expired" Notice to its learner); return how many. For the worker and `lms approvals expire`."""
    due = db.session.scalars(select(EnrollmentRequest).where(
        EnrollmentRequest.status == RequestStatus.PENDING, EnrollmentRequest.expires_at <= now,
    ).options(joinedload(EnrollmentRequest.course), joinedload(EnrollmentRequest.user))
        .order_by(EnrollmentRequest.id)).unique().all()
    for request in due:
        _expire(request, now=now)
    db.session.flush()
    return len(due)
