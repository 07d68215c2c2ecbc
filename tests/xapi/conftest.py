"""Ralph, a real Learning Record Store (PyPI `ralph-malph`, installed by `make test` into .ci/cache/ralph), on a
free 127.0.0.1 port with a filesystem backend and a basic-auth credentials file under the session's temporary
folder; and xAPI switched on for a test, pointing at it.

Without the installation the tests fail (never skip): run `make test`, or `make .ci/cache/ralph/.installed-5.1.0`.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.courses.conftest import courses_root  # noqa: F401 - fixture used by the one below
from tests.learning.conftest import course_key, quiz_course_key  # noqa: F401 - fixtures for the tests
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = ROOT / ".ci" / "cache" / "ralph"
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
RALPH_CLI = RALPH_VENV / "bin" / "ralph"
#: Statements one xAPI GET returns at most (Ralph's default page size is 100).
PAGE = 100
#: Ralph's LRS app under uvicorn, as `ralph runserver` starts it, with one storage setting: its filesystem backend
#: writes each POST with operation "create", which refuses a statements file that exists, so every POST after the
#: first would answer 500; "append" adds to the file. Validation, duplicate detection and the xAPI GET are Ralph's
#: own, unchanged.
LAUNCHER = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@dataclass
class Ralph:
    """A Ralph LRS process that a test may stop and start again (same port, same stored statements)."""

    folder: Path
    key: str = "lms"
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        """The xAPI base URL, as LMS_XAPI_ENDPOINT takes it."""
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def _env(self) -> dict[str, str]:
        return {**os.environ, "RALPH_APP_DIR": str(self.folder / "app"),
                "RALPH_AUTH_FILE": str(self.folder / "auth.json"), "RALPH_RUNSERVER_BACKEND": "fs",
                "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "statements")}

    def write_credentials(self) -> None:
        """The basic-auth credentials file, made with Ralph's own `ralph auth` (bcrypt hash, scope all)."""
        (self.folder / "statements").mkdir(parents=True, exist_ok=True)
        done = subprocess.run([str(RALPH_CLI), "auth", "-u", self.key, "-p", self.secret, "-s", "all",
                               "-A", "lms-test-client", "http://127.0.0.1", "-w"],
                              env=self._env(), capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-3000:]

    def start(self) -> None:
        """Start the server and wait until it answers (fails the test after 60 s)."""
        log = open(self.folder / "ralph.log", "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            [str(RALPH_PYTHON), "-c", LAUNCHER, str(self.port)], env=self._env(), stdout=log,
            stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("Ralph exited: " + (self.folder / "ralph.log").read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail("Ralph did not answer within 60 s: " + (self.folder / "ralph.log").read_text(errors="replace"))

    def stop(self) -> None:
        """Stop the server (its statements stay in the folder)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None

    def get(self, path: str, **params) -> dict:
        """GET an xAPI resource with the client's credentials; the decoded JSON answer."""
        query = urllib.parse.urlencode(params)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/xAPI/{path}" + (f"?{query}" if query else ""),
            headers={"Authorization": "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode(),
                     "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own http URL
            return json.loads(response.read())

    def statements_of(self, actor: dict) -> list[dict]:
        """Every statement the LRS holds about `actor`, through its xAPI GET (one page), oldest first.

        Ralph's filesystem backend answers in the order it stored them and reverses that for ascending=true
        (its other backends answer newest first): the order is checked against arrival_order() instead."""
        answer = self.get("statements", agent=json.dumps(actor), limit=PAGE)
        assert not answer.get("more"), "more statements than one page"
        return answer["statements"]

    def arrival_order(self) -> list[str]:
        """The ids of every statement in the order the LRS stored them (its statements file, line by line)."""
        path = self.folder / "statements" / "fs_lrs.jsonl"
        if not path.exists():
            return []
        return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """The session's Ralph LRS (started once; a test that stops it starts it again)."""
    if not RALPH_PYTHON.exists() or not RALPH_CLI.exists():
        pytest.fail(f"Ralph is not installed in {RALPH_VENV}: run `make test` "
                    "(or make .ci/cache/ralph/.installed-5.1.0)")
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    server.write_credentials()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def xapi_on(app, ralph, monkeypatch):
    """xAPI switched on for this test, sending to the session's Ralph (settings restored afterwards)."""
    for name, value in {"XAPI_ENABLED": True, "XAPI_ENDPOINT": ralph.endpoint, "XAPI_KEY": ralph.key,
                        "XAPI_SECRET": ralph.secret, "XAPI_ACTOR": "account", "XAPI_BATCH_SIZE": 50}.items():
        monkeypatch.setitem(app.config, name, value)
    yield ralph
    if ralph.process is None:  # a test that stopped it and failed before starting it again
        ralph.start()


def validate_with_ralph(statements: list[dict]) -> list[str]:
    """Check each statement against Ralph's strict xAPI 1.0.3 model (BaseXapiStatement: no unknown fields, IRIs,
    language tags, score bounds); return the errors (none: all valid)."""
    script = (
        "import json, sys\n"
        "from pydantic import ValidationError\n"
        "from ralph.models.xapi.base.statements import BaseXapiStatement\n"
        "errors = []\n"
        "for s in json.load(sys.stdin):\n"
        "    try:\n"
        "        BaseXapiStatement.model_validate(s)\n"
        "    except ValidationError as e:\n"
        "        errors.append(s.get('id', '?') + ': ' + str(e))\n"
        "print(json.dumps(errors))\n"
    )
    done = subprocess.run([str(RALPH_PYTHON), "-c", script], input=json.dumps(statements), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
