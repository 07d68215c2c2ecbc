"""Domain events: a lower layer announces what happened, higher layers subscribe (no import upwards).

A learning service appends to the activity record and publishes the new rows as "activities"; the xAPI package
(lms.xapi.outbox), which sits above every domain it reads, subscribes and writes its statements in the same
transaction. Handlers run in the publisher's transaction and may only flush. Subscriptions are made when a module
is imported (create_app imports the subscribers), as tasks are registered in lms.tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ACTIVITIES", "NOTICE", "Notice", "publish", "subscribe", "subscribers"]

#: Published with a list of new, possibly unflushed lms.learning.models.Activity rows.
ACTIVITIES = "activities"

#: Published with a Notice: something people should be told about (lms.notifications delivers it, in the app and/or
#: by e-mail, as each recipient's preferences say).
NOTICE = "notice"


@dataclass(frozen=True)
class Notice:
    """Something to tell some people, published by the domain that knows it happened.

    `kind` names the event (lms.notifications lists the kinds it knows, e.g. "assigned", "due_soon", "overdue",
    "approval_requested", "approval_decided", "approval_expired", "certificate_issued", "certificate_expiring",
    "programme_certificate_issued", "programme_certificate_expiring", "export_ready"). The text is written by
    lms.notifications from `kind` and `params` in each recipient's language when it is shown, so `params` holds only
    plain JSON values (ids, ISO dates, short strings such as a reason).
    `key` makes a notice idempotent: the same (kind, recipient, key) is delivered once (e.g. "assignment:7:due:30").
    `mandatory` marks a notice the recipient may not switch off (overdue mandatory training).
    """

    kind: str
    recipient_ids: tuple[int, ...]
    at: datetime
    params: Mapping[str, object] = field(default_factory=dict)
    course_id: int | None = None
    subject_user_id: int | None = None  # the person the notice is about, when not the recipient (a manager's report)
    key: str | None = None
    mandatory: bool = False

_SUBSCRIBERS: dict[str, list[Callable[..., None]]] = {}


def subscribe(name: str):
    """Register the decorated function to be called with the payload of every `name` event (once per function)."""
    def decorator(func):
        handlers = _SUBSCRIBERS.setdefault(name, [])
        if func not in handlers:
            handlers.append(func)
        return func
    return decorator


def publish(name: str, payload) -> None:
    """Call every subscriber of `name` with `payload`, in the caller's transaction (they flush at most)."""
    for handler in _SUBSCRIBERS.get(name, ()):
        handler(payload)


def subscribers(name: str) -> list[Callable[..., None]]:
    """The handlers subscribed to `name` (a copy)."""
    return list(_SUBSCRIBERS.get(name, ()))
