"""Enrolment requests past their expiry are marked expired by the worker, hourly."""

from __future__ import annotations

from lms import tasks
from lms.approvals.services import expire_requests
from lms.db import begin_write, utcnow
from lms.extensions import db


@tasks.periodic("expire-approval-requests", tasks.crontab(minute="23"))
def expire_approval_requests() -> None:
    """Mark pending enrolment requests past their expiry as expired (audited; the learners are told)."""
    begin_write(db.session)
    expire_requests(now=utcnow())
