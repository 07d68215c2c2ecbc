"""Fixtures for the notification tests: the learning tests' synced course, and helpers to read what was delivered."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.notifications.models import Notification
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used by the ones below
from tests.learning.conftest import course_key, quiz_course_key, test_request  # noqa: F401 - fixtures for the tests


def inbox(email: str) -> list[Notification]:
    """The notifications listed in this person's inbox, oldest first."""
    return list(db.session.scalars(select(Notification).join(User, User.id == Notification.recipient_id)
                                   .where(User.email == email, Notification.is_in_app.is_(True))
                                   .order_by(Notification.id)))


def mail_to(email: str) -> list[OutboxMessage]:
    """The e-mails queued for this address, oldest first."""
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                   .order_by(OutboxMessage.id)))


def unread(email: str) -> int:
    """The person's unread counter, as the header shows it."""
    db.session.expire_all()
    return db.session.scalar(select(User.unread_notifications).where(User.email == email))
