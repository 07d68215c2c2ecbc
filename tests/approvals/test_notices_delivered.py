"""An enrolment request and its decision reach people through the real notifications subscriber (no recording
handler): the approver's inbox and e-mail per their preference, then the learner's, in each reader's language, with
links that lead to the Requests page (approver) and the course page (learner)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.approvals.models import EnrollmentRequest
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Channel
from lms.notifications.preferences import set_preferences
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.learning.conftest import sync
from tests.notifications.conftest import inbox, mail_to, unread
from tests.reports import builders as b

COURSE = "budget-ai"
TITLES = {"en": "Budgeting with AI", "ru": "Бюджетирование с ИИ", "kk": "ЖИ көмегімен бюджеттеу"}
#: What each reader sees: the approver's title and text, the learner's title and the start of their text.
TEXTS = {
    "en": ("Enrolment request from Lena Learner",
           "Lena Learner asks to enrol in “Budgeting with AI”. Please approve or decline the request.",
           "Enrolment approved: Budgeting with AI",
           "Marat Manager approved your request to enrol in “Budgeting with AI”. You can start the course now.",
           "Hello, Marat Manager."),
    "ru": ("Заявка на запись от сотрудника Lena Learner",
           "Lena Learner подал(а) заявку на запись на курс «Бюджетирование с ИИ». Одобрите или отклоните её.",
           "Запись одобрена: Бюджетирование с ИИ",
           "Вашу заявку на запись на курс «Бюджетирование с ИИ» одобрил(а) Marat Manager.",
           None),
    "kk": ("Lena Learner жазылу өтінімін жіберді",
           "Lena Learner «ЖИ көмегімен бюджеттеу» курсына жазылуға өтінім берді. Өтінімді мақұлдаңыз немесе "
           "қабылдамаңыз.",
           "Жазылу мақұлданды: ЖИ көмегімен бюджеттеу",
           "«ЖИ көмегімен бюджеттеу» курсына жазылу өтініміңізді Marat Manager мақұлдады.",
           None),
}


@pytest.fixture
def course(app, courses_root, people):
    """The course that needs approval, with a title in each language; the learner reports to the manager."""
    write_course(courses_root / COURSE, course_id=COURSE, quiz=False, enrollment_approval=True, title=TITLES,
                 languages=("en", "ru", "kk"))
    with app.app_context():
        sync(courses_root)
    return COURSE


def _locale(app, locale: str, *emails: str) -> None:
    with app.app_context():
        for email in emails:
            b.person(email).locale = locale
        db.session.commit()


def _request(app, email: str) -> int:
    """The learner presses "Request enrolment" on the course page; returns the request's id."""
    response = post_form(b.signed_in(app, email), f"/courses/{COURSE}/enroll", {}, token_from=f"/courses/{COURSE}")
    assert response.status_code in (302, 303), response.status_code
    with app.app_context():
        return db.session.scalar(select(EnrollmentRequest.id).join(EnrollmentRequest.user)
                                 .where(EnrollmentRequest.course.has(key=COURSE)))


def _opened(client, notification_id: int) -> str:
    response = post_form(client, f"/notifications/{notification_id}/open", {}, token_from="/notifications/")
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_the_request_reaches_the_manager_and_the_decision_the_learner_in_their_language(app, course, people,
                                                                                        locale):
    title, text, decided_title, decided_text, greeting = TEXTS[locale]
    _locale(app, locale, people.manager, people.learner)
    request_id = _request(app, people.learner)
    base = app.config["BASE_URL"]

    with app.app_context():
        [notice] = inbox(people.manager)
        assert notice.kind == "approval_requested" and unread(people.manager) == 1
        [message] = mail_to(people.manager)
        notice_id = notice.id
    assert message.subject == title
    assert text in message.body.replace("\n", " ")
    assert f"{base}/approvals/" in message.body
    if greeting:
        assert message.body.startswith(greeting)
    manager = b.signed_in(app, people.manager)
    inbox_page = manager.get("/notifications/").get_data(as_text=True)
    assert title in inbox_page and text in inbox_page
    assert _opened(manager, notice_id).endswith("/approvals/")  # the Requests page, and now read
    with app.app_context():
        assert unread(people.manager) == 0

    assert post_form(manager, f"/approvals/{request_id}/approve", {}, token_from="/approvals/").status_code == 303
    with app.app_context():
        [decided] = inbox(people.learner)
        assert decided.kind == "approval_decided" and decided.params["decision"] == "approved"
        [message] = mail_to(people.learner)
        decided_id = decided.id
    assert message.subject == decided_title
    assert decided_text in message.body.replace("\n", " ")
    assert f"{base}/courses/{COURSE}" in message.body
    learner = b.signed_in(app, people.learner)
    page = learner.get("/notifications/").get_data(as_text=True)
    assert decided_title in page and decided_text in page
    assert _opened(learner, decided_id).endswith(f"/courses/{COURSE}")  # the course page, where they start it
    assert "/lessons/" in learner.get(f"/courses/{COURSE}").get_data(as_text=True)


def test_each_side_gets_only_the_channels_they_chose(app, course, people):
    with app.app_context():
        now = utcnow()
        set_preferences(b.person(people.manager), {"approval_requested": Channel.IN_APP}, now=now)
        set_preferences(b.person(people.learner), {"approval_decided": Channel.EMAIL}, now=now)
        db.session.commit()
    request_id = _request(app, people.learner)
    with app.app_context():
        assert [n.kind for n in inbox(people.manager)] == ["approval_requested"]
        assert mail_to(people.manager) == []  # in the app only
    assert post_form(b.signed_in(app, people.manager), f"/approvals/{request_id}/decline",
                     {"reason": "Next year"}, token_from="/approvals/").status_code == 303
    with app.app_context():
        assert inbox(people.learner) == [] and unread(people.learner) == 0  # by e-mail only
        [message] = mail_to(people.learner)
    assert message.subject == "Enrolment declined: Budgeting with AI"
    assert "Marat Manager declined your request to enrol in “Budgeting with AI”." in message.body.replace("\n", " ")
    assert "Reason: Next year" in message.body


def test_an_hr_officer_deciding_on_the_managers_behalf_is_named_to_the_learner(app, course, people):
    request_id = _request(app, people.learner)
    assert post_form(b.signed_in(app, people.hr), f"/approvals/{request_id}/approve", {},
                     token_from="/approvals/").status_code == 303
    with app.app_context():
        [decided] = inbox(people.learner)
        assert decided.params["decided_by"] == "Hanna HR" and decided.params["on_behalf"] is True
        [message] = mail_to(people.learner)
    assert "Hanna HR approved your request" in message.body.replace("\n", " ")
