"""The inbox and the notification settings through the pages: newest first, paginated, unread marked and counted in
the header, marked read one by one or all at once, opened (read, then the page it leads to); someone else's is not
found; preferences saved per kind, the mandatory one shown fixed and refused when forged; read ones purged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms import events
from lms.accounts.models import Role, User
from lms.courses.models import Course
from lms.db import utcnow
from lms.events import Notice
from lms.extensions import db
from lms.notifications.models import Channel, Notification, NotificationPreference
from lms.notifications.services import purge_read
from tests import factories
from tests.conftest import csrf_token, post_form
from tests.notifications.conftest import unread

AT = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def learner(app, course_key):
    """A learner (and a peer) with three notifications about the course: the newest is about the certificate."""
    with app.app_context():
        factories.user("me@example.kz", full_name="Me Learner")
        factories.user("peer@example.kz")
        _notify("me@example.kz", 3)
    return "me@example.kz"


def _notify(email: str, count: int, *, kind: str = "assigned", at: datetime = AT) -> None:
    user_id = db.session.scalar(select(User.id).where(User.email == email))
    course = db.session.scalar(select(Course))
    for n in range(count):
        events.publish(events.NOTICE, Notice(kind=kind, recipient_ids=(user_id,), at=at + timedelta(minutes=n),
                                             course_id=course.id, params={"due_at": "2027-03-31"},
                                             key=f"test:{kind}:{n}"))
    db.session.commit()


def _ids(email: str) -> list[int]:
    return list(db.session.scalars(select(Notification.id).join(User, User.id == Notification.recipient_id)
                                   .where(User.email == email).order_by(Notification.created_at.desc())))


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/notifications/settings"), **(data or {})})


def test_the_header_shows_the_unread_count_for_screen_readers_too(app, login_as, learner):
    html = login_as(learner).get("/my-learning").get_data(as_text=True)
    link = re.search(r'<a class="inbox-link" href="/notifications/"[^>]*>(.*?)</a>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", link) == "Notifications 3 (3 unread)"
    # On screen a bell and "3"; read aloud "Notifications (3 unread)".
    assert '<span aria-hidden="true">3</span>' in link and '<svg class="bell"' in link
    assert re.findall(r'<span class="visually-hidden">([^<]+)</span>', link) == ["Notifications", "(3 unread)"]


def test_the_header_shows_no_count_when_everything_is_read(app, login_as, learner):
    client = login_as(learner)
    _post(client, "/notifications/read-all")
    html = client.get("/my-learning").get_data(as_text=True)
    assert "unread)" not in html and 'href="/notifications/"' in html


def test_the_inbox_lists_newest_first_with_unread_marked(app, login_as, learner):
    with app.app_context():
        _notify(learner, 1, kind="certificate_issued", at=AT + timedelta(days=1))
    html = login_as(learner).get("/notifications/").get_data(as_text=True)
    titles = re.findall(r'class="link-button">([^<]+)</button></h2>', html)
    assert titles == ["Certificate issued: Test course"] + ["New mandatory course: Test course"] * 3
    assert html.count(">Unread</strong>") == 4
    # Whole seconds in the attribute (valid HTML); the moment shown in the platform's time zone (Almaty, UTC+5).
    assert '<time datetime="2027-01-11T09:00:00+00:00">Jan 11, 2027, 2:00' in html
    assert "4 notifications" in html


def test_the_inbox_is_paginated(app, login_as, learner):
    with app.app_context():
        _notify(learner, 22, kind="due_soon")
    client = login_as(learner)
    first = client.get("/notifications/").get_data(as_text=True)
    assert first.count('class="card inbox-item') == 20 and "Page 1 of 2" in first
    assert 'href="/notifications/?page=2"' in first and "?page=0" not in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert second.count('class="card inbox-item') == 5 and 'href="/notifications/?page=1"' in second
    assert client.get("/notifications/?page=99").get_data(as_text=True).count('class="card inbox-item') == 5


def test_marking_one_read_goes_back_and_lowers_the_count(app, login_as, learner):
    client = login_as(learner)
    with app.app_context():
        newest = _ids(learner)[0]
    response = _post(client, f"/notifications/{newest}/read", {"next": "/notifications/?page=1"})
    assert (response.status_code, response.headers["Location"]) == (303, "/notifications/?page=1")
    _post(client, f"/notifications/{newest}/read")  # again: nothing changes
    with app.app_context():
        assert unread(learner) == 2
        assert db.session.get(Notification, newest).read_at is not None
    assert client.get("/notifications/").get_data(as_text=True).count(">Unread</strong>") == 2


def test_mark_read_goes_back_only_to_this_site(app, login_as, learner):
    client = login_as(learner)
    with app.app_context():
        newest = _ids(learner)[0]
    response = _post(client, f"/notifications/{newest}/read", {"next": "//evil.example/"})
    assert response.headers["Location"] == "/notifications/"


def test_mark_all_read(app, login_as, learner):
    client = login_as(learner)
    response = _post(client, "/notifications/read-all")
    assert response.status_code == 303
    with app.app_context():
        assert unread(learner) == 0
        assert db.session.scalar(select(func.count()).select_from(Notification)
                                 .where(Notification.read_at.is_(None))) == 0
    assert "Mark all as read" not in client.get("/notifications/").get_data(as_text=True)


def test_opening_an_item_marks_it_read_and_goes_to_its_page(app, login_as, learner, course_key):
    client = login_as(learner)
    with app.app_context():
        newest = _ids(learner)[0]
    response = _post(client, f"/notifications/{newest}/open")
    assert (response.status_code, response.headers["Location"]) == (303, f"/courses/{course_key}")
    with app.app_context():
        assert db.session.get(Notification, newest).read_at is not None
        assert unread(learner) == 2


@pytest.mark.parametrize("action", ["read", "open"])
def test_someone_elses_notification_is_not_found(app, login_as, learner, action):
    with app.app_context():
        theirs = _ids(learner)[0]
    client = login_as("peer@example.kz")
    assert _post(client, f"/notifications/{theirs}/{action}").status_code == 404
    with app.app_context():
        assert unread(learner) == 3


def test_a_notice_sent_by_e_mail_only_is_not_in_the_inbox(app, login_as, learner):
    client = login_as(learner)
    _post(client, "/notifications/settings", dict.fromkeys(_choices(), "both") | {"certificate_issued": "email"})
    with app.app_context():
        _notify(learner, 1, kind="certificate_issued")
        [hidden] = db.session.scalars(select(Notification.id).where(Notification.is_in_app.is_(False)))
        assert unread(learner) == 3
    assert "Certificate issued" not in client.get("/notifications/").get_data(as_text=True)
    assert _post(client, f"/notifications/{hidden}/open").status_code == 404


def test_texts_are_escaped(app, login_as, learner):
    with app.app_context():
        me = db.session.scalar(select(User).where(User.email == learner))
        events.publish(events.NOTICE, Notice(kind="approval_decided", recipient_ids=(me.id,), at=AT,
                                             params={"decision": "declined", "reason": "<script>x()</script>"}))
        db.session.commit()
    html = login_as(learner).get("/notifications/").get_data(as_text=True)
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def _choices() -> list[str]:
    from lms.notifications.forms import PreferencesForm

    return PreferencesForm.all_kind_names()


def test_the_settings_page_shows_the_mandatory_kind_fixed_and_explained(app, login_as, learner):
    html = login_as(learner).get("/notifications/settings").get_data(as_text=True)
    assert "Overdue mandatory training is always shown in the app and sent by e-mail" in html
    locked = re.findall(r'<input type="radio" id="overdue-\d" name="overdue" value="(\w+)" disabled( checked)?>', html)
    assert [value for value, _ in locked] == ["both", "in_app", "email", "none"]
    assert [value for value, checked in locked if checked] == ["both"]
    assert 'aria-describedby="overdue-locked"' in html
    assert '<input checked id="assigned-0" name="assigned" required type="radio" value="both">' in html


def test_saving_the_settings_keeps_only_the_choices_that_differ_from_the_defaults(app, login_as, learner):
    client = login_as(learner)
    choices = dict.fromkeys(_choices(), "both") | {"due_soon": "in_app", "export_ready": "in_app"}
    response = _post(client, "/notifications/settings", choices)
    assert (response.status_code, response.headers["Location"]) == (303, "/notifications/settings")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Your notification settings have been saved." in page
    with app.app_context():
        rows = db.session.execute(select(NotificationPreference.kind, NotificationPreference.channel)).all()
        assert rows == [("due_soon", Channel.IN_APP)]  # export_ready's default is the app already


@pytest.mark.parametrize("forged", [{"overdue": "none"}, {"overdue": "email"}, {"overdue": "sms"}])
def test_a_forged_change_of_the_mandatory_kind_is_refused(app, login_as, learner, forged):
    client = login_as(learner)
    response = _post(client, "/notifications/settings", dict.fromkeys(_choices(), "both") | forged)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationPreference)) == 0


@pytest.mark.parametrize("data", [{}, {"assigned": "sms"}])
def test_an_incomplete_or_invalid_settings_form_is_refused(app, login_as, learner, data):
    client = login_as(learner)
    choices = {name: "both" for name in _choices() if name != "assigned"} | data
    assert _post(client, "/notifications/settings", choices).status_code == 400


def test_read_notifications_past_the_retention_period_are_purged(app, learner):
    with app.app_context():
        ids = _ids(learner)
        for notification_id, read_at in zip(ids, (AT + timedelta(days=1), AT + timedelta(days=80), None),
                                            strict=True):
            db.session.get(Notification, notification_id).read_at = read_at
        db.session.commit()
        assert purge_read(now=AT + timedelta(days=92), days=90) == 1
        db.session.commit()
        assert sorted(_ids(learner)) == sorted(ids[1:])


def test_the_retention_task_reads_the_setting(app, learner):
    with app.app_context():
        old, recent = _ids(learner)[:2]
        db.session.get(Notification, old).read_at = utcnow() - timedelta(days=91)
        db.session.get(Notification, recent).read_at = utcnow() - timedelta(days=89)
        db.session.commit()
    app.extensions["lms.tasks"]["purge-notifications"].call_local()  # NOTIFICATION_RETENTION_DAYS: 90
    with app.app_context():
        assert old not in _ids(learner) and recent in _ids(learner) and len(_ids(learner)) == 2


def test_the_settings_page_asks_each_person_only_about_the_kinds_that_concern_them(app, login_as, learner):
    with app.app_context():
        factories.user("hr-settings@example.kz", roles={Role.LEARNER, Role.HR}, agency=factories.agency("HRS"))
    mine = login_as(learner).get("/notifications/settings").get_data(as_text=True)
    assert 'name="assigned"' in mine
    assert 'name="export_ready"' not in mine and 'name="approval_requested"' not in mine
    officer = app.test_client()
    assert post_form(officer, "/login", {"email": "hr-settings@example.kz", "password": factories.PASSWORD}
                     ).status_code == 302
    officers = officer.get("/notifications/settings").get_data(as_text=True)
    assert 'name="export_ready"' in officers and 'name="approval_requested"' in officers


def test_the_error_summary_links_a_radio_group_to_its_first_option(app, login_as, learner):
    client = login_as(learner)
    choices = dict.fromkeys(_choices(), "both")
    del choices["assigned"]
    response = _post(client, "/notifications/settings", choices)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#assigned-0">' in html
    assert 'id="assigned-0"' in html
