"""Enrolment requests as services: who approves, what a decision does, withdrawal, expiry, audit and Notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.approvals import services
from lms.approvals.models import EnrollmentRequest, RequestStatus
from lms.assignments.models import TargetKind
from lms.assignments.services import NewAssignment, create_assignment
from lms.audit.models import AuditEntry
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Activity, EnrollmentSource, Verb
from tests import factories

DAYS = 14


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _course(key: str) -> Course:
    return db.session.scalar(select(Course).where(Course.key == key))


def _request(people, approval_course, email=None, *, now=None):
    result = services.start_course(_user(email or people.learner), _course(approval_course), now=now or utcnow(),
                                   days=DAYS, ip="10.0.0.1")
    db.session.commit()
    return result


def _actions(object_id) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "enrollment_request",
                                                                 AuditEntry.object_id == str(object_id))
                                   .order_by(AuditEntry.id)))


def test_the_course_flag_comes_from_the_manifest_and_defaults_to_false(app, ctx, approval_course, course_key):
    assert _course(approval_course).enrollment_approval is True
    assert _course(course_key).enrollment_approval is False


def test_self_enrolment_becomes_a_request_to_the_line_manager(app, ctx, people, approval_course, notices):
    now = utcnow()
    result = _request(people, approval_course, now=now)
    assert not result.enrolled and result.request_created
    request = db.session.scalar(select(EnrollmentRequest))
    assert request.status == RequestStatus.PENDING
    assert request.approver_id == _user(people.manager).id
    assert request.requested_at == now and request.expires_at == now + timedelta(days=DAYS)
    assert learning.get_enrollment(_user(people.learner), _course(approval_course)) is None
    [notice] = notices
    assert notice.kind == "approval_requested" and notice.recipient_ids == (_user(people.manager).id,)
    assert notice.subject_user_id == _user(people.learner).id and notice.course_id == request.course_id
    assert notice.key == f"enrollment_request:{request.id}:requested"
    assert notice.params["learner"] == "Lena Learner" and notice.params["course_key"] == approval_course
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "approval.requested"))
    assert entry.actor_id == _user(people.learner).id and entry.ip == "10.0.0.1"
    assert entry.summary["approver"] == people.manager


def test_the_learning_use_case_refuses_self_enrolment_in_a_course_that_needs_approval(app, ctx, people,
                                                                                      approval_course):
    with pytest.raises(learning.ApprovalRequired):
        learning.enroll(_user(people.learner), _course(approval_course), now=utcnow())


def test_without_a_line_manager_the_request_goes_to_the_hr_officers_of_the_agency_and_above(
        app, ctx, people, approval_course, notices):
    _request(people, approval_course, people.orphan)
    request = db.session.scalar(select(EnrollmentRequest))
    assert request.approver_id is None
    [notice] = notices
    assert set(notice.recipient_ids) == {_user(people.hr).id, _user(people.hr_child).id}


def test_without_a_manager_or_an_hr_officer_above_the_administrators_hear_of_the_request(
        app, ctx, people, approval_course, notices):
    alone = factories.user("alone@example.kz", agency=factories.agency("ALONE"), full_name="Alone Learner")
    _request(people, approval_course, alone.email)
    [notice] = notices
    assert set(notice.recipient_ids) == {_user(people.admin).id}


def test_a_deactivated_line_manager_hands_the_request_to_hr(app, ctx, people, approval_course, notices):
    _user(people.manager).is_active = False
    db.session.commit()
    _request(people, approval_course)
    assert db.session.scalar(select(EnrollmentRequest)).approver_id is None
    assert set(notices[0].recipient_ids) == {_user(people.hr).id, _user(people.hr_child).id}


def test_a_second_request_while_one_is_pending_changes_nothing(app, ctx, people, approval_course, notices):
    first = _request(people, approval_course)
    second = _request(people, approval_course)
    assert not second.request_created and second.request.id == first.request.id
    assert db.session.scalar(select(func.count()).select_from(EnrollmentRequest)) == 1
    assert len(notices) == 1
    assert _actions(first.request.id) == ["approval.requested"]


def test_an_assigned_course_needs_no_approval(app, ctx, people, approval_course):
    create_assignment(NewAssignment(course=_course(approval_course), due_at=utcnow() + timedelta(days=30),
                                    target_kind=TargetKind.USERS, users=(_user(people.learner),)),
                      actor=_user(people.hr), now=utcnow())
    db.session.commit()
    result = _request(people, approval_course)
    assert result.enrolled and result.request is None
    assert db.session.scalar(select(EnrollmentRequest)) is None
    enrollment = learning.get_enrollment(_user(people.learner), _course(approval_course))
    assert enrollment.source == EnrollmentSource.ASSIGNMENT


def test_a_course_without_approval_enrols_at_once(app, ctx, people, course_key):
    result = _request(people, course_key)
    assert result.enrolled and result.newly_enrolled and result.request is None


def test_the_manager_approves_and_the_learner_is_enrolled_through_the_learning_use_case(
        app, ctx, people, approval_course, notices):
    request = _request(people, approval_course).request
    manager = _user(people.manager)
    assert services.approve_request(request, actor=manager, now=utcnow(), ip="10.0.0.2") is True
    db.session.commit()
    assert request.status == RequestStatus.APPROVED and request.decided_by_id == manager.id
    assert request.on_behalf is False
    learner = _user(people.learner)
    enrollment = learning.get_enrollment(learner, _course(approval_course))
    assert enrollment.source == EnrollmentSource.APPROVAL
    activity = db.session.scalar(select(Activity).where(Activity.verb == Verb.ENROLLED))
    assert (activity.user_id, activity.actor_id, activity.details) == (learner.id, manager.id, {"source": "approval"})
    decided = notices[-1]
    assert decided.kind == "approval_decided" and decided.recipient_ids == (learner.id,)
    assert decided.params["decision"] == "approved" and decided.params["decided_by"] == "Marat Manager"
    assert decided.key == f"enrollment_request:{request.id}:decided"
    assert _actions(request.id) == ["approval.requested", "approval.approved"]


def test_an_hr_officer_above_decides_on_the_managers_behalf(app, ctx, people, approval_course):
    request = _request(people, approval_course).request
    services.decline_request(request, actor=_user(people.hr), now=utcnow(), reason="Budget is spent")
    db.session.commit()
    assert request.status == RequestStatus.DECLINED and request.on_behalf is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "approval.declined"))
    assert entry.summary["on_behalf"] is True and entry.summary["reason"] == "Budget is spent"
    assert entry.actor_id == _user(people.hr).id


def test_hr_deciding_for_someone_without_a_manager_is_not_on_behalf(app, ctx, people, approval_course):
    request = _request(people, approval_course, people.orphan).request
    services.approve_request(request, actor=_user(people.hr_child), now=utcnow())
    assert request.on_behalf is False


@pytest.mark.parametrize("who", ["learner", "peer", "hr_other"])
def test_nobody_else_may_decide(app, ctx, people, approval_course, who):
    request = _request(people, approval_course).request
    with pytest.raises(PermissionError):
        services.approve_request(request, actor=_user(getattr(people, who)), now=utcnow())
    assert request.status == RequestStatus.PENDING


def test_a_decline_tells_the_learner_with_the_reason(app, ctx, people, approval_course, notices):
    request = _request(people, approval_course).request
    services.decline_request(request, actor=_user(people.manager), now=utcnow(), reason="  Not this quarter  ")
    db.session.commit()
    assert request.reason == "Not this quarter"
    decided = notices[-1]
    assert decided.params["decision"] == "declined" and decided.params["reason"] == "Not this quarter"
    assert learning.get_enrollment(_user(people.learner), _course(approval_course)) is None


def test_a_reason_longer_than_the_limit_is_refused(app, ctx, people, approval_course):
    request = _request(people, approval_course).request
    with pytest.raises(services.ReasonTooLong):
        services.decline_request(request, actor=_user(people.manager), now=utcnow(), reason="x" * 501)


def test_only_pending_unexpired_requests_can_be_decided(app, ctx, people, approval_course):
    request = _request(people, approval_course).request
    services.decline_request(request, actor=_user(people.manager), now=utcnow())
    with pytest.raises(services.RequestClosed):
        services.approve_request(request, actor=_user(people.manager), now=utcnow())
    late = _request(people, approval_course).request
    with pytest.raises(services.RequestClosed):
        services.approve_request(late, actor=_user(people.manager), now=utcnow() + timedelta(days=DAYS, seconds=1))


def test_the_learner_withdraws_a_pending_request_and_may_ask_again(app, ctx, people, approval_course):
    request = _request(people, approval_course).request
    with pytest.raises(PermissionError):
        services.withdraw_request(request, actor=_user(people.manager), now=utcnow())
    services.withdraw_request(request, actor=_user(people.learner), now=utcnow(), ip="10.0.0.3")
    db.session.commit()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(services.RequestClosed):
        services.withdraw_request(request, actor=_user(people.learner), now=utcnow())
    with pytest.raises(services.RequestClosed):
        services.approve_request(request, actor=_user(people.manager), now=utcnow())
    again = _request(people, approval_course)
    assert again.request_created and again.request.id != request.id
    assert _actions(request.id) == ["approval.requested", "approval.withdrawn"]


def test_expiry_marks_requests_past_their_date_and_tells_the_learner(app, ctx, people, approval_course, notices):
    old = _request(people, approval_course, now=utcnow() - timedelta(days=DAYS + 1)).request
    fresh = _request(people, approval_course, people.orphan).request
    assert services.expire_requests(now=utcnow()) == 1
    db.session.commit()
    assert (old.status, fresh.status) == (RequestStatus.EXPIRED, RequestStatus.PENDING)
    expired = notices[-1]
    assert expired.kind == "approval_expired" and expired.recipient_ids == (_user(people.learner).id,)
    assert expired.key == f"enrollment_request:{old.id}:expired"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "approval.expired"))
    assert entry.actor_id is None and entry.object_id == str(old.id)
    assert services.expire_requests(now=utcnow()) == 0  # each once


def test_asking_again_after_an_expiry_the_worker_has_not_marked_yet_makes_a_new_request(app, ctx, people,
                                                                                       approval_course):
    old = _request(people, approval_course, now=utcnow() - timedelta(days=DAYS + 1)).request
    again = _request(people, approval_course)
    assert again.request_created and old.status == RequestStatus.EXPIRED
    assert _actions(old.id) == ["approval.requested", "approval.expired"]


def test_the_cli_and_the_worker_task_expire_requests(app, ctx, people, approval_course, runner):
    _request(people, approval_course, now=utcnow() - timedelta(days=DAYS + 1))
    _request(people, approval_course, people.orphan, now=utcnow() - timedelta(days=DAYS + 2))
    result = runner.invoke(args=["approvals", "expire"])
    assert result.exit_code == 0 and "2 enrolment request(s) expired" in result.output
    _request(people, approval_course, people.peer, now=utcnow() - timedelta(days=DAYS + 1))
    app.extensions["lms.tasks"]["expire-approval-requests"].call_local()
    db.session.expire_all()
    assert set(db.session.scalars(select(EnrollmentRequest.status))) == {RequestStatus.EXPIRED}


def test_approval_request_days_is_validated(make_app):
    from lms.config import ConfigError

    for bad in (0, 366, "14", True):
        with pytest.raises(ConfigError, match="APPROVAL_REQUEST_DAYS"):
            make_app(APPROVAL_REQUEST_DAYS=bad)


def test_a_request_for_a_course_retired_since_can_be_declined_but_not_approved(app, ctx, people, approval_course):
    request = _request(people, approval_course).request
    _course(approval_course).is_retired = True
    db.session.commit()
    with pytest.raises(services.CourseRetired):
        services.approve_request(request, actor=_user(people.manager), now=utcnow())
    assert request.status == RequestStatus.PENDING
    assert learning.get_enrollment(_user(people.learner), _course(approval_course)) is None
    services.decline_request(request, actor=_user(people.manager), now=utcnow(), reason="The course is gone")
    assert request.status == RequestStatus.DECLINED
