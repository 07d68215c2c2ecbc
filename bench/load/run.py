"""Load and concurrency benchmark (issue 10): the platform under gunicorn against a framework ceiling measured in the
same run, on SQLite and PostgreSQL, with the data of `lms demo-data --learners N`.

Run: .venv/bin/python bench/load/run.py [--learners 100000] [--engines sqlite,postgresql] [--seconds 15]

Per engine: build the dataset; give a few hundred generated learners a password and enrol them in the quiz course;
start gunicorn (GUNICORN_ARGS: 4 sync workers on 127.0.0.1) serving the platform and, with the same settings, the
ceiling app (bench/load/ceiling.py: one indexed query, a small template); sign the accounts in; then run locust
headless (bench/load/locustfile.py) for each scenario and print requests/s, p50/p95/p99 and errors, with ratios to
the ceiling. After the quiz spike it counts the submitted attempts in the database and looks for "database is
locked" in the server log.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from dataset import TMP, prepare  # noqa: E402

BIN = ROOT / ".venv" / "bin"
GUNICORN_ARGS = ["--workers", "4", "--worker-class", "sync", "--timeout", "120"]
PASSWORD = "load-test-2026"  # noqa: S105 - generated benchmark accounts on a throwaway database
USERS = 16
SPIKE_ACCOUNTS, SPIKE_USERS = 500, 50
READERS = 32
OUT = TMP / "lms-bench-load"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url: str) -> dict:
    return {**os.environ, "LMS_DATABASE_URL": url, "LMS_SECRET_KEY": "bench-" + "x" * 40,
            "LMS_TASK_QUEUE": f"sqlite:///{OUT / 'tasks.sqlite3'}", "LMS_EXPORT_DIR": str(OUT / "exports"),
            "LMS_LOGIN_RATE_LIMIT": "100000 per minute", "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
            "LMS_DEFAULT_LOCALE": "ru"}


def prepare_accounts(url: str, course_key: str) -> dict:
    """Passwords for generated learners, enrolments in the quiz course; returns emails and the course's lessons."""
    from sqlalchemy import select, update

    from lms import create_app
    from lms.accounts.models import User
    from lms.accounts.passwords import hash_password
    from lms.courses.models import Course, Lesson
    from lms.db import insert_if_absent, utcnow
    from lms.extensions import db
    from lms.learning.models import Enrollment

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate"})
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        lessons = list(db.session.scalars(select(Lesson.key).where(Lesson.course_id == course.id,
                                                                   Lesson.is_retired.is_(False))))
        enrolled = select(Enrollment.user_id).where(Enrollment.course_id == course.id)
        users = list(db.session.execute(
            select(User.id, User.email).where(User.is_active.is_(True), User.email.like("%@gov.example.kz"),
                                              User.id.not_in(enrolled)).order_by(User.id)
            .limit(READERS + SPIKE_ACCOUNTS)))
        db.session.execute(update(User).where(User.id.in_([u.id for u in users]))
                           .values(password_hash=hash_password(PASSWORD)))
        for user in users:
            insert_if_absent(db.session, Enrollment, {"user_id": user.id, "course_id": course.id, "source": "self",
                                                      "enrolled_at": utcnow(), "lessons_completed": 0},
                             unique=["user_id", "course_id"])
        max_id = db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1))
        db.session.commit()
        spike_ids = [u.id for u in users[READERS:]]
        db.engine.dispose()
    return {"readers": [u.email for u in users[:READERS]], "spike": [u.email for u in users[READERS:]],
            "spike_ids": spike_ids, "lessons": lessons, "max_id": max_id}


def queries_per_page(url: str, email: str, course: str, lesson: str) -> dict[str, int]:
    """SQL statements per request on the main pages (a SQLAlchemy event counter), for one signed-in learner and
    the demo HR officer."""
    from sqlalchemy import event

    from lms import create_app
    from lms.extensions import db

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate", "WTF_CSRF_ENABLED": False,
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    pages = {(email, PASSWORD): ["/my-learning", "/courses/", f"/courses/{course}",
                                 f"/courses/{course}/lessons/{lesson}", f"/courses/{course}/quiz"],
             ("hr@demo.lms.kz", "hr-demo-2026"): ["/reports/", "/reports/learners", "/reports/overdue"]}
    counts, seen = {}, [0]

    def count(*_args, **_kwargs):
        seen[0] += 1

    with app.app_context():
        engine = db.engine
    for (user, password), paths in pages.items():
        client = app.test_client()
        client.post("/login", data={"email": user, "password": password})
        for path in paths:
            client.get(path)
            event.listen(engine, "before_cursor_execute", count)
            seen[0] = 0
            client.get(path)
            event.remove(engine, "before_cursor_execute", count)
            counts[path] = seen[0]
    with app.app_context():
        db.engine.dispose()
    return counts


def start(app_spec: str, url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), *GUNICORN_ARGS, "--bind", f"127.0.0.1:{port}", app_spec],
                               cwd=ROOT, env=server_env(url), stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + "/healthz", timeout=1)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{app_spec} did not start; see {log}")


def sign_in(base: str, email: str, password: str) -> dict:
    session = requests.Session()
    page = session.get(base + "/login")
    token = TOKEN.search(page.text).group(1)
    response = session.post(base + "/login", data={"csrf_token": token, "email": email, "password": password},
                            allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {email} failed: {response.status_code}")
    return {"email": email, "cookie": session.cookies["lms_session"]}


def locust(base: str, classes: list[str], users: int, seconds: int, sessions: Path, accounts: dict,
           course: str, name: str) -> dict:
    result = OUT / f"{name}.json"
    result.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_SESSIONS": str(sessions), "LOAD_RESULT": str(result), "LOAD_COURSE": course,
           "LOAD_LESSONS": ",".join(accounts["lessons"]), "LOAD_MAX_USER_ID": str(accounts["max_id"])}
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                    "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", base,
                    "--only-summary", "--loglevel", "WARNING", *classes],
                   env=env, check=False, capture_output=True)
    return json.loads(result.read_text())


def count_submitted(url: str, user_ids: list[int], course_key: str) -> int:
    from sqlalchemy import func, select

    from lms import create_app
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.quizzes.models import QuizAttempt

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate"})
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.key == course_key))
        count = db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
            QuizAttempt.user_id.in_(user_ids), QuizAttempt.course_id == course_id,
            QuizAttempt.status == "submitted"))
        db.engine.dispose()
    return count or 0


def run_engine(engine: str, learners: int, seconds: int, course: str) -> list[str]:
    OUT.mkdir(exist_ok=True)
    print(f"[{engine}] building the dataset ({learners} learners)...", flush=True)
    url, seeded = prepare(engine, learners, name="lms_bench_load")
    accounts = prepare_accounts(url, course)
    statements = queries_per_page(url, accounts["readers"][0], course, accounts["lessons"][0])
    app_log, ceiling_log = OUT / f"{engine}-app.log", OUT / f"{engine}-ceiling.log"
    app, base = start("lms:create_app()", url, app_log)
    ceiling, ceiling_base = start("bench.load.ceiling:create_app()", url, ceiling_log)
    worker = subprocess.Popen([str(BIN / "huey_consumer"), "lms.worker.huey", "--workers", "1", "--worker-type",
                               "thread"], cwd=ROOT, env=server_env(url), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        print(f"[{engine}] signing in {len(accounts['readers']) + len(accounts['spike']) + 1} accounts...",
              flush=True)
        with ThreadPoolExecutor(4) as pool:
            readers = list(pool.map(lambda e: sign_in(base, e, PASSWORD), accounts["readers"]))
            spike = list(pool.map(lambda e: sign_in(base, e, PASSWORD), accounts["spike"]))
        hr = sign_in(base, "hr@demo.lms.kz", "hr-demo-2026")
        sessions = OUT / "sessions.json"
        sessions.write_text(json.dumps({"learners": readers, "spike": spike, "hr": hr}))
        results = {}
        print(f"[{engine}] running scenarios...", flush=True)
        results["ceiling"] = locust(ceiling_base, ["Ceiling"], USERS, seconds, sessions, accounts, course,
                                    "ceiling")["ceiling"]
        pages = locust(base, ["Reader"], USERS, seconds, sessions, accounts, course, "pages")
        results["course page"], results["lesson page"] = pages["course page"], pages["lesson page"]
        results["learner mix (idle)"] = locust(base, ["Learner"], USERS, seconds, sessions, accounts, course,
                                               "learner")["learner"]
        mixed = locust(base, ["Learner", "HrOfficer"], USERS + 1, seconds, sessions, accounts, course, "hr")
        results["learner mix during HR export"], results["HR dashboard"] = mixed["learner"], mixed["hr"]
        spike_started = time.perf_counter()
        spike_stats = locust(base, ["SpikeLearner"], SPIKE_USERS, 120, sessions, accounts, course, "spike")["spike"]
        spike_seconds = time.perf_counter() - spike_started
        results["quiz spike"] = spike_stats
    finally:
        for process in (app, ceiling, worker):
            process.terminate()
        for process in (app, ceiling, worker):
            process.wait(timeout=30)
    submitted = count_submitted(url, accounts["spike_ids"], course)
    locked = sum(text.count("database is locked") for text in (app_log.read_text(), ceiling_log.read_text()))
    return table(engine, learners, seeded, results, submitted, spike_seconds, locked, statements)


def table(engine, learners, seeded, r, submitted, spike_seconds, locked, statements) -> list[str]:
    ceiling = r["ceiling"]
    lines = [f"### {engine}, {learners:,} learners (demo-data took {seeded:.0f} s), {USERS} concurrent users",
             "", "| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | errors | req/s vs ceiling | "
             "p95 vs ceiling |", "|---|---|---|---|---|---|---|---|---|"]
    for name, s in r.items():
        lines.append(f"| {name} | {s['count']} | {s['rps']:.1f} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | "
                     f"{s['errors']} | {s['rps'] / ceiling['rps']:.0%} | {s['p95'] / max(ceiling['p95'], 1):.1f}x |")
    failures = {name: s["failed"] for name, s in r.items() if s.get("failed")}
    idle, busy = r["learner mix (idle)"]["p95"], r["learner mix during HR export"]["p95"]
    lines += ["", f"Quiz spike: {submitted} of {SPIKE_ACCOUNTS} submissions stored (target: all) in "
                  f"{spike_seconds:.0f} s with {SPIKE_USERS} at a time; errors: {r['quiz spike']['errors']}; "
                  f"\"database is locked\" in the server logs: {locked}.",
              f"Learner p95 during an HR export: {busy:.0f} ms vs {idle:.0f} ms idle ({busy / max(idle, 1):.1f}x; "
              f"target <= 2x).",
              "SQL statements per request: " + ", ".join(f"{path} {n}" for path, n in statements.items()) + ".",
              f"Errors by HTTP status (0: no response): {failures or 'none'}.", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--course", default="ai-foundations")
    args = parser.parse_args()
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"gunicorn {' '.join(GUNICORN_ARGS)}")
    for engine in args.engines.split(","):
        print("\n".join(run_engine(engine, args.learners, args.seconds, args.course)), flush=True)


if __name__ == "__main__":
    main()
