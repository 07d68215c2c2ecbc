"""The learner's course page and the approvers' Requests page: request, withdraw, approve, decline, scope, menu."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.approvals.models import EnrollmentRequest, RequestStatus
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrollment, EnrollmentSource
from tests.conftest import post_form


def _request_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(EnrollmentRequest.id).order_by(EnrollmentRequest.id.desc()).limit(1))


def _ask(client, course: str):
    return post_form(client, f"/courses/{course}/enroll", {}, token_from=f"/courses/{course}")


def _enrolled(app, email: str, course: str) -> Enrollment | None:
    with app.app_context():
        return db.session.scalar(select(Enrollment).join(User, User.id == Enrollment.user_id)
                                 .join(Course, Course.id == Enrollment.course_id)
                                 .where(User.email == email, Course.key == course))


def test_the_learner_requests_enrolment_and_waits_for_their_manager(app, login_as, people, approval_course):
    client = login_as(people.learner)
    page = client.get(f"/courses/{approval_course}").get_data(as_text=True)
    assert "Request enrolment" in page and "needs your line manager's approval" in page
    response = _ask(client, approval_course)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/courses/{approval_course}")
    page = client.get(f"/courses/{approval_course}").get_data(as_text=True)
    assert "Your request to enrol has been sent to Marat Manager" in page
    assert "Waiting for approval by Marat Manager." in page
    assert "Withdraw the request" in page
    assert _enrolled(app, people.learner, approval_course) is None
    # Asking again says so, and changes nothing.
    _ask(client, approval_course)
    page = client.get(f"/courses/{approval_course}").get_data(as_text=True)
    assert "your request is still waiting for approval. Nothing has changed." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EnrollmentRequest)) == 1


def test_without_a_manager_the_page_names_the_hr_officers(app, login_as, people, approval_course):
    client = login_as(people.orphan)
    _ask(client, approval_course)
    page = client.get(f"/courses/{approval_course}").get_data(as_text=True)
    assert "Waiting for approval by your agency's HR officers." in page


def test_the_lesson_page_sends_the_learner_to_the_course_page_to_ask(app, login_as, people, approval_course):
    page = login_as(people.learner).get(f"/courses/{approval_course}/lessons/intro").get_data(as_text=True)
    assert "Request enrolment on the course page" in page
    assert f'action="/courses/{approval_course}/enroll"' not in page


def test_the_learner_withdraws_their_request(app, login_as, people, approval_course):
    client = login_as(people.learner)
    _ask(client, approval_course)
    request_id = _request_id(app)
    response = post_form(client, f"/approvals/{request_id}/withdraw", {}, token_from=f"/courses/{approval_course}")
    assert response.status_code == 303
    page = client.get(f"/courses/{approval_course}").get_data(as_text=True)
    assert "Your request is withdrawn." in page and "You withdrew your request on" in page
    assert "Request enrolment again" in page
    # A second withdrawal says the request is closed.
    post_form(client, f"/approvals/{request_id}/withdraw", {}, token_from=f"/courses/{approval_course}")
    assert "no longer waiting for a decision" in client.get(f"/courses/{approval_course}").get_data(as_text=True)


def test_the_manager_approves_on_the_requests_page_and_the_learner_is_enrolled(app, client, login_as, people,
                                                                             approval_course):
    learner = login_as(people.learner)
    _ask(learner, approval_course)
    client.delete_cookie("lms_session")
    manager = login_as(people.manager)
    page = manager.get("/approvals/").get_data(as_text=True)
    assert 'href="/approvals/"' in manager.get("/my-learning").get_data(as_text=True)  # the menu shows the page
    assert "Lena Learner" in page and "Awaiting your decision" in page
    request_id = _request_id(app)
    response = post_form(manager, f"/approvals/{request_id}/approve", {}, token_from="/approvals/")
    assert response.status_code == 303
    page = manager.get("/approvals/").get_data(as_text=True)
    assert "Approved: Lena Learner is enrolled in the course." in page
    assert "No request is waiting for your decision." in page
    enrollment = _enrolled(app, people.learner, approval_course)
    assert enrollment is not None and enrollment.source == EnrollmentSource.APPROVAL
    # Deciding it again: the request is no longer open (409, with the reason on the page).
    response = post_form(manager, f"/approvals/{request_id}/approve", {}, token_from="/approvals/")
    assert response.status_code == 409
    assert "no longer waiting for a decision" in response.get_data(as_text=True)


def test_a_decline_reason_is_shown_to_the_learner_escaped(app, client, login_as, people, approval_course):
    _ask(login_as(people.learner), approval_course)
    client.delete_cookie("lms_session")
    hr = login_as(people.hr)
    request_id = _request_id(app)
    reason = "<script>alert(1)</script> Not this year"
    response = post_form(hr, f"/approvals/{request_id}/decline", {"reason": reason}, token_from="/approvals/")
    assert response.status_code == 303
    history = hr.get("/approvals/").get_data(as_text=True)
    assert "on the line manager's behalf" in history and "&lt;script&gt;" in history
    client.delete_cookie("lms_session")
    page = login_as(people.learner).get(f"/courses/{approval_course}").get_data(as_text=True)
    assert "Your request was declined on" in page and "by Hanna HR" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Not this year" in page and "<script>alert(1)" not in page
    assert "Request enrolment again" in page


def test_a_reason_over_the_limit_is_refused_on_the_form(app, client, login_as, people, approval_course):
    _ask(login_as(people.learner), approval_course)
    client.delete_cookie("lms_session")
    manager = login_as(people.manager)
    request_id = _request_id(app)
    response = post_form(manager, f"/approvals/{request_id}/decline", {"reason": "x" * 501},
                         token_from="/approvals/")
    assert response.status_code == 400
    assert f'id="reason-{request_id}-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EnrollmentRequest, request_id).status == RequestStatus.PENDING


def test_an_expired_request_cannot_be_decided(app, client, login_as, people, approval_course):
    _ask(login_as(people.learner), approval_course)
    with app.app_context():
        request = db.session.scalar(select(EnrollmentRequest))
        request.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        request_id = request.id
    client.delete_cookie("lms_session")
    manager = login_as(people.manager)
    assert "No request is waiting for your decision." in manager.get("/approvals/").get_data(as_text=True)
    response = post_form(manager, f"/approvals/{request_id}/approve", {}, token_from="/approvals/")
    assert response.status_code == 409
    assert _enrolled(app, people.learner, approval_course) is None


@pytest.mark.parametrize(("who", "sees"), [("manager", True), ("hr", True), ("hr_child", True), ("admin", True),
                                           ("hr_other", False), ("peer", False), ("learner", False)])
def test_the_requests_page_lists_only_what_each_person_may_decide(app, client, login_as, people, approval_course,
                                                                 who, sees):
    _ask(login_as(people.learner), approval_course)
    client.delete_cookie("lms_session")
    page = login_as(getattr(people, who)).get("/approvals/").get_data(as_text=True)
    assert (f'id="request-{_request_id(app)}"' in page) is sees
    assert (people.learner in page) is sees  # the learner's email is on their request's card only


@pytest.mark.parametrize("who", ["hr_other", "peer", "learner"])
def test_someone_elses_request_is_not_found(app, client, login_as, people, approval_course, who):
    _ask(login_as(people.learner), approval_course)
    request_id = _request_id(app)
    client.delete_cookie("lms_session")
    actor = login_as(getattr(people, who))
    for action in ("approve", "decline"):
        assert post_form(actor, f"/approvals/{request_id}/{action}", {}, token_from="/approvals/").status_code == 404
    if who != "learner":
        assert post_form(actor, f"/approvals/{request_id}/withdraw", {},
                         token_from="/approvals/").status_code == 404
    with app.app_context():
        assert db.session.get(EnrollmentRequest, request_id).status == RequestStatus.PENDING


@pytest.mark.parametrize(("who", "shown"), [("learner", False), ("peer", False), ("manager", True), ("hr", True),
                                            ("admin", True)])
def test_the_menu_links_the_requests_page_for_those_who_decide(app, login_as, people, who, shown):
    page = login_as(getattr(people, who)).get("/my-learning").get_data(as_text=True)
    assert ('href="/approvals/"' in page) is shown


def test_the_requests_page_is_in_kazakh_and_russian(app, client, login_as, people, approval_course):
    _ask(login_as(people.learner), approval_course)
    client.delete_cookie("lms_session")
    manager = login_as(people.manager)
    for locale, heading in (("kk", "Сіздің шешіміңізді күтуде"), ("ru", "Ожидают вашего решения")):
        post_form(manager, "/account/preferences", {"locale": locale}, token_from="/account")
        assert heading in manager.get("/approvals/").get_data(as_text=True)
