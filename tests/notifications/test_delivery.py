"""Delivering lms.events.Notice: inbox row and/or e-mail per preference, mandatory notices, idempotency by key,
active recipients only, in the publisher's transaction, e-mails in the recipient's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from lms import events
from lms.accounts.models import User
from lms.courses.models import Course
from lms.events import Notice
from lms.extensions import db
from lms.notifications import delivery
from lms.notifications.models import Channel, Notification
from lms.notifications.preferences import set_preferences
from lms.notifications.services import list_page
from tests import factories
from tests.notifications.conftest import inbox, mail_to, unread

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DUE = "2027-03-31T18:59:59+00:00"


@pytest.fixture
def people(app, ctx, course_key):
    """Two learners (Kazakh and English readers) and the synced course."""
    factories.user("kk@example.kz", full_name="Айгерім Сәрсенова", locale="kk")
    factories.user("en@example.kz", full_name="Anna Smith", locale="en")
    return db.session.scalar(select(Course))


def _ids(*emails: str) -> tuple[int, ...]:
    return tuple(db.session.scalars(select(User.id).where(User.email.in_(emails))))


def _publish(course: Course, *emails: str, kind: str = "assigned", key: str | None = "assignment:1:assigned",
             mandatory: bool = False) -> None:
    events.publish(events.NOTICE, Notice(kind=kind, recipient_ids=_ids(*emails), at=NOW, course_id=course.id,
                                         params={"due_at": DUE, "days": 7}, key=key, mandatory=mandatory))
    db.session.commit()


def test_a_notice_is_listed_in_the_inbox_and_e_mailed_by_default(people):
    _publish(people, "en@example.kz")
    [notification] = inbox("en@example.kz")
    assert (notification.kind, notification.read_at, notification.created_at) == ("assigned", None, NOW)
    assert unread("en@example.kz") == 1
    [message] = mail_to("en@example.kz")
    assert message.subject == "New mandatory course: Test course"
    assert message.body.startswith("Hello, Anna Smith.\n\n")
    assert "is now mandatory for you. Please complete it by Mar 31, 2027." in message.body


def test_the_e_mail_is_in_the_recipients_language_and_links_to_the_public_address(app, people):
    _publish(people, "kk@example.kz")
    [message] = mail_to("kk@example.kz")
    assert "Сәлеметсіз бе" in message.body
    assert f"{app.config['BASE_URL']}/courses/{people.key}" in message.body
    assert f"{app.config['BASE_URL']}/notifications/settings" in message.body


def test_the_inbox_text_follows_the_readers_language(people):
    _publish(people, "kk@example.kz")
    user = db.session.scalar(select(User).where(User.email == "kk@example.kz"))
    [item] = list_page(user).items
    with force_locale("en"):
        english = item.title()
    with force_locale("ru"):
        russian = item.title()
    assert english == "New mandatory course: Test course"
    assert russian == "Новый обязательный курс: Тестовый курс"


def test_the_same_key_is_delivered_once(people):
    _publish(people, "en@example.kz")
    _publish(people, "en@example.kz")
    assert len(inbox("en@example.kz")) == 1
    assert len(mail_to("en@example.kz")) == 1
    assert unread("en@example.kz") == 1


def test_notices_without_a_key_are_each_delivered(people):
    _publish(people, "en@example.kz", key=None)
    _publish(people, "en@example.kz", key=None)
    assert len(inbox("en@example.kz")) == 2
    assert unread("en@example.kz") == 2


@pytest.mark.parametrize(("channel", "listed", "mailed"), [(Channel.IN_APP, 1, 0), (Channel.EMAIL, 0, 1),
                                                          (Channel.NONE, 0, 0), (Channel.BOTH, 1, 1)])
def test_the_preference_decides_the_channels(people, channel, listed, mailed):
    user = db.session.scalar(select(User).where(User.email == "en@example.kz"))
    set_preferences(user, {"assigned": channel}, now=NOW)
    db.session.commit()
    _publish(people, "en@example.kz")
    assert len(inbox("en@example.kz")) == listed
    assert unread("en@example.kz") == listed
    assert len(mail_to("en@example.kz")) == mailed


def test_a_notice_switched_off_is_still_delivered_once_the_preference_changes_only_for_new_keys(people):
    user = db.session.scalar(select(User).where(User.email == "en@example.kz"))
    set_preferences(user, {"assigned": Channel.NONE}, now=NOW)
    db.session.commit()
    _publish(people, "en@example.kz")
    set_preferences(user, {"assigned": Channel.BOTH}, now=NOW)
    db.session.commit()
    _publish(people, "en@example.kz")  # the same key: it was delivered (to nowhere) already
    _publish(people, "en@example.kz", key="assignment:2:assigned")
    assert len(inbox("en@example.kz")) == 1
    assert len(mail_to("en@example.kz")) == 1


def test_a_mandatory_notice_ignores_the_preference(people):
    user = db.session.scalar(select(User).where(User.email == "en@example.kz"))
    set_preferences(user, {"due_soon": Channel.NONE}, now=NOW)
    db.session.commit()
    _publish(people, "en@example.kz", kind="due_soon", mandatory=True)
    assert len(inbox("en@example.kz")) == 1
    assert len(mail_to("en@example.kz")) == 1


def test_deactivated_recipients_get_nothing(people):
    user = db.session.scalar(select(User).where(User.email == "en@example.kz"))
    user.is_active = False
    db.session.commit()
    _publish(people, "en@example.kz", "kk@example.kz")
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_id == user.id)) == 0
    assert mail_to("en@example.kz") == []
    assert len(inbox("kk@example.kz")) == 1


def test_a_rolled_back_publisher_tells_nobody(people):
    events.publish(events.NOTICE, Notice(kind="assigned", recipient_ids=_ids("en@example.kz"), at=NOW,
                                         course_id=people.id, params={"due_at": DUE}, key="k"))
    db.session.rollback()
    assert inbox("en@example.kz") == [] and mail_to("en@example.kz") == []
    assert unread("en@example.kz") == 0


def test_a_notice_of_an_unknown_kind_is_not_delivered(people, caplog):
    _publish(people, "en@example.kz", kind="no_such_kind")
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert mail_to("en@example.kz") == []
    assert "no_such_kind" in caplog.text


def test_many_recipients_are_delivered_in_chunks(people, monkeypatch):
    monkeypatch.setattr(delivery, "CHUNK", 2)
    for n in range(3):
        factories.user(f"more{n}@example.kz")
    emails = ["en@example.kz", "kk@example.kz", "more0@example.kz", "more1@example.kz", "more2@example.kz"]
    _publish(people, *emails)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 5
    assert all(unread(email) == 1 for email in emails)
    assert all(len(mail_to(email)) == 1 for email in emails)


def test_a_recipient_loaded_in_the_session_sees_the_new_count(people):
    user = db.session.scalar(select(User).where(User.email == "en@example.kz"))
    assert user.unread_notifications == 0
    events.publish(events.NOTICE, Notice(kind="assigned", recipient_ids=(user.id,), at=NOW, course_id=people.id,
                                         params={"due_at": DUE}, key="k"))
    assert user.unread_notifications == 1


def test_the_worker_sends_the_queued_e_mails(app, people):
    _publish(people, "en@example.kz")
    db.session.rollback()  # end this session's read, so that it sees what the task commits
    app.extensions["lms.tasks"]["send-outbox"].call_local()
    db.session.rollback()
    [message] = mail_to("en@example.kz")
    assert (message.status, message.attempts) == ("sent", 1)
