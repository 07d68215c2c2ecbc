"""Fixtures: one app per test session, a clean database per test, a client, and sign-in helpers.

The database is SQLite in a temporary folder, or the one named by LMS_TEST_DATABASE_URL
(.ci/run sets it to PostgreSQL for the second run of the suite).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

import lms
from lms import create_app
from lms.extensions import db as _db
from lms.extensions import limiter
from tests import factories

#: Apps built by the tests, and the `lms` processes they start, read no instance/lms.toml of the checkout (a
#: developer's own settings, e.g. from the README's sign-in walk-throughs): their instance folder is an empty one.
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-test-instance-")
#: Nor the developer's shell settings of the dev server (make run's SCORM content origin): tests set what they need.
os.environ.pop("LMS_SCORM_CONTENT_ORIGIN", None)
lms.INSTANCE_PATH = Path(os.environ["LMS_INSTANCE_PATH"])
atexit.register(shutil.rmtree, lms.INSTANCE_PATH, ignore_errors=True)

CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def database_url(tmp_path_factory) -> str:
    """The URL of the test database: a SQLite file in this run's temporary folder, or the PostgreSQL database named by
    LMS_TEST_DATABASE_URL (under pytest-xdist, a database of each worker's own beside it)."""
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    """Create (afresh) the database `<name>_<worker>` on the server of `url` and return its URL."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def settings_for_tests(url: str, **extra) -> dict:
    """Settings for a test app: isolated database, known secret, English by default, cheap password hashes."""
    return {"ENV": "testing", "TESTING": True, "DATABASE_URL": url, "DEFAULT_LOCALE": "en",
            "SECRET_KEY": "test-secret-key-" + "x" * 32, "MAIL_BACKEND": "console", "TASK_QUEUE": "immediate",
            "PASSWORD_HASH_COST": "cheap", **extra}


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    url = database_url(tmp_path_factory)
    yield url
    if url != os.environ.get("LMS_TEST_DATABASE_URL", url):  # a worker's own PostgreSQL database goes with the run
        worker = make_url(url)
        admin = create_engine(worker.set(database=make_url(os.environ["LMS_TEST_DATABASE_URL"]).database),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{worker.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def app(db_url, tmp_path_factory):
    files = tmp_path_factory.mktemp("instance")
    app = create_app(settings_for_tests(db_url, SIGNING_KEY_PATH=str(files / "signing-key.jwk"),
                                        CERTIFICATE_CACHE_DIR=str(files / "certificates"),
                                        EXPORT_DIR=str(files / "exports")))
    app.instance_path = str(files)  # status files and import staging of this run only (runs may overlap)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def make_app(app, db_url):
    """Build extra apps with other settings (same database unless `url` is given); their pools close afterwards."""
    made = []

    def _make(url: str | None = None, **extra):
        extra_app = create_app(settings_for_tests(url or db_url, **extra))
        made.append(extra_app)
        return extra_app

    yield _make
    for extra_app in made:
        with extra_app.app_context():
            _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Every test starts and ends with empty tables and fresh rate limits."""
    yield
    with app.app_context():
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(delete(table))
        _db.session.commit()
        limiter.reset()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services directly (not for tests using `client`)."""
    with app.app_context():
        yield
        _db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/login") -> str:
    """Fetch a page (following redirects: "/" sends a signed-in user to "My learning") and return the CSRF token of
    its first form."""
    response = client.get(path, follow_redirects=True)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def post_form(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST a form with a valid CSRF token taken from `token_from` (default: the same path, else /login)."""
    token = csrf_token(client, token_from or "/login")
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture
def login_as(app, client):
    """Sign the test client in as a user (created with factories.PASSWORD) and return the client."""

    def _login(email: str, password: str = factories.PASSWORD):
        response = post_form(client, "/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return client

    return _login
