"""Each person's channel per kind of notice: the kind's default unless they chose another. Request-free; flush only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, select

from lms.accounts.models import User
from lms.audit.services import audit
from lms.errors import DomainError
from lms.extensions import db
from lms.notifications.kinds import KINDS, Kind
from lms.notifications.models import Channel, NotificationPreference


class LockedKind(DomainError):
    """A change to a kind that cannot be switched off (overdue mandatory training) was asked for."""

    def __init__(self, kind: str):
        super().__init__(f"notices of kind {kind!r} are always delivered in the app and by e-mail")
        self.kind = kind


def channels_for(user_ids: Iterable[int], kind: Kind) -> dict[int, Channel]:
    """The channel of `kind` for each of these people (their choice, else the kind's default). One statement."""
    ids = list(user_ids)
    chosen = dict(db.session.execute(select(NotificationPreference.user_id, NotificationPreference.channel).where(
        NotificationPreference.kind == kind.name, NotificationPreference.user_id.in_(ids))).all()) if ids else {}
    return {user_id: Channel.BOTH if kind.locked else Channel(chosen.get(user_id, kind.default))
            for user_id in ids}


def get_preferences(user: User) -> dict[str, Channel]:
    """Every kind's channel for `user`, in the registry's order. One statement."""
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {name: Channel.BOTH if kind.locked else Channel(chosen.get(name, kind.default))
            for name, kind in KINDS.items()}


def set_preferences(user: User, choices: Mapping[str, Channel], *, now: datetime, ip: str = "") -> list[str]:
    """Set `user`'s channel for each kind in `choices` (a choice equal to the default removes their own, so that
    a later change of the default reaches them); audit what changed (so that "I was never told" can be checked);
    return the kinds that changed. Flush only.

    Raises LockedKind when a locked kind is asked for anything but both channels, KeyError for an unknown kind.
    """
    current = get_preferences(user)
    changed = []
    for name, channel in choices.items():
        kind = KINDS[name]
        channel = Channel(channel)
        if kind.locked:
            if channel != Channel.BOTH:
                raise LockedKind(name)
            continue
        if channel == current[name]:
            continue
        changed.append(name)
        db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id,
                                                                NotificationPreference.kind == name))
        if channel != kind.default:
            db.session.add(NotificationPreference(user_id=user.id, kind=name, channel=channel.value,
                                                  updated_at=now))
    if changed:
        audit("notifications.preferences_changed", actor=user, now=now, ip=ip, object_type="user",
              object_id=user.id, before={name: current[name].value for name in changed},
              after={name: Channel(choices[name]).value for name in changed})
    db.session.flush()
    return changed
