"""What the domains publish: an assignment tells the people it names (and those who join later), a completed course
tells of its certificate, a certificate about to expire is told of once, a finished export tells whoever asked,
and the approval kinds (published by lms.approvals) read as they should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from lms import events
from lms.accounts.models import Role, User
from lms.assignments.outcome import record_course_outcome
from lms.assignments.services import NewAssignment, create_assignment, enrol_in_assigned_courses, enrol_new_assignees
from lms.certificates.expiry import notify_expiring
from lms.certificates.models import Certificate
from lms.certificates.services import revoke
from lms.courses.models import Course
from lms.db import utcnow
from lms.events import Notice
from lms.extensions import db
from lms.learning import services as learning
from lms.notifications import kinds
from lms.notifications.services import list_page
from tests import factories
from tests.notifications.conftest import inbox, mail_to

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
DUE = datetime(2027, 3, 31, 18, 59, 59, tzinfo=UTC)


@pytest.fixture
def agency(app, ctx, course_key):
    """Agency A with an HR officer and a learner, the course synced."""
    agency = factories.agency("A")
    factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=agency)
    factories.user("learner@example.kz", agency=agency, full_name="Asel Learner", locale="en")
    return agency


def _course() -> Course:
    return db.session.scalar(select(Course))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _assign(agency, **extra) -> None:
    create_assignment(NewAssignment(course=_course(), due_at=DUE, target_kind="agency", agency=agency, **extra),
                      actor=_user("hr@example.kz"), now=NOW)
    db.session.commit()


def _finish_course(email: str, now: datetime) -> None:
    user, course = _user(email), _course()
    learning.enroll(user, course, now=now)
    for lesson in course.lessons:
        record_course_outcome(user, course, now=now, language="en", lesson=lesson)
    db.session.commit()


def test_an_assignment_tells_each_assignee_with_the_due_date(agency):
    _assign(agency)
    [notice] = inbox("learner@example.kz")
    assert notice.kind == "assigned" and notice.course_id == _course().id
    assert notice.params["due_at"] == DUE.isoformat()
    [message] = mail_to("learner@example.kz")
    assert "Please complete it by Mar 31, 2027." in message.body


def test_people_who_completed_the_course_already_are_not_told(agency):
    _finish_course("learner@example.kz", NOW - timedelta(days=3))
    _assign(agency)
    assert [n.kind for n in inbox("learner@example.kz")] == ["certificate_issued"]


def test_people_who_join_later_are_told_when_they_are_enrolled(agency):
    _assign(agency)
    factories.user("later@example.kz", agency=agency)
    assert enrol_new_assignees(now=NOW + timedelta(days=1)) == 1
    db.session.commit()
    assert [n.kind for n in inbox("later@example.kz")] == ["assigned"]
    assert enrol_new_assignees(now=NOW + timedelta(days=2)) == 0  # nobody is told twice
    db.session.commit()
    assert len(inbox("later@example.kz")) == 1


def test_a_person_created_into_an_assigned_agency_is_told(agency):
    _assign(agency)
    person = factories.user("new@example.kz", agency=agency)
    assert enrol_in_assigned_courses(person, now=NOW) == 1
    db.session.commit()
    [notice] = inbox("new@example.kz")
    assert notice.kind == "assigned" and notice.params["due_at"] == DUE.isoformat()


def test_completing_a_course_tells_of_the_certificate(app, agency):
    _finish_course("learner@example.kz", NOW)
    serial = db.session.scalar(select(Certificate.serial))
    [notice] = inbox("learner@example.kz")
    assert notice.kind == "certificate_issued" and notice.params == {"serial": serial}
    [message] = mail_to("learner@example.kz")
    assert message.subject == "Certificate issued: Test course"
    assert f"{app.config['BASE_URL']}/certificates/" in message.body


def _expiring_certificate(months: int = 12, issued_at: datetime = NOW) -> Certificate:
    course = _course()
    course.certificate_valid_months = months
    db.session.commit()
    _finish_course("learner@example.kz", issued_at)
    return db.session.scalar(select(Certificate))


def test_a_certificate_about_to_expire_is_told_of_once(agency):
    certificate = _expiring_certificate()
    assert notify_expiring(now=certificate.expires_at - timedelta(days=31)) == 0
    assert notify_expiring(now=certificate.expires_at - timedelta(days=29)) == 1
    assert notify_expiring(now=certificate.expires_at - timedelta(days=10)) == 0
    db.session.commit()
    [notice] = [n for n in inbox("learner@example.kz") if n.kind == "certificate_expiring"]
    assert notice.params["expires_at"] == certificate.expires_at.isoformat()
    [message] = [m for m in mail_to("learner@example.kz") if "expires soon" in m.subject]
    assert "Complete the course again to renew it." in message.body


def test_revoked_or_outlasted_certificates_are_not_told_of(agency):
    certificate = _expiring_certificate()
    revoke(certificate, actor=_user("hr@example.kz"), reason="Name corrected", now=NOW)
    db.session.commit()
    assert notify_expiring(now=certificate.expires_at - timedelta(days=29)) == 0


def test_the_expiry_task_runs_in_the_worker(app, agency):
    certificate = _expiring_certificate(months=1, issued_at=utcnow() - timedelta(days=5))  # expires in 23-26 days
    db.session.rollback()  # end this session's read, so that it sees what the task commits
    app.extensions["lms.tasks"]["certificate-expiry-notices"].call_local()
    db.session.rollback()
    assert db.session.get(Certificate, certificate.id).expiry_notified_at is not None


def test_approval_notices_read_as_the_approvals_package_sends_them(agency):
    course, learner, hr = _course(), _user("learner@example.kz"), _user("hr@example.kz")
    for kind, recipient, params in (
            ("approval_requested", hr, {}),
            ("approval_decided", learner, {"decision": "declined", "reason": "Budget <b>closed</b>",
                                           "decided_by": "Dana HR"}),
            ("approval_decided", learner, {"decision": "approved", "decided_by": "Dana HR"}),
            ("approval_expired", learner, {})):
        events.publish(events.NOTICE, Notice(kind=kind, recipient_ids=(recipient.id,), at=NOW, course_id=course.id,
                                             subject_user_id=learner.id, params=params))
    db.session.commit()
    [request] = list_page(hr).items
    assert request.title() == "Enrolment request from Asel Learner"
    assert request.body() == ["Asel Learner asks to enrol in “Test course”. Please approve or decline the request."]
    expired, approved, declined = list_page(learner).items
    assert declined.title() == "Enrolment declined: Test course"
    assert declined.body() == ["Dana HR declined your request to enrol in “Test course”.",
                               "Reason: Budget <b>closed</b>"]
    assert approved.body()[0].startswith("Dana HR approved your request")
    assert expired.title() == "Enrolment request expired: Test course"


def test_a_link_to_a_page_not_installed_falls_back(agency):
    facts = kinds.Facts(params={}, course_key="plain")
    kind = kinds.KINDS["approval_requested"]
    endpoints = current_app.view_functions
    expected = ("approvals.index", {}) if "approvals.index" in endpoints else ("courses.course", {"key": "plain"})
    assert kinds.resolve_link(kind, facts, endpoints) == expected
    assert kinds.resolve_link(kind, facts, {"approvals.index": None}) == ("approvals.index", {})
