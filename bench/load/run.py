"""Load and concurrency benchmark (issue 10): the platform under gunicorn against a framework ceiling measured in the
same run, on SQLite and PostgreSQL, with the data of `lms demo-data --learners N`.

Run: .venv/bin/pip install -e '.[bench]' (locust), then
     .venv/bin/python bench/load/run.py [--learners 100000] [--engines sqlite,postgresql] [--seconds 15]

Per engine: build the dataset; enrol a few hundred generated learners in the quiz course and open signed-in
sessions for them directly (the app's own start_session, and Flask's signed `lms_session` cookie made with the
server's SECRET_KEY), so that setup does not spend one strong argon2 verification per account; start gunicorn
(4 sync workers on 127.0.0.1, or --workers) serving the platform and, with the same settings, the ceiling app
(bench/load/ceiling.py: one indexed query, a small template); check that the made cookies are accepted, and sign
the demo HR officer in through /login (the one real sign-in); then run locust headless
(bench/load/locustfile.py) for each scenario and print requests/s, p50/p95/p99 and errors, with ratios to the
ceiling. The quiz spike (SPIKE_ACCOUNTS accounts, SPIKE_USERS at a time) ends when every account has submitted,
SPIKE_CAP seconds being only a safety net; afterwards the submitted attempts are counted in the database and the
logs of the platform, the ceiling and the task worker (huey) searched for "database is locked". How long each
phase took, and the whole run, is printed too.

Every scenario also reports where the CPU went (bench/load/cpu.py, from /proc): the gunicorn master and each worker,
the load generator (locust), the PostgreSQL backends of the benchmark database, the rest of the machine, and CPU ms
per request, with the worker count and the load average at the start and end. The ceiling and page scenarios run
twice: on locust's HttpUser (requests) and on its FastHttpUser (geventhttpclient), which leaves more of the two
cores to the servers. --workers sets the workers of both apps (4: sync workers; 2x4: 2 gthread workers of 4
threads); --sweep 2,3,2x4 then repeats the ceiling and page scenarios (FastHttpUser) with each of those shapes;
--only-pages skips the mix, spike and one-at-a-time parts (for quick experiments); --reuse keeps the database of an
earlier run of the same LMS_BENCH_NAME.
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
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "load"))
import cpu  # noqa: E402
from dataset import PG_SERVER, TMP, prepare  # noqa: E402

BIN = ROOT / ".venv" / "bin"
WORKERS = "4"  #: gunicorn workers per app (--workers): "4" is 4 sync workers, "2x4" 2 gthread workers of 4 threads


def gunicorn_args(shape: str) -> list[str]:
    """gunicorn's arguments for a worker shape ("4": sync workers; "2x4": gthread workers x threads). No control
    socket: every gunicorn of the same user would share one path (~/.gunicorn/gunicorn.ctl) and stop each other's."""
    workers, _, threads = str(shape).partition("x")
    kind = ["--worker-class", "gthread", "--threads", threads] if threads else ["--worker-class", "sync"]
    return ["--workers", workers, *kind, "--timeout", "120", "--no-control-socket"]


def worker_count(shape: str) -> int:
    return int(str(shape).partition("x")[0])


SECRET_KEY = "bench-" + "x" * 40  # the benchmark servers' key: the session cookies are made with it
HR = ("hr@demo.lms.kz", "hr-demo-2026")  # the demo HR officer (lms/demo/accounts.py)
USERS = 16
SPIKE_ACCOUNTS, SPIKE_USERS, SPIKE_CAP = 500, 50, 120
READERS = 32
#: Database name and output folder; LMS_BENCH_NAME gives two runs on one machine their own.
NAME = os.environ.get("LMS_BENCH_NAME", "lms_bench_load")
OUT = TMP / NAME.replace("_", "-")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url: str) -> dict:
    return {**os.environ, "LMS_DATABASE_URL": url, "LMS_SECRET_KEY": SECRET_KEY,
            "LMS_TASK_QUEUE": f"sqlite:///{OUT / 'tasks.sqlite3'}", "LMS_EXPORT_DIR": str(OUT / "exports"),
            "LMS_LOGIN_RATE_LIMIT": "100000 per minute", "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
            "LMS_DEFAULT_LOCALE": "ru"}


@contextmanager
def phase(times: dict[str, float], name: str, engine: str):
    """Time a phase of the run into times[name] and print it."""
    started = time.perf_counter()
    try:
        yield
    finally:
        times[name] = time.perf_counter() - started
        print(f"[{engine}] {name}: {times[name]:.1f} s", flush=True)


def prepare_accounts(url: str, course_key: str) -> dict:
    """Enrol generated learners in the quiz course and open a signed-in session for each of them and for the HR
    officer; returns their session cookies, the course's lessons and the highest user id."""
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.models import User
    from lms.accounts.services import start_session
    from lms.courses.models import Course, Lesson
    from lms.db import insert_if_absent, utcnow
    from lms.extensions import db
    from lms.learning.models import Enrollment

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate", "SECRET_KEY": SECRET_KEY})
    serializer = app.session_interface.get_signing_serializer(app)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        lessons = list(db.session.scalars(select(Lesson.key).where(Lesson.course_id == course.id,
                                                                   Lesson.is_retired.is_(False))))
        enrolled = select(Enrollment.user_id).where(Enrollment.course_id == course.id)
        users = list(db.session.scalars(
            select(User).where(User.is_active.is_(True), User.email.like("%@gov.example.kz"),
                               User.id.not_in(enrolled)).order_by(User.id).limit(READERS + SPIKE_ACCOUNTS)))
        hr = db.session.scalar(select(User).where(User.email == HR[0]))
        now, lifetime = utcnow(), app.permanent_session_lifetime
        for user in users:
            insert_if_absent(db.session, Enrollment, {"user_id": user.id, "course_id": course.id, "source": "self",
                                                      "enrolled_at": now, "lessons_completed": 0},
                             unique=["user_id", "course_id"])
        # What lms.accounts.session.sign_in puts in the cookie session.
        sessions = [{"email": user.email, "cookie": serializer.dumps({
            "lms_sid": start_session(user, now=now, lifetime=lifetime, ip="127.0.0.1", user_agent="bench"),
            "_user_id": str(user.id), "_fresh": True, "_permanent": True})} for user in [*users, hr]]
        max_id = db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1))
        db.session.commit()
        spike_ids = [u.id for u in users[READERS:]]
        db.engine.dispose()
    return {"readers": sessions[:READERS], "spike": sessions[READERS:-1], "hr": sessions[-1],
            "spike_ids": spike_ids, "lessons": lessons, "max_id": max_id}


def queries_per_page(url: str, learner: str, hr: str, course: str, lesson: str) -> dict[str, int]:
    """SQL statements per request on the main pages (a SQLAlchemy event counter), for one signed-in learner and
    the demo HR officer (their session cookies from prepare_accounts)."""
    from sqlalchemy import event

    from lms import create_app
    from lms.extensions import db

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate", "SECRET_KEY": SECRET_KEY})
    pages = {learner: ["/my-learning", "/courses/", f"/courses/{course}", f"/courses/{course}/lessons/{lesson}",
                       f"/courses/{course}/quiz"],
             hr: ["/reports/", "/reports/learners", "/reports/overdue"]}
    counts, seen = {}, [0]

    def count(*_args, **_kwargs):
        seen[0] += 1

    with app.app_context():
        engine = db.engine
    for cookie, paths in pages.items():
        client = app.test_client()
        client.set_cookie("lms_session", cookie)
        for path in paths:
            if client.get(path).status_code != 200:
                raise RuntimeError(f"statement count: GET {path} did not answer 200 to a signed-in user")
            event.listen(engine, "before_cursor_execute", count)
            seen[0] = 0
            client.get(path)
            event.remove(engine, "before_cursor_execute", count)
            counts[path] = seen[0]
    with app.app_context():
        db.engine.dispose()
    return counts


def launch(args: list[str], url: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=server_env(url), stdout=log.open("w"), stderr=subprocess.STDOUT)


def gunicorn(app_spec: str, url: str, log: Path, workers: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = launch([str(BIN / "gunicorn"), *gunicorn_args(workers), "--bind", f"127.0.0.1:{port}", app_spec],
                     url, log)
    return process, f"http://127.0.0.1:{port}"


def wait_workers(master: subprocess.Popen, workers: int) -> None:
    """Until the master has forked all its workers (so that the CPU counters see each of them)."""
    deadline = time.monotonic() + 60
    while len(cpu.children(master.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.1)


def wait_ready(process: subprocess.Popen, base: str, log: Path) -> None:
    """Until the server answers (any status: the ceiling app has no /healthz)."""
    deadline = time.monotonic() + 180  # a loaded shared machine takes its time importing four workers
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(base + "/healthz", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not start; see {log}")


def sign_in(base: str, email: str, password: str) -> dict:
    """A real sign-in through the login form; returns the session cookie."""
    session = requests.Session()
    page = session.get(base + "/login")
    token = TOKEN.search(page.text).group(1)
    response = session.post(base + "/login", data={"csrf_token": token, "email": email, "password": password},
                            allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {email} failed: {response.status_code}")
    return {"email": email, "cookie": session.cookies["lms_session"]}


def check_cookies(base: str, sessions: list[dict]) -> None:
    """Fail loudly unless the server takes the made session cookies as signed in."""
    for session in sessions:
        response = requests.get(base + "/my-learning", cookies={"lms_session": session["cookie"]},
                                allow_redirects=False, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"the made session cookie of {session['email']} is refused: GET /my-learning "
                               f"answered {response.status_code} {response.headers.get('Location', '')}")


class Meter:
    """CPU use of each scenario (bench/load/cpu.py): `with meter.scenario(name, master): ...locust...`."""

    def __init__(self, database: str | None):
        self.database = database
        self.rows: list[tuple[str, cpu.Usage, str]] = []

    @contextmanager
    def scenario(self, name: str, master: subprocess.Popen, workers: str):
        before, started = cpu.snapshot(master.pid, self.database), time.perf_counter()
        box: dict = {}
        yield box
        used = cpu.usage(before, cpu.snapshot(master.pid, self.database), time.perf_counter() - started)
        used.requests = box.get("requests", 0)
        self.rows.append((name, used, workers))

    def lines(self) -> list[str]:
        lines = ["CPU during each scenario (s: its wall time; app: gunicorn master and workers; generator: locust; "
                 "database: the PostgreSQL backends of the benchmark database, on SQLite inside the workers; rest: "
                 "the machine's other busy time, other sessions included; ms/req: CPU per request served):", "",
                 cpu.HEADER, "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        lines += [cpu.row(name, used, workers) for name, used, workers in self.rows]
        notes = [f"{name}: {'; '.join(used.notes)}" for name, used, _ in self.rows if used.notes]
        return lines + ([f"Notes: {' / '.join(notes)}."] if notes else []) + [""]


def locust(base: str, classes: list[str], users: int, seconds: int, sessions: Path, accounts: dict,
           course: str, name: str) -> dict:
    """One headless locust run; returns the locustfile's summary (LOAD_RESULT)."""
    result = OUT / f"{name}.json"
    result.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_SESSIONS": str(sessions), "LOAD_RESULT": str(result), "LOAD_COURSE": course,
           "LOAD_LESSONS": ",".join(accounts["lessons"]), "LOAD_MAX_USER_ID": str(accounts["max_id"])}
    done = subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                           "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
                           "--host", base, "--only-summary", "--loglevel", "WARNING", *classes],
                          env=env, check=False, capture_output=True, text=True)
    if not result.exists():
        raise RuntimeError(f"locust wrote no result for {name} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(result.read_text())


def serial(base: str, path: str, cookie: str | None, master: subprocess.Popen, n: int = 200) -> dict[str, float]:
    """`n` GETs of `path`, one at a time over HTTP (keep-alive), after 20 warm-up requests: the median milliseconds,
    and the CPU milliseconds per request of the server's worker (from /proc)."""
    client = requests.Session()
    if cookie:
        client.cookies.set("lms_session", cookie)
    times, workers = [], cpu.children(master.pid)
    for i in range(20 + n):
        if i == 20:
            before = sum(cpu.process_seconds(pid) or 0.0 for pid in workers)
        started = time.perf_counter()
        if client.get(base + path, timeout=30).status_code != 200:
            raise RuntimeError(f"serial: GET {path} did not answer 200")
        if i >= 20:
            times.append((time.perf_counter() - started) * 1000)
    used = sum(cpu.process_seconds(pid) or 0.0 for pid in workers) - before
    return {"ms": sorted(times)[len(times) // 2], "cpu ms": used * 1000 / n}


def serial_costs(url: str, cookie: str, course: str, lesson: str, engine: str) -> dict[str, dict[str, float]]:
    """One request at a time over HTTP, both apps under gunicorn with one sync worker on the same database."""
    costs = {}
    for name, spec, paths in (("ceiling", "bench.load.ceiling:create_app()", {"ceiling": "/ceiling/1"}),
                              ("app", "lms:create_app()", {"course page": f"/courses/{course}",
                                                           "lesson page": f"/courses/{course}/lessons/{lesson}"})):
        log = OUT / f"{engine}-serial-{name}.log"
        port = free_port()
        process = launch([str(BIN / "gunicorn"), *gunicorn_args(1), "--bind", f"127.0.0.1:{port}", spec], url, log)
        try:
            wait_ready(process, f"http://127.0.0.1:{port}", log)
            wait_workers(process, 1)
            for label, path in paths.items():
                costs[label] = serial(f"http://127.0.0.1:{port}", path, None if name == "ceiling" else cookie,
                                      process)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return costs


def worker_memory(master: subprocess.Popen) -> list[float]:
    """Resident memory (MB) of each worker process of a gunicorn master (from /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master.pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


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


def pg_database(url: str) -> str | None:
    return url.rsplit("/", 1)[1] if url.startswith("postgresql") else None


def existing(engine: str) -> str:
    """The URL of the database an earlier run of this LMS_BENCH_NAME built (--reuse)."""
    return f"sqlite:///{TMP / f'{NAME}.sqlite3'}" if engine == "sqlite" else f"{PG_SERVER}/{NAME}"


def page_scenarios(meter: Meter, results: dict, servers: dict, workers: str, seconds: int, sessions: Path,
                   accounts: dict, course: str, suffix: str, fast_only: bool = False) -> None:
    """The ceiling and the course and lesson pages, on HttpUser then FastHttpUser (FastHttpUser only if fast_only)."""
    for generator, prefix in (() if fast_only else (("HttpUser", ""),)) + (("FastHttpUser", "Fast"),):
        label = f" [{generator}{suffix}]"
        with meter.scenario("ceiling" + label, servers["ceiling"], workers) as box:
            result = locust(servers["ceiling base"], [prefix + "Ceiling"], USERS, seconds, sessions, accounts,
                            course, "ceiling")["ceiling"]
            box["requests"] = result["count"]
        results["ceiling" + label] = result
        with meter.scenario("course + lesson pages" + label, servers["app"], workers) as box:
            pages = locust(servers["base"], [prefix + "Reader"], USERS, seconds, sessions, accounts, course, "pages")
            box["requests"] = pages["course page"]["count"] + pages["lesson page"]["count"]
        results["course page" + label], results["lesson page" + label] = pages["course page"], pages["lesson page"]


@contextmanager
def servers_running(url: str, engine: str, workers: str, times: dict, tag: str = ""):
    """The platform and the ceiling under gunicorn with the worker shape `workers` each, and a Huey worker."""
    app_log, ceiling_log = OUT / f"{engine}-app{tag}.log", OUT / f"{engine}-ceiling{tag}.log"
    with phase(times, f"servers start{tag}", engine):
        (app, base), (ceiling, ceiling_base) = (gunicorn("lms:create_app()", url, app_log, workers),
                                                gunicorn("bench.load.ceiling:create_app()", url, ceiling_log,
                                                         workers))
        worker = launch([str(BIN / "huey_consumer"), "lms.worker.huey", "--workers", "1", "--worker-type",
                         "thread"], url, OUT / f"{engine}-worker{tag}.log")
        try:
            wait_ready(app, base, app_log)
            wait_ready(ceiling, ceiling_base, ceiling_log)
            wait_workers(app, worker_count(workers))
            wait_workers(ceiling, worker_count(workers))
        except BaseException:
            for process in (app, ceiling, worker):
                process.terminate()
            raise
    try:
        yield {"app": app, "base": base, "ceiling": ceiling, "ceiling base": ceiling_base}
    finally:
        with phase(times, f"servers stop{tag}", engine):
            for process in (app, ceiling, worker):
                process.terminate()
            for process in (app, ceiling, worker):
                process.wait(timeout=30)


def run_engine(engine: str, learners: int, seconds: int, course: str, workers: str, sweep: list[str],
               only_pages: bool, reuse: bool) -> list[str]:
    OUT.mkdir(exist_ok=True)
    times: dict[str, float] = {}
    if reuse:
        url, seeded = existing(engine), 0.0
    else:
        print(f"[{engine}] building the dataset ({learners} learners)...", flush=True)
        with phase(times, "dataset (db upgrade, courses sync, demo-data)", engine):
            url, seeded = prepare(engine, learners, name=NAME)
        with phase(times, "dashboard snapshot (the worker's 5-minute job, run once now)", engine):
            subprocess.run([str(BIN / "lms"), "report", "snapshot"],
                           env={**server_env(url), "LMS_TASK_QUEUE": "immediate"}, check=True, capture_output=True)
    with phase(times, f"enrolments and {READERS + SPIKE_ACCOUNTS + 1} signed-in sessions", engine):
        accounts = prepare_accounts(url, course)
    with phase(times, "statements per page", engine):
        statements = queries_per_page(url, accounts["readers"][0]["cookie"], accounts["hr"]["cookie"], course,
                                      accounts["lessons"][0])
    meter, results, memory = Meter(pg_database(url)), {}, []
    sessions = OUT / "sessions.json"
    with servers_running(url, engine, workers, times) as servers:
        app, base = servers["app"], servers["base"]
        with phase(times, "cookie check and HR sign-in via /login", engine):
            check_cookies(base, [accounts["readers"][0], accounts["spike"][-1]])
            hr = sign_in(base, *HR)
        sessions.write_text(json.dumps({"learners": accounts["readers"], "spike": accounts["spike"], "hr": hr}))
        with phase(times, "scenarios ceiling and pages (HttpUser, FastHttpUser)", engine):
            page_scenarios(meter, results, servers, workers, seconds, sessions, accounts, course, "")
        if not only_pages:
            with phase(times, "scenario learner mix", engine), meter.scenario("learner mix", app, workers) as box:
                results["learner mix (idle)"] = locust(base, ["Learner"], USERS, seconds, sessions, accounts,
                                                       course, "learner")["learner"]
                box["requests"] = results["learner mix (idle)"]["count"]
            with phase(times, "scenario learner mix + HR", engine), \
                    meter.scenario("learner mix + HR", app, workers) as box:
                mixed = locust(base, ["Learner", "HrOfficer"], USERS + 1, seconds, sessions, accounts, course, "hr")
                box["requests"] = sum(group["count"] for group in mixed.values())
            results["learner mix during HR export"] = mixed["learner"]
            if "hr" in mixed:  # a very short run may end before the HR officer's first page
                results["HR dashboard"] = mixed["hr"]
            with phase(times, "scenario quiz spike", engine), meter.scenario("quiz spike", app, workers) as box:
                results["quiz spike"] = locust(base, ["SpikeLearner"], SPIKE_USERS, SPIKE_CAP, sessions, accounts,
                                               course, "spike")["spike"]
                box["requests"] = results["quiz spike"]["count"]
        memory = worker_memory(app)
    for count in sweep:
        with servers_running(url, engine, count, times, tag=f" ({count} workers)") as servers, \
                phase(times, f"scenarios ceiling and pages, {count} workers", engine):
            page_scenarios(meter, results, servers, count, seconds, sessions, accounts, course,
                           f", {count} workers", fast_only=True)
    costs = {}
    if not only_pages:
        with phase(times, "one request at a time (1 sync worker each)", engine):
            costs = serial_costs(url, accounts["readers"][1]["cookie"], course, accounts["lessons"][0], engine)
    submitted = count_submitted(url, accounts["spike_ids"], course)
    locked = {name: sum(log.read_text().count("database is locked") for log in OUT.glob(f"{engine}-{name}*.log"))
              for name in ("app", "worker", "ceiling")}
    return table(engine, learners, seeded, results, submitted, locked, statements, times, costs, memory, workers,
                 meter)


def ratio_row(name: str, s: dict, ceiling: dict) -> str:
    return (f"| {name} | {s['count']} | {s['rps']:.1f} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | "
            f"{s['errors']} | {s['rps'] / ceiling['rps']:.0%} | {s['p95'] / max(ceiling['p95'], 1):.1f}x |")


def ceiling_of(name: str, r: dict) -> dict:
    """The ceiling measured with the same generator and worker count as scenario `name`."""
    return r["ceiling" + name[name.index(" ["):]] if " [" in name else r["ceiling [HttpUser]"]


def table(engine, learners, seeded, r, submitted, locked, statements, times, costs, memory, workers,
          meter) -> list[str]:
    lines = [f"### {engine}, {learners:,} learners (demo-data took {seeded:.0f} s), {USERS} concurrent users, "
             f"gunicorn {' '.join(gunicorn_args(workers)[:-3])} per app", "",
             "Ratios are to the ceiling measured with the same generator and worker count.", "",
             "| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | errors | req/s vs ceiling | "
             "p95 vs ceiling |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [ratio_row(name, s, ceiling_of(name, r)) for name, s in r.items()]
    failures = {name: s["failed"] for name, s in r.items() if s.get("failed")}
    lines += ["", *meter.lines()]
    if "quiz spike" in r:
        spike = r["quiz spike"]
        idle, busy = r["learner mix (idle)"]["p95"], r["learner mix during HR export"]["p95"]
        capped = spike["finished"] < spike["accounts"]
        met = submitted == SPIKE_ACCOUNTS and spike["errors"] == 0 and spike["seconds"] <= 60 and not capped
        lines += [f"Quiz spike: {submitted} of {SPIKE_ACCOUNTS} submissions stored, {SPIKE_USERS} at a time, in "
                  f"{spike['seconds']:.1f} s from the first request to the last submit answered (target: all "
                  f"stored, no errors, within 60 s: {'met' if met else 'MISSED'}); "
                  f"{spike['finished']} of {spike['accounts']} accounts finished, {spike['submitted']} submits "
                  f"answered with a redirect; errors: {spike['errors']}; "
                  + (f"STOPPED BY THE {SPIKE_CAP} s SAFETY CAP; " if capped else "")
                  + f"\"database is locked\" in the server logs over the whole run: {sum(locked.values())} ("
                  + ", ".join(f"{name} {n}" for name, n in locked.items()) + ").",
                  f"Learner p95 during an HR export: {busy:.0f} ms vs {idle:.0f} ms idle "
                  f"({busy / max(idle, 1):.1f}x; target <= 2x)."]
    lines.append("SQL statements per request: " + ", ".join(f"{path} {n}" for path, n in statements.items()) + ".")
    if costs:
        base = costs["ceiling"]
        lines.append("One request at a time over HTTP (gunicorn, 1 sync worker each, median of 200; then the "
                     "worker's CPU per request): "
                     + ", ".join(f"{name} {c['ms']:.1f} ms ({c['ms'] / base['ms']:.1f}x), CPU {c['cpu ms']:.1f} ms "
                                 f"({c['cpu ms'] / max(base['cpu ms'], 1e-9):.1f}x)" for name, c in costs.items())
                     + " (target: course and lesson pages <= 4x the ceiling's time).")
    lines += ["Resident memory per platform worker after the run: " + ", ".join(f"{mb:.0f} MB" for mb in memory)
              + ".", f"Errors by HTTP status (0: no response): {failures or 'none'}.",
              "Phases: " + ", ".join(f"{name} {t:.0f} s" for name, t in times.items())
              + f"; {sum(times.values()):.0f} s in all.", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--course", default="ai-foundations")
    parser.add_argument("--workers", default=WORKERS, help="workers per app: 4 (sync) or 2x4 (gthread x threads)")
    parser.add_argument("--sweep", default="", help="worker shapes to repeat the page scenarios with, e.g. 2,3,2x4")
    parser.add_argument("--only-pages", action="store_true", help="only the ceiling and page scenarios")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run of this name")
    args = parser.parse_args()
    sweep = [shape for shape in args.sweep.split(",") if shape]
    load = os.getloadavg()
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"gunicorn {' '.join(gunicorn_args(args.workers))}; load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} at {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC", flush=True)
    started = time.perf_counter()
    for engine in args.engines.split(","):
        print("\n".join(run_engine(engine, args.learners, args.seconds, args.course, args.workers, sweep,
                                   args.only_pages, args.reuse)), flush=True)
    load = os.getloadavg()
    print(f"Total wall time: {time.perf_counter() - started:.0f} s for {args.engines}, {args.learners:,} learners; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at {time.strftime('%H:%M', time.gmtime())} UTC.")


if __name__ == "__main__":
    main()
