"""The xAPI task run by the worker: deliver the statement outbox to the LRS, every minute."""

from __future__ import annotations

import logging

from flask import current_app

from lms import tasks
from lms.xapi.sending import deliver_pending

log = logging.getLogger("lms.xapi")


@tasks.periodic("xapi-send", tasks.crontab(minute="*"))
def send_statements() -> None:
    """Send the due statements (nothing when xAPI is off); failures wait for their backoff."""
    if not current_app.config["XAPI_ENABLED"]:
        return
    result = deliver_pending(current_app.config)
    if result.failed or result.rejected:
        log.warning("xAPI: %d sent, %d rejected, %d waiting for a retry: %s", result.sent, result.rejected,
                    result.failed, result.last_error)
