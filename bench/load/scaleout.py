"""Scale-out proof (issue 20, point 6): two app instances (gunicorn each) behind nginx, sharing PostgreSQL, Redis (rate
limits and the task queue) and one export directory, with a task worker. The learner mix runs through the proxy while
one instance is killed with SIGKILL (its whole process group: master and workers) and later started again.

Run: .venv/bin/python bench/load/scaleout.py [--learners 2000] [--seconds 45] [--users 16]
Needs nginx (Debian nginx-light), redis-server and PostgreSQL (LMS_BENCH_PG, as bench/dataset.py). nginx and Redis are
started here on free ports with throw-away configurations under a temporary folder.

Reports: requests that failed (only those in flight on the killed instance may fail; nginx passes idempotent
requests, and any request it could not connect with, to the other instance), every acknowledged lesson completion and
quiz submission found stored afterwards, a session valid on both instances, a rate limit counted across both, and a
content sync through one instance seen by the other on its next request.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "load"))
from dataset import prepare  # noqa: E402
from run import BIN, SECRET_KEY, free_port, prepare_accounts, wait_ready  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
COURSE = "ai-foundations"
NGINX = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log {tmp}/nginx-access.log;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  upstream lms {{
    server 127.0.0.1:{a} max_fails=1 fail_timeout=3s;
    server 127.0.0.1:{b} max_fails=1 fail_timeout=3s;
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://lms;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
      # Default: a request is passed to the next instance on a connection error or timeout; one that was sent
      # already is retried only when idempotent (GET), so a POST in flight on a dying instance fails.
      proxy_next_upstream error timeout http_502;
    }}
  }}
}}
"""


class Instance:
    """One app instance: gunicorn (2 sync workers) in a process group of its own, on a fixed port."""

    def __init__(self, name: str, port: int, env: dict, tmp: Path):
        self.name, self.port, self.env, self.tmp = name, port, env, tmp
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.tmp / f"{self.name}.log"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync", "--timeout", "60", "--bind",
             f"127.0.0.1:{self.port}", "lms:create_app()"], cwd=ROOT, env=self.env, stdout=log.open("a"),
            stderr=subprocess.STDOUT, start_new_session=True)
        wait_ready(self.process, self.base, log)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # master and workers, no clean shutdown
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Driver:
    """Learners through the proxy: My learning, course, lesson, "I have finished this lesson", quiz start and
    submit. Records every request's outcome and every acknowledged write."""

    def __init__(self, base: str, sessions: list[dict], lessons: list[str]):
        self.base, self.sessions, self.lessons = base, sessions, lessons
        self.lock = threading.Lock()
        self.requests = 0
        self.failures: list[tuple[float, str, str]] = []  # (time, request, status or error)
        self.completions: set[tuple[str, str]] = set()  # (email, lesson key) answered with a redirect
        self.attempts: set[int] = set()  # quiz attempts whose submit was answered with a redirect
        self.stop = threading.Event()

    def _call(self, client: requests.Session, method: str, path: str, name: str, **kwargs):
        try:
            response = client.request(method, self.base + path, timeout=60, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            response, outcome = None, type(exc).__name__
        else:
            outcome = None if response.status_code < 400 else str(response.status_code)
        with self.lock:
            self.requests += 1
            if outcome is not None:
                self.failures.append((time.monotonic(), name, outcome))
        return response if outcome is None else None

    def learner(self, session: dict) -> None:
        client = requests.Session()
        # The same domain and path as the server's Set-Cookie, so that a refreshed cookie (it carries the CSRF
        # secret) replaces this one instead of standing beside it.
        client.cookies.set("lms_session", session["cookie"], domain="127.0.0.1", path="/")
        rng = random.Random(session["email"])
        while not self.stop.is_set():
            self._call(client, "GET", "/my-learning", "my learning")
            self._call(client, "GET", f"/courses/{COURSE}", "course page")
            lesson = rng.choice(self.lessons)
            page = self._call(client, "GET", f"/courses/{COURSE}/lessons/{lesson}", "lesson page")
            token = TOKEN.search(page.text) if page is not None else None
            if token:
                done = self._call(client, "POST", f"/courses/{COURSE}/lessons/{lesson}/complete", "lesson complete",
                                  data={"csrf_token": token.group(1)})
                if done is not None and done.status_code == 303:
                    with self.lock:
                        self.completions.add((session["email"], lesson))
            if rng.random() < 0.3:
                self.quiz(client)

    def quiz(self, client: requests.Session) -> None:
        overview = self._call(client, "GET", f"/courses/{COURSE}/quiz", "quiz page")
        token = TOKEN.search(overview.text) if overview is not None else None
        if not token:
            return
        started = self._call(client, "POST", f"/courses/{COURSE}/quiz/start", "quiz start",
                             data={"csrf_token": token.group(1)})
        location = started.headers.get("Location", "") if started is not None else ""
        match = re.search(r"/quiz/attempts/(\d+)", location)
        if not match:  # refused (attempts used up, waiting time): a flash on the overview, not an error
            return
        page = self._call(client, "GET", f"/quiz/attempts/{match.group(1)}", "quiz attempt")
        token = TOKEN.search(page.text) if page is not None else None
        if not token:
            return
        submitted = self._call(client, "POST", f"/quiz/attempts/{match.group(1)}/submit", "quiz submit",
                               data={"csrf_token": token.group(1)})
        if submitted is not None and submitted.status_code == 303:
            with self.lock:
                self.attempts.add(int(match.group(1)))


def stored(url: str, completions: set[tuple[str, str]], attempts: set[int]) -> tuple[int, int]:
    """How many of the acknowledged lesson completions and quiz submissions the database holds."""
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.models import User
    from lms.courses.models import Lesson
    from lms.extensions import db
    from lms.learning.models import LessonProgress
    from lms.quizzes.models import QuizAttempt

    app = create_app({"DATABASE_URL": url, "TASK_QUEUE": "immediate"})
    with app.app_context():
        rows = set(db.session.execute(select(User.email, Lesson.key).join(LessonProgress, LessonProgress.user_id ==
                                                                          User.id)
                                      .join(Lesson, Lesson.id == LessonProgress.lesson_id)).all())
        found_completions = sum(1 for item in completions if item in rows)
        found_attempts = len(set(db.session.scalars(select(QuizAttempt.id).where(
            QuizAttempt.id.in_(sorted(attempts)), QuizAttempt.status != "open")))) if attempts else 0
        db.engine.dispose()
    return found_completions, found_attempts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--users", type=int, default=16)
    args = parser.parse_args()
    for tool in ("nginx", "redis-server"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists() \
                and not Path(f"/usr/bin/{tool}").exists():
            raise SystemExit(f"{tool} is not installed (Debian: nginx-light, redis-server)")
    tmp = Path(tempfile.mkdtemp(prefix="lms-scaleout-"))
    tmp.chmod(0o755)  # nginx's workers run as another user when started by root
    courses = tmp / "courses"
    shutil.copytree(ROOT / "courses", courses)
    os.environ["LMS_COURSES_DIR"] = str(courses)
    processes: list[subprocess.Popen] = []
    instances: list[Instance] = []
    lines = []
    try:
        redis_port = free_port()
        redis = shutil.which("redis-server") or "/usr/bin/redis-server"
        processes.append(subprocess.Popen([redis, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no", "--dir", str(tmp)],
                                          stdout=(tmp / "redis.log").open("w"), stderr=subprocess.STDOUT))
        print(f"dataset: PostgreSQL, {args.learners} learners...", flush=True)
        url, _seconds = prepare("postgresql", args.learners, name="lms_bench_scaleout")
        accounts = prepare_accounts(url, COURSE)
        env = {**os.environ, "LMS_DATABASE_URL": url, "LMS_SECRET_KEY": SECRET_KEY, "LMS_PROXY_COUNT": "1",
               "LMS_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
               "LMS_TASK_QUEUE": f"redis://127.0.0.1:{redis_port}/1", "LMS_EXPORT_DIR": str(tmp / "exports"),
               "LMS_LOGIN_RATE_LIMIT": "100000 per minute", "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "6 per minute",
               "LMS_DEFAULT_LOCALE": "en"}
        processes.append(subprocess.Popen([str(BIN / "huey_consumer"), "lms.worker.huey", "--workers", "1",
                                           "--worker-type", "thread"], cwd=ROOT, env=env,
                                          stdout=(tmp / "worker.log").open("w"), stderr=subprocess.STDOUT))
        a, b = Instance("a", free_port(), env, tmp), Instance("b", free_port(), env, tmp)
        instances += [a, b]
        a.start()
        b.start()
        port = free_port()
        (tmp / "nginx.conf").write_text(NGINX.format(tmp=tmp, a=a.port, b=b.port, port=port))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        processes.append(subprocess.Popen([nginx, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c",
                                           str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                          stdout=(tmp / "nginx.log").open("w"), stderr=subprocess.STDOUT))
        proxy = f"http://127.0.0.1:{port}"
        wait_ready(processes[-1], proxy, tmp / "nginx.log")

        # Sessions: signed in through the proxy, the cookie works on each instance directly.
        client = requests.Session()
        page = client.get(proxy + "/login")
        answer = client.post(proxy + "/login", data={"csrf_token": TOKEN.search(page.text).group(1),
                                                     "email": "hr@demo.lms.kz", "password": "hr-demo-2026"},
                             allow_redirects=False)
        cookie = client.cookies.get("lms_session")
        on_each = [requests.get(i.base + "/my-learning", cookies={"lms_session": cookie}, allow_redirects=False,
                                timeout=30).status_code for i in (a, b)]
        lines.append(f"- Session: signed in through nginx ({answer.status_code}); the same cookie on instance A "
                     f"and B directly: {on_each[0]} / {on_each[1]} (200 = signed in on both).")

        # Rate limit: 6 sign-in attempts per minute per email address, alternating between the instances.
        codes = []
        for n in range(8):
            target = (a, b)[n % 2]
            probe = requests.Session()
            form = probe.get(target.base + "/login")
            codes.append(probe.post(target.base + "/login", data={
                "csrf_token": TOKEN.search(form.text).group(1), "email": "nobody-scaleout@example.kz",
                "password": "wrong-password-123"}, allow_redirects=False).status_code)
        lines.append(f"- Rate limit (6 sign-in attempts per minute per address), attempts alternating A, B, A, B...: "
                     f"{codes} (429 from the 7th on = one count across both instances, kept in Redis).")

        # Content sync through instance A's settings (a command on that machine) is seen by instance B.
        reader = requests.Session()
        reader.cookies.set("lms_session", accounts["readers"][-1]["cookie"])
        marker = "(edition 2)"
        before = marker in reader.get(b.base + f"/courses/{COURSE}", timeout=30).text
        manifest = courses / COURSE / "course.yml"
        text = manifest.read_text()
        for title in ("AI foundations for public servants", "Основы ИИ для государственных служащих",
                      "Мемлекеттік қызметшілерге арналған ЖИ негіздері"):
            text = text.replace(f": {title}\n", f": {title} {marker}\n", 1)
        manifest.write_text(text)
        subprocess.run([str(BIN / "lms"), "courses", "sync"], env=env, check=True, capture_output=True)
        after = reader.get(b.base + f"/courses/{COURSE}", timeout=30).text
        lines.append(f"- Content: the course page on B before the sync shows the new title: {before}; `lms courses "
                     f"sync` run with A's settings; B's next course page shows the new title: {marker in after}.")

        # The learner mix through nginx; A killed with SIGKILL a third in, started again two thirds in.
        driver = Driver(proxy, accounts["readers"][:args.users], accounts["lessons"])
        threads = [threading.Thread(target=driver.learner, args=(s,)) for s in accounts["readers"][:args.users]]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds / 3)
        killed_at = time.monotonic()
        a.kill()
        time.sleep(args.seconds / 3)
        restart_at = time.monotonic()
        a.start()
        back_at = time.monotonic()
        time.sleep(max(args.seconds - (time.monotonic() - started), 1))
        driver.stop.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - started
        found_completions, found_attempts = stored(url, driver.completions, driver.attempts)
        by_phase = {"before the kill": 0, "within 2 s of the kill": 0, "later": 0}
        for at, _name, _outcome in driver.failures:
            by_phase["before the kill" if at < killed_at else "within 2 s of the kill" if at < killed_at + 2
                     else "later"] += 1
        lines += [
            f"- Learner mix through nginx, {args.users} learners, {elapsed:.0f} s: {driver.requests} requests, "
            f"{len(driver.failures)} failed ({', '.join(f'{k}: {v}' for k, v in by_phase.items())}); failures: "
            f"{sorted({(name, outcome) for _at, name, outcome in driver.failures}) or 'none'}. Instance A killed "
            f"(SIGKILL, master and workers) at {killed_at - started:.0f} s, started again at "
            f"{restart_at - started:.0f} s (answering at {back_at - started:.0f} s).",
            f"- Acknowledged writes stored: lesson completions {found_completions} of {len(driver.completions)}, "
            f"quiz submissions {found_attempts} of {len(driver.attempts)}.",
        ]
    finally:
        for instance in instances:
            instance.stop()
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    print(f"Scale-out run, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{os.getloadavg()[0]:.1f}; files in {tmp}:")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
