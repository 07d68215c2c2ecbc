"""Statements delivered to a real LRS (Ralph, see conftest.py) and read back through its xAPI GET: a learner's
journey in order, valid xAPI 1.0.3, nothing lost while the LRS is down, no duplicates after a replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.db import utcnow
from lms.extensions import db
from lms.xapi.models import StatementStatus, XapiStatement
from lms.xapi.sending import deliver_pending
from tests import factories
from tests.xapi.conftest import validate_with_ralph
from tests.xapi.journey import JOURNEY_VERBS, T0, actor_of, revoke, walk


def _count(status: str | None = None) -> int:
    query = select(func.count()).select_from(XapiStatement)
    if status is not None:
        query = query.where(XapiStatement.status == status)
    return db.session.scalar(query)


def _send(app, **kwargs):
    return deliver_pending(app.config, **kwargs)


def _in_arrival_order(ralph, statements: list[dict]) -> list[dict]:
    """`statements` (read back through the xAPI GET) in the order the LRS received them; every one of them is
    in its store."""
    order = {statement_id: n for n, statement_id in enumerate(ralph.arrival_order())}
    assert all(s["id"] in order for s in statements)
    return sorted(statements, key=lambda s: order[s["id"]])


def _outbox_ids() -> list[str]:
    return list(db.session.scalars(select(XapiStatement.statement_id)
                                   .order_by(XapiStatement.event_at, XapiStatement.id)))


@pytest.fixture
def learner(app, ctx):
    agency = factories.agency("MDAI", name_ru="Министерство цифрового развития", name_en="Digital ministry")
    return factories.user("aliya@example.kz", agency=agency, locale="ru")


def test_a_learners_journey_arrives_in_order_and_reads_back_valid(app, ctx, xapi_on, learner,
                                                                  quiz_course_key):
    ralph = xapi_on
    walk(learner, quiz_course_key)
    revoke(_certificate(learner),
           factories.user("admin@example.kz", roles={Role.ADMIN}), at=T0 + timedelta(hours=3))
    assert _count(StatementStatus.PENDING) == len(JOURNEY_VERBS) + 1

    result = _send(app)
    assert (result.sent, result.rejected, result.failed) == (len(JOURNEY_VERBS) + 1, 0, 0)
    assert _count(StatementStatus.SENT) == len(JOURNEY_VERBS) + 1

    stored = _in_arrival_order(ralph, ralph.statements_of(actor_of(app, learner.id)))
    assert [s["id"] for s in stored] == _outbox_ids()
    assert [s["verb"]["id"] for s in stored] == [*JOURNEY_VERBS, f"{app.config['BASE_URL']}/xapi/verbs/revoked"]
    assert validate_with_ralph(stored) == []
    # What the LRS holds is what was built: the context names the agency, the language and the content version.
    passed = stored[7]
    assert passed["result"]["success"] is True and passed["result"]["score"]["max"] == 100
    assert passed["context"]["language"] == "ru"
    assert passed["context"]["team"]["account"] == {"homePage": f"{app.config['BASE_URL']}/agencies",
                                                    "name": "MDAI"}
    assert stored[5]["result"]["success"] is False
    assert all("aliya" not in str(s["actor"]) for s in stored)


def _certificate(learner):
    from lms.certificates.models import Certificate

    return db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))


def test_statements_recorded_while_the_lrs_is_down_arrive_when_it_is_back(app, ctx, xapi_on, learner,
                                                                           quiz_course_key):
    ralph = xapi_on
    ralph.stop()
    walk(learner, quiz_course_key)
    down = _send(app)
    assert (down.sent, down.failed) == (0, len(JOURNEY_VERBS))
    assert "Connection refused" in down.last_error or "URLError" in down.last_error
    head = db.session.scalar(select(XapiStatement).order_by(XapiStatement.event_at, XapiStatement.id).limit(1))
    assert head.attempts == 1 and head.next_attempt_at > utcnow()
    # Still inside the backoff: nothing is tried, however often the worker runs.
    assert _send(app) == type(down)()
    assert _count(StatementStatus.PENDING) == len(JOURNEY_VERBS)

    ralph.start()
    later = utcnow() + timedelta(seconds=app.config["XAPI_RETRY_SECONDS"] + 1)
    back = _send(app, clock=lambda: later)
    assert (back.sent, back.failed) == (len(JOURNEY_VERBS), 0), back.last_error
    stored = _in_arrival_order(ralph, ralph.statements_of(actor_of(app, learner.id)))
    assert [s["id"] for s in stored] == _outbox_ids()
    assert [s["verb"]["id"] for s in stored] == JOURNEY_VERBS


def test_a_replay_sends_everything_again_and_the_lrs_stores_nothing_twice(app, ctx, xapi_on, learner, runner,
                                                                          quiz_course_key):
    ralph = xapi_on
    walk(learner, quiz_course_key)
    _send(app)
    first = ralph.statements_of(actor_of(app, learner.id))

    result = runner.invoke(args=["xapi", "replay", "--since", T0.date().isoformat(), "--send"])
    assert result.exit_code == 0, result.output
    assert f"{len(JOURNEY_VERBS)} statements queued (0 built" in result.output
    assert f"{len(JOURNEY_VERBS)} sent, 0 rejected" in result.output
    again = ralph.statements_of(actor_of(app, learner.id))
    assert [s["id"] for s in again] == [s["id"] for s in first]
    assert len(again) == len(JOURNEY_VERBS)


def test_a_replay_builds_the_statements_of_events_recorded_while_xapi_was_off(app, ctx, xapi_on, learner, runner,
                                                                              monkeypatch,
                                                                              quiz_course_key):
    ralph = xapi_on
    monkeypatch.setitem(app.config, "XAPI_ENABLED", False)
    walk(learner, quiz_course_key)
    assert _count() == 0
    monkeypatch.setitem(app.config, "XAPI_ENABLED", True)

    result = runner.invoke(args=["xapi", "replay", "--since", T0.date().isoformat(), "--send"])
    assert result.exit_code == 0, result.output
    assert f"({len(JOURNEY_VERBS)} built" in result.output
    stored = _in_arrival_order(ralph, ralph.statements_of(actor_of(app, learner.id)))
    assert [s["verb"]["id"] for s in stored] == JOURNEY_VERBS
    assert validate_with_ralph(stored) == []


def test_wrong_credentials_keep_the_statements_waiting(app, ctx, xapi_on, learner, monkeypatch,
                                                       quiz_course_key):
    monkeypatch.setitem(app.config, "XAPI_SECRET", "not-the-secret")
    walk(learner, quiz_course_key)
    result = _send(app)
    assert (result.sent, result.rejected, result.failed) == (0, 0, len(JOURNEY_VERBS))
    assert result.last_error.startswith("HTTP 401")
    assert _count(StatementStatus.PENDING) == len(JOURNEY_VERBS)


def test_a_statement_the_lrs_refuses_is_rejected_alone_and_the_others_arrive(app, ctx, xapi_on, learner,
                                                                             quiz_course_key):
    ralph = xapi_on
    walk(learner, quiz_course_key)
    broken = db.session.scalars(select(XapiStatement).order_by(XapiStatement.event_at, XapiStatement.id)).all()[3]
    broken.statement = {key: value for key, value in broken.statement.items() if key != "object"}
    db.session.commit()

    result = _send(app)
    assert (result.sent, result.rejected, result.failed) == (len(JOURNEY_VERBS) - 1, 1, 0), result.last_error
    assert result.last_error.startswith(("HTTP 400", "HTTP 422"))
    assert db.session.get(XapiStatement, broken.id).status == StatementStatus.REJECTED
    stored = ralph.statements_of(actor_of(app, learner.id))
    assert len(stored) == len(JOURNEY_VERBS) - 1 and broken.statement_id not in {s["id"] for s in stored}


def test_the_workers_periodic_task_delivers_the_outbox(app, ctx, xapi_on, learner, quiz_course_key):
    ralph = xapi_on
    walk(learner, quiz_course_key)
    # The task as the worker runs it (huey; in its own app context and session, committed by lms.tasks).
    app.extensions["lms.tasks"]["xapi-send"].call_local()
    db.session.rollback()  # read what the task committed
    assert _count(StatementStatus.SENT) == len(JOURNEY_VERBS)
    assert len(ralph.statements_of(actor_of(app, learner.id))) == len(JOURNEY_VERBS)


def test_the_task_sends_nothing_while_xapi_is_off(app, ctx, xapi_on, learner, monkeypatch, quiz_course_key):
    walk(learner, quiz_course_key)
    monkeypatch.setitem(app.config, "XAPI_ENABLED", False)
    app.extensions["lms.tasks"]["xapi-send"].call_local()
    db.session.rollback()
    assert _count(StatementStatus.PENDING) == len(JOURNEY_VERBS)
