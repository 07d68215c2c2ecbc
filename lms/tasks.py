"""The task queue (Huey) and its registry: each domain registers its background tasks here; the worker runs them.

A domain declares a task with `@tasks.task("name")` or a periodic one with `@tasks.periodic("name", crontab(...))`
in its own `tasks.py`, which create_app imports (so the web app and the worker know the same tasks). The functions
are plain: init_tasks(app) wraps each one so that it runs in an app context and commits once when it returns
(like a view or a command), or rolls back when it raises.

Storage follows the TASK_QUEUE setting: a SQLite file in instance/ by default (one machine, `make run` starts a
worker beside the web server), Redis when web servers and workers run on several machines, or "immediate" to run
tasks in the calling process (tests). Start a worker with `huey_consumer lms.worker.huey`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

from lms.extensions import db

__all__ = ["Task", "crontab", "enqueue", "init_tasks", "periodic", "registered", "task"]


@dataclass(frozen=True)
class Task:
    """A registered task: its name (the queue's and app.extensions["lms.tasks"]'s key), the function, and for a
    periodic task its schedule (a huey crontab)."""

    name: str
    func: Callable[..., object]
    schedule: Callable | None = None


#: Every registered task by name, filled when the domains' task modules are imported.
_REGISTRY: dict[str, Task] = {}


def _register(entry: Task) -> None:
    existing = _REGISTRY.get(entry.name)
    if existing is not None and existing.func is not entry.func:
        raise ValueError(f"task {entry.name!r} is registered twice")
    _REGISTRY[entry.name] = entry


def task(name: str):
    """Register the decorated function as a task run by the worker when enqueued (see enqueue)."""
    def decorator(func):
        _register(Task(name, func))
        return func
    return decorator


def periodic(name: str, schedule):
    """Register the decorated function (no arguments) to run on `schedule`, a crontab, in the worker."""
    def decorator(func):
        _register(Task(name, func, schedule))
        return func
    return decorator


def registered() -> dict[str, Task]:
    """The registered tasks by name (a copy)."""
    return dict(_REGISTRY)


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


def _bound(app: Flask, func: Callable[..., object]) -> Callable[..., object]:
    """`func` run inside an app context of `app`, committed once at the end (rolled back if it raises)."""
    def run(*args, **kwargs):
        with app.app_context():
            try:
                result = func(*args, **kwargs)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            return result
    # The queue names a task by module and name: lms.exports.tasks.export, the domain that owns it.
    run.__module__, run.__name__, run.__doc__ = func.__module__, func.__name__, func.__doc__
    return run


def init_tasks(app: Flask) -> None:
    """Create the queue for `app` and give it every registered task (app.extensions["huey"] and ["lms.tasks"])."""
    huey = _make_huey(app)
    handles = {}
    for entry in _REGISTRY.values():
        if entry.schedule is None:
            handles[entry.name] = huey.task(name=entry.name)(_bound(app, entry.func))
        else:
            handles[entry.name] = huey.periodic_task(entry.schedule, name=entry.name)(_bound(app, entry.func))
    app.extensions["huey"] = huey
    app.extensions["lms.tasks"] = handles


def enqueue(name: str, *args) -> None:
    """Hand the task `name` to the worker with `args` (anything it reads must be committed already)."""
    current_app.extensions["lms.tasks"][name](*args)
