"""The reports' task run by the worker: the whole country's dashboard snapshot, every 5 minutes."""

from __future__ import annotations

from lms import tasks
from lms.db import utcnow
from lms.reports import snapshots


@tasks.periodic("report-snapshot", tasks.crontab(minute="*/5"))
def snapshot() -> None:
    """Count the whole country for the dashboards (see snapshots.refresh_snapshot)."""
    snapshots.refresh_snapshot(now=utcnow())
