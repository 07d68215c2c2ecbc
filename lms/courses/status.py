"""The result of the last `lms courses check` and `lms courses sync`, kept in instance/ for the admin content page,
with the translation status (lms.courses.translation_status) of the courses the last successful sync loaded.

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
    results = read_results(instance_path)
    results[kind] = {"at": now.isoformat(), "ok": ok, "summary": summary, "problems": problems[:MAX_PROBLEMS],
                     "more": max(len(problems) - MAX_PROBLEMS, 0)}
    _write(instance_path, results)


def record_translations(instance_path: str | os.PathLike, courses: list[dict], *, now: datetime,
                        replace: bool) -> None:
    """Remember the translation status of the synced courses (CourseStatus.as_dict() each).

    `replace`: the sync covered the whole courses folder, so courses not given are gone (retired); otherwise only
    the given courses are updated and the others kept.
    """
    results = read_results(instance_path)
    by_id = {} if replace else {c["course_id"]: c for c in results.get("translations", {}).get("courses", [])}
    by_id.update({c["course_id"]: c for c in courses})
    results["translations"] = {"at": now.isoformat(), "courses": [by_id[key] for key in sorted(by_id)]}
    _write(instance_path, results)


def _write(instance_path: str | os.PathLike, results: dict) -> None:
    path = Path(instance_path) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as fh:
        json.dump(results, fh, ensure_ascii=False, indent=1)
    Path(fh.name).replace(path)


def read_results(instance_path: str | os.PathLike) -> dict:
    """{"check": {...}, "sync": {...}, "translations": {"at": ..., "courses": [...]}} as recorded; missing or
    unreadable file -> {}."""
    try:
        return json.loads((Path(instance_path) / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
