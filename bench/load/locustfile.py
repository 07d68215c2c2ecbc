"""Locust scenarios for bench/load/run.py, chosen by user class on the command line:

Ceiling        GET /ceiling/<id> on the minimal Flask app (the framework ceiling)
Reader         a signed-in learner reading: course page and lesson page
FastCeiling, FastReader   the same two on locust's FastHttpUser (geventhttpclient): the same requests for a fraction
               of the generator's CPU, so that on a 2-core machine more of it is left to the servers measured
Learner        the learner mix: My learning, catalogue, course page, lesson page, mark complete, quiz start and submit
SpikeLearner   quiz-deadline spike: each user takes accounts from a shared list and starts and submits the final
               quiz once per account; a user that finds the list empty stops (the others carry on), and the run
               quits when every account has finished its submit (--run-time is only a safety cap)
HrOfficer      one HR officer loading dashboards and requesting an export (run beside Learner)

Signed-in sessions are prepared by run.py (LOAD_SESSIONS: a JSON file of {"cookie": ..., "email": ...}) so that
the measured traffic is not dominated by password hashing at sign-in.

On quitting it writes LOAD_RESULT: per group of requests (the request name before ":") the count, errors, req/s,
p50/p95/p99 and failures by status; the "spike" group also has accounts, finished (accounts whose submit is done),
submitted (submits answered with a redirect, as a stored one is) and seconds (first request sent to last submit
answered).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, HttpUser, between, constant, events, task
from locust.exception import StopUser

SESSIONS = json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text()) if os.environ.get("LOAD_SESSIONS") else {}
COURSE = os.environ.get("LOAD_COURSE", "ai-foundations")
LESSONS = os.environ.get("LOAD_LESSONS", "what-is-ai").split(",")
MAX_ID = int(os.environ.get("LOAD_MAX_USER_ID", "1000"))
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_learners = itertools.cycle(SESSIONS.get("learners", []) or [None])
_spike = list(SESSIONS.get("spike", []))
_spike_done = {"accounts": len(_spike), "finished": 0, "submitted": 0}


def _signed_in(user: HttpUser, session: dict) -> None:
    user.client.cookies.clear()
    # The same domain and path as the server's Set-Cookie, so that a refreshed cookie replaces this one.
    user.client.cookies.set("lms_session", session["cookie"], domain=urlsplit(user.host).hostname, path="/")


def _fast_signed_in(user: FastHttpUser, session: dict) -> None:
    """The same cookie in a FastHttpUser's jar (a host-only cookie for path /, as the server sets it)."""
    user.client.cookiejar.clear()
    user.client.cookiejar.set_cookie(Cookie(
        version=0, name="lms_session", value=session["cookie"], port=None, port_specified=False,
        domain=urlsplit(user.host).hostname, domain_specified=False, domain_initial_dot=False, path="/",
        path_specified=True, secure=False, expires=None, discard=True, comment=None, comment_url=None, rest={}))


def _token(response) -> str | None:
    match = TOKEN.search(response.text or "")
    return match.group(1) if match else None


class Ceiling(HttpUser):
    """The framework ceiling."""

    wait_time = constant(0)

    @task
    def page(self):
        self.client.get(f"/ceiling/{random.randint(1, MAX_ID)}", name="ceiling")


class Reader(HttpUser):
    """Course and lesson pages only (the pages the ceiling is compared with)."""

    wait_time = constant(0)

    def on_start(self):
        _signed_in(self, next(_learners))

    @task
    def course(self):
        self.client.get(f"/courses/{COURSE}", name="course page")

    @task
    def lesson(self):
        self.client.get(f"/courses/{COURSE}/lessons/{random.choice(LESSONS)}", name="lesson page")


class FastCeiling(FastHttpUser):
    """The framework ceiling, driven by the lighter client."""

    wait_time = constant(0)

    @task
    def page(self):
        self.client.get(f"/ceiling/{random.randint(1, MAX_ID)}", name="ceiling")


class FastReader(FastHttpUser):
    """Course and lesson pages, driven by the lighter client."""

    wait_time = constant(0)

    def on_start(self):
        _fast_signed_in(self, next(_learners))

    def _page(self, path: str, name: str) -> None:
        # A refused cookie would redirect to the sign-in page: count anything but 200 as an error.
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    @task
    def course(self):
        self._page(f"/courses/{COURSE}", "course page")

    @task
    def lesson(self):
        self._page(f"/courses/{COURSE}/lessons/{random.choice(LESSONS)}", "lesson page")


class Learner(HttpUser):
    """The learner mix."""

    wait_time = between(0, 0.2)

    def on_start(self):
        _signed_in(self, next(_learners))

    @task(3)
    def dashboard(self):
        self.client.get("/my-learning", name="learner: my learning")

    @task(2)
    def catalogue(self):
        self.client.get("/courses/", name="learner: catalogue")

    @task(3)
    def course(self):
        self.client.get(f"/courses/{COURSE}", name="learner: course page")

    @task(5)
    def lesson_and_complete(self):
        lesson = random.choice(LESSONS)
        page = self.client.get(f"/courses/{COURSE}/lessons/{lesson}", name="learner: lesson page")
        token = _token(page)
        if token:
            self.client.post(f"/courses/{COURSE}/lessons/{lesson}/complete", data={"csrf_token": token},
                             name="learner: mark complete", allow_redirects=False)

    @task(1)
    def quiz(self):
        overview = self.client.get(f"/courses/{COURSE}/quiz", name="learner: quiz overview")
        token = _token(overview)
        if not token:
            return
        started = self.client.post(f"/courses/{COURSE}/quiz/start", data={"csrf_token": token},
                                   name="learner: quiz start", allow_redirects=False)
        location = started.headers.get("Location", "")
        if "/quiz/attempts/" in location:
            page = self.client.get(location, name="learner: quiz page")
            self.client.post(location.rstrip("/") + "/submit", data={"csrf_token": _token(page) or token},
                             name="learner: quiz submit", allow_redirects=False)


class HrOfficer(HttpUser):
    """One HR officer: dashboards while learners work, and one export of the whole agency."""

    wait_time = between(1, 2)
    fixed_count = 1

    def on_start(self):
        _signed_in(self, SESSIONS["hr"])
        page = self.client.get("/reports/", name="hr: dashboard")
        self.client.post("/reports/exports", data={"csrf_token": _token(page), "format": "csv"},
                         name="hr: request export", allow_redirects=False)

    @task
    def dashboard(self):
        self.client.get("/reports/", name="hr: dashboard")


class SpikeLearner(HttpUser):
    """The quiz-deadline spike: start and submit the final quiz once per prepared account."""

    wait_time = constant(0)

    @task
    def submit_once(self):
        if not _spike:
            raise StopUser  # nothing left for this user; the others finish the accounts they hold
        _signed_in(self, _spike.pop())
        try:
            self._start_and_submit()
        except Exception:  # an error in this script still finishes the account (not GreenletExit: the cap's kill)
            self._finished()
            raise
        self._finished()

    def _finished(self):
        _spike_done["finished"] += 1
        if _spike_done["finished"] == _spike_done["accounts"]:
            # Not from this user's greenlet: quit() stops every user, this one included.
            gevent.spawn(self.environment.runner.quit)

    def _start_and_submit(self):
        overview = self.client.get(f"/courses/{COURSE}/quiz", name="spike: quiz overview")
        started = self.client.post(f"/courses/{COURSE}/quiz/start", data={"csrf_token": _token(overview)},
                                   name="spike: quiz start", allow_redirects=False)
        location = started.headers.get("Location", "")
        if "/quiz/attempts/" not in location:
            return
        page = self.client.get(location, name="spike: quiz page")
        submitted = self.client.post(location.rstrip("/") + "/submit", data={"csrf_token": _token(page)},
                                     name="spike: quiz submit", allow_redirects=False)
        _spike_done["submitted"] += 300 <= submitted.status_code < 400


# --- results: response times grouped by the part of the request name before ":" --------------------------------
_times: dict[str, list[float]] = {}
_errors: dict[str, int] = {}
_clock: dict[str, float] = {}
_statuses: dict[str, dict[str, int]] = {}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, response=None, **kwargs):
    group = name.split(":")[0]
    now = time.monotonic()
    _clock.setdefault("start", now)
    _clock["end"] = now
    _clock["sent"] = min(_clock.get("sent", now), now - response_time / 1000)
    if name == "spike: quiz submit":
        _clock["last submit"] = now
    status = getattr(response, "status_code", 0) or 0
    failed = exception is not None or status >= 400
    if response is not None and "database is locked" in (getattr(response, "text", "") or ""):
        failed = True
    _times.setdefault(group, []).append(response_time)
    _errors[group] = _errors.get(group, 0) + (1 if failed else 0)
    if failed:
        _statuses.setdefault(group, {}).setdefault(str(status), 0)
        _statuses[group][str(status)] += 1


@events.quitting.add_listener
def _write(environment, **kwargs):
    target = os.environ.get("LOAD_RESULT")
    if not target:
        return
    elapsed = max(_clock.get("end", 0) - _clock.get("start", 0), 1e-9)
    summary = {}
    for group, times in _times.items():
        ordered = sorted(times)

        def pct(p, ordered=ordered):
            return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

        summary[group] = {"count": len(ordered), "errors": _errors.get(group, 0), "rps": len(ordered) / elapsed,
                          "p50": pct(50), "p95": pct(95), "p99": pct(99), "failed": _statuses.get(group, {})}
    if "spike" in summary:
        summary["spike"].update(_spike_done, seconds=_clock.get("last submit", 0) - _clock.get("sent", 0))
    Path(target).write_text(json.dumps(summary))
