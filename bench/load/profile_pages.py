"""Where a learner page's time goes in one process: the course and lesson pages against the ceiling app, both through
Flask's test client (no HTTP, no gunicorn), CPU time per request, and optionally a cProfile of the course page.

Run: .venv/bin/python bench/load/profile_pages.py [--learners 2000] [--engine sqlite] [--requests 300] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "load"))
from dataset import prepare  # noqa: E402
from run import NAME, SECRET_KEY, prepare_accounts  # noqa: E402


def per_request(client, path: str, n: int, **kwargs) -> float:
    """CPU milliseconds per GET of `path` (after warm-up), best of three rounds."""
    for _ in range(20):
        assert client.get(path, **kwargs).status_code == 200, path
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(n):
            client.get(path, **kwargs)
        best = min(best, (time.process_time() - started) * 1000 / n)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--engine", default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--course", default="ai-foundations")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    url, _seconds = prepare(args.engine, args.learners, name=f"{NAME}_profile")
    accounts = prepare_accounts(url, args.course)
    os.environ["LMS_DATABASE_URL"] = url

    from ceiling import create_app as ceiling_app

    from lms import create_app

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate", "SECRET_KEY": SECRET_KEY, "ENV": "testing",
                      "DEFAULT_LOCALE": "ru"})
    client = app.test_client()
    client.set_cookie("lms_session", accounts["readers"][0]["cookie"])
    course, lesson = f"/courses/{args.course}", f"/courses/{args.course}/lessons/{accounts['lessons'][0]}"
    ceiling = ceiling_app().test_client()
    base = per_request(ceiling, "/ceiling/1", args.requests)
    print(f"{args.engine}, {args.learners} learners, CPU ms per request in one process (best of 3 x "
          f"{args.requests}):")
    print(f"  ceiling        {base:6.2f} ms  1.0x")
    for name, path in (("course page", course), ("lesson page", lesson), ("my learning", "/my-learning"),
                       ("catalogue", "/courses/"), ("quiz start", f"/courses/{args.course}/quiz")):
        ms = per_request(client, path, args.requests)
        print(f"  {name:<14} {ms:6.2f} ms  {ms / base:.1f}x")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(course)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).print_callers("local.py:310")


if __name__ == "__main__":
    main()
