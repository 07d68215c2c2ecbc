"""The certificates' periodic task: holders are told, once, when a certificate expires within 30 days (daily)."""

from __future__ import annotations

from lms import tasks
from lms.certificates.expiry import notify_expiring
from lms.db import begin_write, utcnow
from lms.extensions import db


@tasks.periodic("certificate-expiry-notices", tasks.crontab(hour="6", minute="5"))
def certificate_expiry_notices() -> None:
    """Publish a "certificate_expiring" notice for each certificate that expires within 30 days (once each)."""
    begin_write(db.session)
    notify_expiring(now=utcnow())
