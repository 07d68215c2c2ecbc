"""In debug mode, edited course files show up on the next page load (no restart, no manual sync)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from lms.courses.services import SyncReport

log = logging.getLogger("lms.courses")


def _signature(root: Path) -> tuple:
    stats = [(p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()]
    return tuple(sorted(stats))


def install_autosync(app: Flask, *, sync: Callable[..., SyncReport]) -> None:
    """Before each request (at most once a second), re-sync the course files if any of them changed.

    `sync` is lms.learning.services.sync_content (given by the app factory: this package sits below learning),
    which also recounts the lessons done of enrolments when a lesson is retired or restored.
    """
    from lms.courses.loader import load_courses
    from lms.courses.services import TooManyRetirements
    from lms.db import begin_write, utcnow
    from lms.extensions import db

    state = {"signature": None, "checked": 0.0}

    @app.before_request
    def _sync_changed_content():
        now = time.monotonic()
        if now - state["checked"] < 1.0:
            return
        state["checked"] = now
        root = Path(app.config["COURSES_DIR"])
        signature = _signature(root)
        if signature == state["signature"]:
            return
        state["signature"] = signature
        try:
            _resync(root)
        except Exception:  # a development convenience must never take the page down
            db.session.rollback()
            log.exception("re-syncing the course files failed")

    def _resync(root: Path) -> None:
        result = load_courses(root)
        for problem in result.problems:
            log.warning("%s", problem)
        if result.errors:
            log.warning("course files have errors; the previous version stays live")
            return
        begin_write(db.session)
        try:
            report = sync(result.courses, root=root.resolve(), now=utcnow(), programmes=result.programmes,
                          max_retire_share=app.config["SYNC_MAX_RETIRE_SHARE"],
                          package_dir=Path(app.config["SCORM_DIR"]), framework=result.framework)
        except TooManyRetirements as exc:  # never --allow-retire here: a half-saved checkout must not retire all
            db.session.rollback()
            log.warning("course files not re-synced, the previous version stays live: %s; run `lms courses sync "
                        "--allow-retire` if they were really removed", exc)
            return
        db.session.commit()
        for rename in report.renames:
            log.warning("%s", rename.message())
        if report.has_changes:
            log.info("courses re-synced: %s", ", ".join(report.added + report.changed + report.retired))
