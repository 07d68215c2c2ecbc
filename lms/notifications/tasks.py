"""The inbox's retention: the worker deletes notifications read more than NOTIFICATION_RETENTION_DAYS ago, daily."""

from __future__ import annotations

from flask import current_app

from lms import tasks
from lms.db import begin_write, utcnow
from lms.extensions import db
from lms.notifications.services import purge_read


@tasks.periodic("purge-notifications", tasks.crontab(hour="3", minute="17"))
def purge_notifications() -> None:
    """Delete read notifications past the retention period (unread ones stay)."""
    begin_write(db.session)
    purge_read(now=utcnow(), days=current_app.config["NOTIFICATION_RETENTION_DAYS"])
