"""The AI log's retention: the worker clears prompts and outputs older than AI_RETENTION_DAYS, hourly."""

from __future__ import annotations

from flask import current_app

from lms import tasks
from lms.ai.services import purge_expired
from lms.db import begin_write, utcnow
from lms.extensions import db


@tasks.periodic("purge-ai-log", tasks.crontab(minute="7"))
def purge_ai_log() -> None:
    """Clear the prompts and outputs of AI log entries past the retention period (the entries stay)."""
    begin_write(db.session)
    purge_expired(now=utcnow(), days=current_app.config["AI_RETENTION_DAYS"])
