"""Domain events: a lower layer announces what happened, higher layers subscribe (no import upwards).

A learning service appends to the activity record and publishes the new rows as "activities"; the xAPI package
(lms.xapi.outbox), which sits above every domain it reads, subscribes and writes its statements in the same
transaction. Handlers run in the publisher's transaction and may only flush. Subscriptions are made when a module
is imported (create_app imports the subscribers), as tasks are registered in lms.tasks.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ACTIVITIES", "publish", "subscribe", "subscribers"]

#: Published with a list of new, possibly unflushed lms.learning.models.Activity rows.
ACTIVITIES = "activities"

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
