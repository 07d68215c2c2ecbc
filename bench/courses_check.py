"""Benchmark: `lms courses check` on 50 courses (copies of the starter courses) must take under 2 s.

Run: .venv/bin/python bench/courses_check.py [--courses 50]
Prints the wall time of the check and, as a baseline measured in the same run, the time to merely read every
file of the same tree, with the ratio between them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms.courses.loader import load_courses  # noqa: E402


def build_tree(target: Path, count: int) -> None:
    """Copy the starter courses into `target` until there are `count` courses, each with its own id."""
    sources = sorted(p for p in (ROOT / "courses").iterdir() if (p / "course.yml").is_file())
    for n in range(count):
        source = sources[n % len(sources)]
        folder = target / f"{source.name}-{n}"
        shutil.copytree(source, folder)
        manifest = folder / "course.yml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace(f"id: {source.name}", f"id: {source.name}-{n}", 1), encoding="utf-8")


def read_everything(root: Path) -> int:
    """Baseline: read every file once."""
    return sum(len(p.read_bytes()) for p in root.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_tree(root, args.courses)
        start = time.perf_counter()
        size = read_everything(root)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        result = load_courses(root)
        elapsed = time.perf_counter() - start
    lessons = sum(len(c.lessons) for c in result.courses)
    print(f"courses: {len(result.courses)}, lessons: {lessons}, bytes: {size:,}")
    print(f"errors: {len(result.errors)}, warnings: {len(result.warnings)}")
    print(f"read all files (baseline): {baseline * 1000:8.1f} ms")
    print(f"courses check:             {elapsed * 1000:8.1f} ms  ({elapsed / baseline:.1f}x the baseline)")
    print(f"target < 2000 ms: {'met' if elapsed < 2 else 'NOT met'}")
    if result.errors or len(result.courses) != args.courses:
        raise SystemExit("the copied content did not check clean")


if __name__ == "__main__":
    main()
