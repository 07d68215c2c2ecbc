"""The benchmarks' national dataset: a fresh SQLite file or PostgreSQL database with `lms demo-data --learners N`."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LMS = str(ROOT / ".venv" / "bin" / "lms")
TMP = Path(tempfile.gettempdir())
PG_SERVER = os.environ.get("LMS_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def prepare(engine: str, learners: int, *, name: str) -> tuple[str, float]:
    """A fresh database called `name` with the national dataset; returns its URL and the seconds demo-data took."""
    if engine == "sqlite":
        path = TMP / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("postgresql+psycopg", "postgresql") + "/postgres",
                             autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
        url = f"{PG_SERVER}/{name}"
    env = {**os.environ, "LMS_DATABASE_URL": url, "LMS_TASK_QUEUE": "immediate"}
    for args in (["db", "upgrade"], ["courses", "sync"]):
        subprocess.run([LMS, *args], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([LMS, "demo-data", "--learners", str(learners)], env=env, check=True, capture_output=True)
    return url, time.perf_counter() - started
