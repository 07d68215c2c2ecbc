"""The task queue (Huey): report exports run in a worker process, not in the web request; the worker also
refreshes the dashboard snapshot every 5 minutes and purges expired export files.

Storage follows the TASK_QUEUE setting: a SQLite file in instance/ by default (one machine, `make run` starts a
worker beside the web server), Redis when web servers and workers run on several machines, or "immediate" to run
tasks in the calling process (tests). Start a worker with `huey_consumer lms.worker.huey`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

from lms.db import begin_write, utcnow
from lms.extensions import db
from lms.reports import jobs, snapshots


def export_dir(app: Flask) -> Path:
    """Where finished export files are kept."""
    return Path(app.config["EXPORT_DIR"])


def _make_huey(app: Flask):
    setting = app.config["TASK_QUEUE"]
    if setting == "immediate":
        return MemoryHuey("lms", immediate=True)
    if setting.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("lms", url=setting)
    if setting == "sqlite":
        path = Path(app.instance_path) / "tasks.sqlite3"
    elif setting.startswith("sqlite:///"):
        path = Path(setting.removeprefix("sqlite:///"))
    else:
        raise ValueError(f"LMS_TASK_QUEUE must be sqlite, sqlite:///FILE, redis://... or immediate, not {setting!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("lms", filename=str(path))


def init_queue(app: Flask) -> None:
    """Create the queue for `app` and register its tasks."""
    huey = _make_huey(app)

    @huey.task(name="export")
    def export_task(job_id: int) -> None:
        with app.app_context():
            jobs.run_export(job_id, export_dir=export_dir(app), hours=app.config["EXPORT_HOURS"], now=utcnow)
            db.session.commit()

    @huey.periodic_task(crontab(minute="*/15"), name="purge-exports")
    def purge_task() -> None:
        with app.app_context():
            begin_write(db.session)  # it reads the expired jobs, then clears their file names
            jobs.purge_expired(export_dir(app), now=utcnow())
            db.session.commit()

    @huey.periodic_task(crontab(minute="*/5"), name="report-snapshot")
    def snapshot_task() -> None:
        with app.app_context():
            snapshots.refresh_snapshot(now=utcnow())
            db.session.commit()

    app.extensions["huey"] = huey
    app.extensions["lms.tasks"] = {"export": export_task, "purge": purge_task, "snapshot": snapshot_task}


def enqueue_export(job_id: int) -> None:
    """Hand an export job (committed already) to the worker."""
    current_app.extensions["lms.tasks"]["export"](job_id)
