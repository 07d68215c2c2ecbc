"""The outbox's delivery by the worker: pending e-mails (notifications, reminders) leave every five minutes."""

from __future__ import annotations

from flask import current_app

from lms import tasks
from lms.db import begin_write
from lms.extensions import db
from lms.mail.services import deliver_pending


@tasks.periodic("send-outbox", tasks.crontab(minute="*/5"))
def send_outbox() -> None:
    """Deliver up to 1,000 pending messages, oldest first (failed ones wait for `lms outbox send --retry-failed`)."""
    begin_write(db.session)
    deliver_pending(current_app.config, limit=1000)
