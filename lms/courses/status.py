"""The result of the last `lms courses check` and `lms courses sync`, kept in instance/ for the admin content page.

A small JSON file rather than the database: `check` never touches the database, and an idempotent sync writes
nothing there.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

FILE_NAME = "content-status.json"
MAX_PROBLEMS = 200


def record_result(instance_path: str | os.PathLike, kind: str, *, ok: bool, summary: str, problems: list[str],
                  now: datetime) -> None:
    """Remember the outcome of a check or sync (`kind`: "check" or "sync")."""
    path = Path(instance_path) / FILE_NAME
    results = read_results(instance_path)
    results[kind] = {"at": now.isoformat(), "ok": ok, "summary": summary, "problems": problems[:MAX_PROBLEMS],
                     "more": max(len(problems) - MAX_PROBLEMS, 0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as fh:
        json.dump(results, fh, ensure_ascii=False, indent=1)
    Path(fh.name).replace(path)


def read_results(instance_path: str | os.PathLike) -> dict:
    """{"check": {...}, "sync": {...}} as recorded; missing or unreadable file -> {}."""
    try:
        return json.loads((Path(instance_path) / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
