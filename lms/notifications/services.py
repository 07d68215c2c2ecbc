"""The inbox: a person's notifications newest first, marking them read (one or all), and purging old read ones.

Every change of a notification's read state moves the recipient's unread counter (users.unread_notifications) by
the number of rows it changed, in the same transaction, so that the header's count stays right without counting.
Request-free; flush only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import aliased

from lms.accounts import policy
from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.notifications import kinds
from lms.notifications.kinds import Facts, Link
from lms.notifications.models import Notification

PAGE_SIZE = 20


@dataclass(frozen=True)
class Item:
    """One notification as the inbox shows it: the text is written when shown, in the reader's language."""

    id: int
    kind: str
    facts: Facts
    created_at: datetime
    read_at: datetime | None

    @property
    def is_unread(self) -> bool:
        """Not read yet."""
        return self.read_at is None

    def title(self) -> str:
        """The title in the current language ("" for a kind no longer registered)."""
        kind = kinds.get(self.kind)
        return kind.title(self.facts) if kind else ""

    def body(self) -> list[str]:
        """The text's paragraphs in the current language."""
        kind = kinds.get(self.kind)
        return kind.body(self.facts) if kind else []


@dataclass(frozen=True)
class Page:
    """One page of the inbox."""

    items: list[Item]
    number: int
    pages: int
    total: int

    @property
    def has_next(self) -> bool:
        """Older notifications follow."""
        return self.number < self.pages

    @property
    def has_prev(self) -> bool:
        """Newer notifications come before."""
        return self.number > 1


def _listed(user: User):
    return Notification.recipient_id == user.id, Notification.is_in_app.is_(True)


def list_page(user: User, *, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """The page `page` (from 1; past the end: the last) of `user`'s inbox, newest first, with the course and the
    person each notification names. Two statements, whatever the number of notifications."""
    total = db.session.scalar(select(func.count()).select_from(Notification).where(*_listed(user)))
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, page), pages)
    subject = aliased(User)
    rows = db.session.execute(
        select(Notification.id, Notification.kind, Notification.params, Notification.created_at,
               Notification.read_at, Course.key, Course.title, subject.full_name)
        .outerjoin(Course, Course.id == Notification.course_id)
        .outerjoin(subject, subject.id == Notification.subject_user_id)
        .where(*_listed(user))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((number - 1) * per_page)).all()
    items = [Item(id=row[0], kind=row[1], created_at=row[3], read_at=row[4],
                  facts=Facts(params=row[2] or {}, course_key=row[5], course_titles=row[6] or {},
                              subject_name=row[7] or ""))
             for row in rows]
    return Page(items=items, number=number, pages=pages, total=total)


def get_for(user: User, notification_id: int) -> Notification | None:
    """The notification with this id if it is in `user`'s inbox, else None (someone else's is not found)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not notification.is_in_app or not policy.can_view_notification(user, notification):
        return None
    return notification


def _take_from_counter(user_id: int, count: int) -> None:
    if count:
        remaining = User.unread_notifications - count
        db.session.execute(update(User).where(User.id == user_id).values(
            unread_notifications=case((remaining > 0, remaining), else_=0), updated_at=User.updated_at),
            execution_options={"synchronize_session": False})
        user = db.session.identity_map.get(db.session.identity_key(User, user_id))
        if user is not None:
            db.session.expire(user, ["unread_notifications"])


def mark_read(user: User, notification: Notification, *, now: datetime) -> bool:
    """Mark one of `user`'s notifications read; True when it was unread. Flush only."""
    changed = db.session.scalars(update(Notification).where(
        Notification.id == notification.id, Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now).returning(Notification.id), execution_options={"synchronize_session": False}).all()
    db.session.expire(notification, ["read_at"])
    _take_from_counter(user.id, len(changed))
    return bool(changed)


def mark_all_read(user: User, *, now: datetime) -> int:
    """Mark every unread notification of `user` read; return how many. Flush only."""
    changed = db.session.scalars(update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now).returning(Notification.id), execution_options={"synchronize_session": False}).all()
    _take_from_counter(user.id, len(changed))
    return len(changed)


def open_link(user: User, notification: Notification, *, now: datetime,
              endpoints: Mapping[str, object]) -> Link | None:
    """Mark the notification read and return the page it leads to (None: it leads nowhere). Flush only."""
    mark_read(user, notification, now=now)
    kind = kinds.get(notification.kind)
    if kind is None:
        return None
    course = db.session.get(Course, notification.course_id) if notification.course_id is not None else None
    facts = Facts(params=notification.params or {}, course_key=course.key if course else None)
    return kinds.resolve_link(kind, facts, endpoints)


def purge_read(*, now: datetime, days: int) -> int:
    """Delete notifications read more than `days` days before `now` (unread ones stay); return how many."""
    result = db.session.execute(delete(Notification).where(Notification.read_at < now - timedelta(days=days)))
    return result.rowcount or 0
