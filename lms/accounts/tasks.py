"""The accounts' task run by the worker: directory sync, every hour, when [directory] is configured."""

from __future__ import annotations

import logging

from flask import current_app

from lms import tasks
from lms.db import utcnow

log = logging.getLogger("lms")


@tasks.periodic("directory-sync", tasks.crontab(minute="7"))
def directory_sync() -> None:
    """Run `lms directory sync` (never forced: a refused run waits for an operator, its audit entry says why)."""
    from lms.accounts.directory import DirectoryUnavailable, sync_directory

    settings = current_app.config["DIRECTORY"]
    if settings is None or not settings.periodic:
        return
    try:
        report = sync_directory(settings, now=utcnow())
    except DirectoryUnavailable as exc:
        log.error("directory sync: %s", exc)
        return
    if report.refused is not None:
        log.error("directory sync: %s", report.refused)
    else:
        log.info("directory sync: %s", report.counts())
