"""Requests that write take the write lock up front, whatever their method (SQLite: BEGIN IMMEDIATE), so that
concurrent readers-turned-writers wait for the lock instead of failing with "database is locked"."""

from __future__ import annotations

import threading

import pytest
from flask import has_request_context, request
from sqlalchemy import event, func, select

from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.db import WRITE_OPTION
from lms.extensions import db
from tests.api.test_api import bearer, make_tokens
from tests.certificates.test_issue import certified  # noqa: F401 - fixture
from tests.exports.test_jobs import download, exported
from tests.learning.conftest import course_key, courses_root, sync  # noqa: F401 - fixtures
from tests.reports import builders as b
from tests.reports.conftest import offices  # noqa: F401 - fixture
from tests.test_access_matrix import CASES, ROLES, build_world

THREADS, TIMES = 6, 15
WRITES = ("INSERT", "UPDATE", "DELETE")


def hammer(clients, send, times: int = TIMES) -> list:
    """Run send(client) `times` times in each of len(clients) threads started together; return every outcome
    (what send returned, or the exception it raised)."""
    start = threading.Barrier(len(clients))
    outcomes: list = []

    def worker(client):
        start.wait()
        for _ in range(times):
            try:
                outcomes.append(send(client))
            except BaseException as exc:  # collected and reported by the test
                outcomes.append(exc)

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def deferred_writes(app):
    """Writes, during a request, in a transaction that read first without having been begun as a write transaction
    (on SQLite such a reader cannot become a writer once another connection has written: "database is locked")."""
    found: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_begin(connection):
        connection.info["lms_write"] = bool(connection.get_execution_options().get(WRITE_OPTION))
        connection.info["lms_read"] = False

    def on_execute(connection, _cursor, statement, _parameters, _context, _executemany):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb == "SELECT":
            connection.info["lms_read"] = True
        elif verb in WRITES and has_request_context() and connection.info.get("lms_read") \
                and not connection.info.get("lms_write"):
            found.append(f"{request.method} {request.path}: {' '.join(statement.split()[:3])}")

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_execute)
    yield found
    event.remove(engine, "begin", on_begin)
    event.remove(engine, "before_cursor_execute", on_execute)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_request_of_the_access_matrix_writes_without_the_write_lock(app, client, login_as, deferred_writes,
                                                                          role):
    world = build_world(app)
    ids = world["ids"]
    if role != "anonymous":
        login_as(world["emails"][role])
    deferred_writes.clear()  # signing in is a POST
    for case in CASES:
        if case.method == "GET":
            path = case.path.format(**ids, me=ids["learner" if role == "anonymous" else role],
                                    missing=max(ids.values()) + 1000, reset_token=world["reset_token"])
            client.get(path).close()
    assert deferred_writes == []


@pytest.mark.usefixtures("offices")
def test_downloading_an_export_and_calling_the_api_write_under_the_lock(app, deferred_writes):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client)
    assert download(client, token).status_code == 200
    secret = make_tokens(app)["hr-root"]
    assert client.get("/api/v1/agencies/summary", headers=bearer(secret)).status_code == 200
    assert deferred_writes == []


@pytest.mark.usefixtures("offices")
def test_concurrent_downloads_of_one_export_all_succeed(app):
    owner = b.signed_in(app, "hr-root@example.kz")
    token = exported(owner)
    clients = [b.signed_in(app, "hr-root@example.kz") for _ in range(THREADS)]
    outcomes = hammer(clients, lambda client: download(client, token).status_code)
    assert outcomes == [200] * THREADS * TIMES
    with app.app_context():
        downloads = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export.downloaded")
        assert db.session.scalar(downloads) == THREADS * TIMES


@pytest.mark.usefixtures("offices")
def test_concurrent_refused_pages_are_all_answered_and_audited(app):
    clients = [b.signed_in(app, "r-new@example.kz") for _ in range(THREADS)]
    outcomes = hammer(clients, lambda client: client.get("/reports/").status_code)
    assert outcomes == [403] * THREADS * TIMES
    with app.app_context():
        refused = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "access.denied")
        assert db.session.scalar(refused) == THREADS * TIMES


@pytest.mark.usefixtures("offices")
def test_concurrent_api_calls_all_succeed(app):
    secrets = [make_tokens(app)["hr-root"] for _ in range(THREADS)]  # one token per thread: each marks its use
    clients = [app.test_client() for _ in range(THREADS)]
    for client, secret in zip(clients, secrets, strict=True):
        client.secret = secret
    outcomes = hammer(clients, lambda client: client.get("/api/v1/overdue", headers=bearer(client.secret)).status_code)
    assert outcomes == [200] * THREADS * TIMES


def test_concurrent_first_downloads_of_a_certificate_pdf_all_get_the_same_file(app, login_as, certified,  # noqa: F811
                                                                                tmp_path):
    cache, kept = tmp_path / "certificates", app.config["CERTIFICATE_CACHE_DIR"]
    app.config["CERTIFICATE_CACHE_DIR"] = str(cache)
    try:
        owner = login_as("aliya@example.kz")
        cookie = owner.get_cookie("lms_session").value
        clients = []
        for _ in range(THREADS):
            clients.append(app.test_client())
            clients[-1].set_cookie("lms_session", cookie)

        def fetch(client):
            response = client.get(f"/certificates/{certified}.pdf?lang=en")
            for path in cache.glob("*.pdf"):
                path.unlink(missing_ok=True)  # the next one generates it again
            return response.status_code, response.data[:4]

        outcomes = hammer(clients, fetch, times=4)
    finally:
        app.config["CERTIFICATE_CACHE_DIR"] = kept
    assert len(outcomes) == THREADS * 4
    assert [outcome for outcome in outcomes if outcome != (200, b"%PDF")] == []
    assert list(cache.glob("*.tmp")) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
