"""Delivery of lms.events.Notice: the inbox row and/or the e-mail of each recipient, in the publisher's transaction.

Subscribed to lms.events.NOTICE, so that a notice is delivered exactly when what it tells of is committed (a rolled
back assignment tells nobody). For each active recipient a Notification row is written, whatever the channel, so
that (recipient, kind, key) decides once whether the notice was delivered; the e-mail goes to the outbox only for a
row written now. Request-free (links are built on the public address); flush only.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from lms import events
from lms.accounts.models import User
from lms.courses.models import Course
from lms.events import Notice
from lms.extensions import db
from lms.links import public_url
from lms.mail.services import queue_emails
from lms.notifications import kinds
from lms.notifications.kinds import Facts, Kind
from lms.notifications.models import Channel, Notification
from lms.notifications.preferences import channels_for

log = logging.getLogger(__name__)

#: Recipients handled per statement (an assignment to a whole ministry tells thousands at once).
CHUNK = 500


@events.subscribe(events.NOTICE)
def on_notice(notice: Notice) -> None:
    """Deliver a published notice (lms.events subscriber)."""
    deliver(notice, default_locale=current_app.config["DEFAULT_LOCALE"])


def facts_for(notice: Notice) -> Facts:
    """The facts a notice's text names: its params, its course and the person it is about."""
    course = db.session.get(Course, notice.course_id) if notice.course_id is not None else None
    subject = db.session.get(User, notice.subject_user_id) if notice.subject_user_id is not None else None
    return Facts(params=dict(notice.params), course_key=course.key if course else None,
                 course_titles=dict(course.title) if course else {},
                 subject_name=subject.full_name if subject else "")


def deliver(notice: Notice, *, default_locale: str) -> int:
    """Deliver `notice` to each active recipient as their preference for its kind says (in the app and by e-mail
    whatever it says when the notice is mandatory); a (recipient, kind, key) delivered before is left alone.
    Returns how many recipients it was delivered to now. A fixed number of statements per 500 recipients."""
    kind = kinds.get(notice.kind)
    if kind is None:
        log.warning("notice of unknown kind %r not delivered", notice.kind)
        return 0
    ids = sorted(set(notice.recipient_ids))
    if not ids:
        return 0
    facts = facts_for(notice)
    delivered = 0
    for start in range(0, len(ids), CHUNK):
        delivered += _deliver_chunk(notice, kind, facts, ids[start:start + CHUNK], default_locale)
    return delivered


def _deliver_chunk(notice: Notice, kind: Kind, facts: Facts, ids: Sequence[int], default_locale: str) -> int:
    people = db.session.execute(select(User.id, User.email, User.full_name, User.locale)
                                .where(User.id.in_(ids), User.is_active.is_(True))).all()
    if not people:
        return 0
    channels = ({person.id: Channel.BOTH for person in people} if notice.mandatory
                else channels_for([person.id for person in people], kind))
    rows = [{"recipient_id": person.id, "kind": notice.kind, "params": dict(notice.params),
             "course_id": notice.course_id, "subject_user_id": notice.subject_user_id, "key": notice.key,
             "is_in_app": channels[person.id].in_app, "created_at": notice.at,
             # Not listed in the inbox: born read, so it is never counted and goes with the retention period.
             "read_at": None if channels[person.id].in_app else notice.at} for person in people]
    written = set(db.session.scalars(_insert_new(rows).returning(Notification.recipient_id)).all())
    listed = [person.id for person in people if person.id in written and channels[person.id].in_app]
    if listed:
        db.session.execute(update(User).where(User.id.in_(listed))
                           .values(unread_notifications=User.unread_notifications + 1,
                                   updated_at=User.updated_at),  # a notice is no change to the account
                           execution_options={"synchronize_session": False})
        for user in db.session.identity_map.values():  # a recipient loaded in this session reads the new count
            if isinstance(user, User) and user.id in listed:
                db.session.expire(user, ["unread_notifications"])
    mailed = [person for person in people if person.id in written and channels[person.id].email]
    if mailed:
        queue_emails(_emails(kind, facts, mailed, default_locale=default_locale))
    return len(written)


def _insert_new(rows: list[dict]):
    """INSERT the rows, leaving out those whose (recipient, kind, key) is delivered already."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Notification).values(rows).on_conflict_do_nothing(index_elements=["recipient_id", "kind", "key"])


def _emails(kind: Kind, facts: Facts, people, *, default_locale: str) -> list[tuple[str, str, str]]:
    """(address, subject, body) for each person, in their language: the inbox's title and text, then the link."""
    by_locale = defaultdict(list)
    for person in people:
        by_locale[person.locale or default_locale].append(person)
    endpoints = current_app.view_functions
    messages = []
    for locale, group in by_locale.items():
        with force_locale(locale):
            subject, paragraphs = kind.title(facts), kind.body(facts)
            link = kinds.resolve_link(kind, facts, endpoints)
            url = public_url(link[0], **link[1]) if link else None
            settings = None if kind.locked else public_url("notifications.settings")
            for person in group:
                messages.append((person.email, subject, render_template(
                    "mail/notification.txt", name=person.full_name, paragraphs=paragraphs, url=url,
                    settings=settings)))
    return messages
