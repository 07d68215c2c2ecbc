"""Delivering the outbox: batch after batch, each read, posted and recorded in its own short transaction.

Run by the worker's periodic task (lms.xapi.tasks) and by `lms xapi send`, never in a web request. The network
call happens between transactions, so a slow or absent LRS holds no database lock. Like a command, this loop owns
its commits: one per batch, so that what was delivered stays recorded if a later batch fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms.db import begin_write, utcnow
from lms.extensions import db
from lms.xapi import delivery, outbox


@dataclass(frozen=True)
class Delivery:
    """What one run delivered."""

    sent: int = 0
    rejected: int = 0
    #: Statements that failed and wait for a retry.
    failed: int = 0
    last_error: str = ""


def deliver_pending(config: Mapping[str, Any], *, clock: Callable[[], datetime] = utcnow,
                    max_batches: int = 100, poster=delivery.post) -> Delivery:
    """Send due statements in batches of XAPI_BATCH_SIZE, oldest event first, until none is due, a delivery
    fails (the rest wait for the backoff) or `max_batches` were sent. Commits once per batch."""
    lrs = delivery.Lrs.from_config(config)
    sent = rejected = failed = 0
    last_error = ""
    for _ in range(max_batches):
        items = outbox.list_due(now=clock(), limit=config["XAPI_BATCH_SIZE"])
        db.session.rollback()  # end the read before the network call: no transaction stays open meanwhile
        if not items:
            break
        outcomes = delivery.send_batch(lrs, items, poster)
        begin_write(db.session)
        outbox.record_outcomes(outcomes, now=clock(), retry_seconds=config["XAPI_RETRY_SECONDS"],
                               retry_max_seconds=config["XAPI_RETRY_MAX_SECONDS"])
        db.session.commit()
        kinds = [kind for kind, _ in outcomes.values()]
        sent += kinds.count(delivery.SENT)
        rejected += kinds.count(delivery.REJECTED)
        failed += kinds.count(delivery.RETRY)
        errors = [error for kind, error in outcomes.values() if kind != delivery.SENT]
        last_error = errors[-1] if errors else last_error
        if delivery.RETRY in kinds:
            break
    return Delivery(sent, rejected, failed, last_error)
