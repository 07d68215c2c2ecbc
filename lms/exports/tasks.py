"""The export tasks run by the worker: one per requested export, and the purge of expired files every 15 minutes."""

from __future__ import annotations

from flask import current_app

from lms import tasks
from lms.db import begin_write, utcnow
from lms.exports import jobs
from lms.exports.files import export_dir
from lms.extensions import db


@tasks.task("export")
def export(job_id: int) -> None:
    """Write the file of a queued export job (see jobs.run_export)."""
    jobs.run_export(job_id, export_dir=export_dir(current_app), hours=current_app.config["EXPORT_HOURS"],
                    now=utcnow)


@tasks.periodic("purge-exports", tasks.crontab(minute="*/15"))
def purge_exports() -> None:
    """Delete the files of expired exports."""
    begin_write(db.session)  # it reads the expired jobs, then clears their file names
    jobs.purge_expired(export_dir(current_app), now=utcnow())


def enqueue_export(job_id: int) -> None:
    """Hand an export job (committed already) to the worker."""
    tasks.enqueue("export", job_id)
