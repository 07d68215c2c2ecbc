"""The task registry (lms/tasks.py): each domain registers its tasks; every app's queue gets all of them."""

from __future__ import annotations

import pytest
from huey.api import PeriodicTask
from sqlalchemy import select

from lms import tasks
from lms.agencies.models import Agency
from lms.extensions import db


def test_the_exports_reports_and_ai_tasks_are_registered_with_the_queue(app):
    assert {"export", "purge-exports", "report-snapshot", "purge-ai-log"} <= set(tasks.registered())
    handles = app.extensions["lms.tasks"]
    assert set(handles) == set(tasks.registered())
    periodic = {name for name, handle in handles.items() if issubclass(handle.task_class, PeriodicTask)}
    assert periodic == {"purge-exports", "report-snapshot", "directory-sync", "xapi-send", "purge-ai-log",
                        "expire-approval-requests",
                        "purge-notifications", "certificate-expiry-notices", "send-outbox"}
    # The queue names each task after the module that registered it: the worker's log says whose it is.
    assert handles["export"].task_class.__module__ == "lms.exports.tasks"


def test_a_name_cannot_be_taken_by_a_second_function():
    with pytest.raises(ValueError, match="registered twice"):
        tasks.task("export")(lambda job_id: None)


def test_a_task_commits_once_when_it_returns_and_rolls_back_when_it_raises(make_app):
    def add(code: str, fail: bool = False) -> None:
        db.session.add(Agency(code=code, name_en=code, name_ru=code, name_kk=code))
        db.session.flush()
        if fail:
            raise RuntimeError("stop")

    tasks.task("test-add-agency")(add)
    try:
        app = make_app()  # after the registration: a queue takes the tasks registered when it is built
        handle = app.extensions["lms.tasks"]["test-add-agency"]
        handle.call_local("KEPT")
        with pytest.raises(RuntimeError):
            handle.call_local("LOST", fail=True)
        with app.app_context():
            assert list(db.session.scalars(select(Agency.code))) == ["KEPT"]
    finally:
        tasks._REGISTRY.pop("test-add-agency")
