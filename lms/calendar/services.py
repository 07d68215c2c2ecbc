"""Feed addresses: made, rotated and revoked by their owner (each audited), shown once, stored as a SHA-256 hash, and
found again from the secret in a requested address. Request-free; flush only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from lms.accounts.models import User
from lms.audit.services import audit
from lms.calendar.models import CalendarFeed
from lms.errors import DomainError
from lms.extensions import db

#: Bytes of randomness in a feed secret: 192 bits, written as 32 URL-safe characters.
SECRET_BYTES = 24
#: What a secret looks like; anything else is not looked up at all.
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")


class FeedExists(DomainError):
    """The person has a feed address already (rotate it to get a new one)."""


class NoFeed(DomainError):
    """The person has no feed address to rotate or revoke."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def get_feed(user: User) -> CalendarFeed | None:
    """The person's live feed (without its secret, which is not kept), or None."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(user: User, *, now: datetime, ip: str = "") -> tuple[CalendarFeed, str]:
    """Make the person's feed address; return the row and the secret, which cannot be shown again. Audited as
    `calendar_feed.created`; flush only.

    Raises FeedExists when the person has one already.
    """
    if get_feed(user) is not None:
        raise FeedExists()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed = CalendarFeed(user_id=user.id, token_hash=_digest(secret), issued_at=now)
    db.session.add(feed)
    db.session.flush()
    audit("calendar_feed.created", actor=user, now=now, ip=ip, object_type="calendar_feed", object_id=feed.id)
    return feed, secret


def rotate_feed(user: User, *, now: datetime, ip: str = "") -> tuple[CalendarFeed, str]:
    """Give the person's feed a new secret (the old address stops working at once); return the row and the new
    secret. Audited as `calendar_feed.rotated`; flush only.

    Raises NoFeed when the person has none.
    """
    feed = get_feed(user)
    if feed is None:
        raise NoFeed()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed.token_hash, feed.issued_at = _digest(secret), now
    db.session.flush()
    audit("calendar_feed.rotated", actor=user, now=now, ip=ip, object_type="calendar_feed", object_id=feed.id)
    return feed, secret


def revoke_feed(user: User, *, now: datetime, ip: str = "") -> None:
    """Delete the person's feed address (it answers 404 from now on). Audited as `calendar_feed.revoked`; flush only.

    Raises NoFeed when the person has none.
    """
    feed = get_feed(user)
    if feed is None:
        raise NoFeed()
    audit("calendar_feed.revoked", actor=user, now=now, ip=ip, object_type="calendar_feed", object_id=feed.id)
    db.session.delete(feed)
    db.session.flush()


def find_owner(secret: str) -> User | None:
    """The active owner of the feed whose address carries `secret`, or None (unknown, revoked or rotated away, or an
    owner who was deactivated). One statement; none for a string that cannot be a secret.

    The row is found by the hash of the secret: the time a lookup takes depends on the hash, which a guesser cannot
    steer towards a stored one, never on how much of a real secret a guess shares. compare_digest then confirms the
    match without an early exit.
    """
    if not _SECRET_SHAPE.fullmatch(secret):
        return None
    digest = _digest(secret)
    # Roles load only if asked for (a feed needs none), and so does the agency (the feed names none).
    row = db.session.execute(select(CalendarFeed.token_hash, User).join(User, User.id == CalendarFeed.user_id)
                             .where(CalendarFeed.token_hash == digest)
                             .options(lazyload(User.role_rows), lazyload(User.agency))).first()
    if row is None or not hmac.compare_digest(row[0], digest) or not row[1].is_active:
        return None
    return row[1]


def limit_key(secret: str) -> str:
    """A rate-limit key for one feed address that does not hold the secret itself (the limiter's store may be a
    shared Redis)."""
    return "calendar-feed:" + _digest(secret)[:32]
