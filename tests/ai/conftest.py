"""Fixtures for the AI tests: a starter course synced, a learner who accepted the notice, and a local model server.

The model server is the one fake the AI tests allow (no registry gives model weights): a small HTTP server on
127.0.0.1 (a free port) that speaks the OpenAI chat completions protocol, with failures. What it does depends on
the model asked for:

- "good": answers citing passage [1] (and echoes nothing of the question);
- "no-answer": answers NO_ANSWER;
- "slow": waits 3 s before answering (longer than the test timeouts);
- "error": answers HTTP 500 with an OpenAI-style error body;
- "malformed": answers 200 with a body that is not JSON;
- "no-citation": answers 200 with text that cites no passage.

Every request body it receives is kept in `.requests`, so tests can check what left the server.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from lms import PROJECT_ROOT
from lms.ai.models import AINoticeAcceptance
from lms.ai.services import NOTICE_VERSION, active_providers
from lms.extensions import db
from tests import factories
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync

STARTER = PROJECT_ROOT / "courses" / "ai-foundations"


class _ChatHandler(BaseHTTPRequestHandler):
    server: ModelServer

    def log_message(self, *args):  # quiet test output
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": payload})
        if self.path != "/v1/chat/completions":
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        model = payload.get("model")
        if model == "slow":
            time.sleep(3)
        if model == "error":
            self._send(500, b'{"error": {"message": "internal error", "type": "server_error"}}')
            return
        if model == "malformed":
            self._send(200, b'{"choices": [{"message": ', "application/json")
            return
        content = {"good": "Machine learning finds patterns in examples [1].", "no-answer": "NO_ANSWER",
                   "no-citation": "Machine learning finds patterns.", "slow": "Late answer [1]."}.get(model, "?")
        body = {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
                "system_fingerprint": "fp-test-1",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 321, "completion_tokens": 12, "total_tokens": 333}}
        self._send(200, json.dumps(body).encode())


class ModelServer(ThreadingHTTPServer):
    """The chat completions server; `base_url` ends in /v1 as vLLM's and Ollama's do."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ChatHandler)
        self.requests: list[dict] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def handle_error(self, request, client_address):
        """Say nothing when a client hung up (the slow answer outlives the app's timeout). socketserver would print
        a traceback to stderr from this thread, into whatever another test captures at that moment (a CLI's output)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def model_server():
    server = ModelServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def openai_settings(app, model_server, monkeypatch):
    """Point the app at the model server (model "good", 1 s timeout); returns a setter for the model name."""
    model_server.requests.clear()
    monkeypatch.setitem(app.config, "AI_PROVIDERS", "openai,extractive")
    monkeypatch.setitem(app.config, "AI_OPENAI_BASE_URL", model_server.base_url)
    monkeypatch.setitem(app.config, "AI_OPENAI_API_KEY", "test-key")
    monkeypatch.setitem(app.config, "AI_OPENAI_TIMEOUT", 1.0)
    monkeypatch.setitem(app.config, "AI_OPENAI_MODEL", "good")

    def use(model: str) -> None:
        app.config["AI_OPENAI_MODEL"] = model
    return use


@pytest.fixture
def starter_course(app, courses_root) -> str:  # noqa: F811 - courses_root comes from tests.courses.conftest
    """The starter course ai-foundations (kk, ru, en; with its final quiz), synced; returns its key."""
    shutil.copytree(STARTER, Path(courses_root) / STARTER.name)
    with app.app_context():
        sync(courses_root)
    return STARTER.name


def accept_notice_for(app, user) -> None:
    """Record the notice acceptance for `user` as the page does (current version and providers)."""
    with app.app_context():
        db.session.add(AINoticeAcceptance(user_id=user.id, version=NOTICE_VERSION,
                                          providers=",".join(active_providers(app.config))))
        db.session.commit()


@pytest.fixture
def learner(app):
    """A learner in an agency (code MDAI) with the name Әлия Қасымова, signed in by the tests that need it."""
    with app.app_context():
        agency = factories.agency("MDAI")
        user = factories.user("aliya@gov.kz", agency=agency, full_name="Әлия Қасымова")
        return SimpleNamespace(id=user.id, email=user.email, full_name=user.full_name)
