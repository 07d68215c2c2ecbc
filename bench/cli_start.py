"""Benchmark: how fast the `lms` command starts, and `lms courses check` of 50 courses (target: under 1 s).

Run: .venv/bin/python bench/cli_start.py [--courses 50] [--runs 5]
Each command runs --runs times in a fresh process; the best wall time and the best CPU time (user + system, which
other work on a shared machine disturbs less) are printed, with their ratio to a baseline measured in the same run:
`python -c "import flask"`, the least any Flask command line can start in. The 50 courses are copies of the starter
courses in a temporary folder (bench/courses_check.py builds them). instance/content-status.json, which `check`
rewrites, is put back afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.courses_check import build_tree  # noqa: E402

LMS = Path(sys.executable).with_name("lms")
STATUS_FILE = ROOT / "instance" / "content-status.json"
TARGET_S = 1.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Best wall time and best CPU time of `command` over `runs` runs (each must exit 0)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "FLASK_"))}
    walls, cpus = [], []
    for _ in range(runs):
        cpu_before, started = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu_before)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kept = STATUS_FILE.read_bytes() if STATUS_FILE.is_file() else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            build_tree(Path(tmp), args.courses)
            rows = [
                ('python -c "import flask" (baseline)', [sys.executable, "-c", "import flask"]),
                ("lms --help", [str(LMS), "--help"]),
                (f"lms courses check ({args.courses} courses)", [str(LMS), "courses", "check", tmp]),
            ]
            results = [(label, *measure(command, args.runs)) for label, command in rows]
    finally:
        if kept is None:
            STATUS_FILE.unlink(missing_ok=True)
        else:
            STATUS_FILE.write_bytes(kept)
    load = os.getloadavg()[0]
    print(f"best of {args.runs} runs each; load average {load:.2f} on {os.cpu_count()} cores")
    _label, base_wall, base_cpu = results[0]
    print(f"{'command':<36} {'wall':>9} {'cpu':>9}   ratio to the baseline (wall / cpu)")
    for label, wall, cpu in results:
        ratios = f"{wall / base_wall:4.1f}x / {cpu / base_cpu:4.1f}x"
        print(f"{label:<36} {wall * 1000:7.0f} ms {cpu * 1000:7.0f} ms   {ratios}")
    _label, check_wall, check_cpu = results[-1]
    print(f"target: check under {TARGET_S:.0f} s: {'met' if check_wall < TARGET_S else 'NOT met'} (wall), "
          f"{'met' if check_cpu < TARGET_S else 'NOT met'} (cpu)")


if __name__ == "__main__":
    main()
