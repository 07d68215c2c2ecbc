"""The outbox (lms.xapi.outbox): a statement per learning event in the event's own transaction, nothing while
xAPI is off, opaque actors, and `lms xapi status`. No LRS is needed here (test_lrs.py delivers)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses import services as courses
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Activity
from lms.xapi.models import StatementStatus, XapiActor, XapiStatement
from tests import factories
from tests.conftest import post_form
from tests.xapi.journey import T0, walk

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture
def xapi_config(app, monkeypatch):
    """xAPI on, towards an LRS that is never called here."""
    for name, value in {"XAPI_ENABLED": True, "XAPI_ENDPOINT": "http://127.0.0.1:9/xAPI/",
                        "XAPI_ACTOR": "account"}.items():
        monkeypatch.setitem(app.config, name, value)


def _statements() -> list[XapiStatement]:
    return list(db.session.scalars(select(XapiStatement).order_by(XapiStatement.event_at, XapiStatement.id)))


def test_enrolling_through_the_page_writes_its_statement_with_the_enrolment(app, login_as, xapi_config,
                                                                            course_key):
    with app.app_context():
        factories.user("learner@example.kz")
    client = login_as("learner@example.kz")
    response = post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    assert response.status_code == 303
    with app.app_context():
        (row,) = _statements()
        activity = db.session.get(Activity, row.activity_id)
        assert activity.verb == "enrolled"
        assert row.status == StatementStatus.PENDING and row.attempts == 0
        assert row.statement["id"] == row.statement_id and UUID.fullmatch(row.statement_id)
        assert row.statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/registered"
        assert row.statement["object"]["id"] == f"{app.config['BASE_URL']}/courses/{course_key}"


def test_an_event_rolled_back_leaves_no_statement(app, ctx, xapi_config, course_key):
    learner = factories.user("learner@example.kz")
    learning.enroll(learner, courses.get_live_course(course_key), now=T0)
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 0
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0


def test_nothing_is_written_while_xapi_is_off(app, ctx, quiz_course_key):
    assert app.config["XAPI_ENABLED"] is False
    walk(factories.user("learner@example.kz"), quiz_course_key)
    assert db.session.scalar(select(func.count()).select_from(Activity)) > 0
    assert _statements() == []


def test_the_actor_is_an_opaque_name_kept_for_every_event(app, ctx, xapi_config, quiz_course_key):
    learner = factories.user("aliya.kasymova@example.kz", employee_id="E-1042")
    walk(learner, quiz_course_key)
    names = {row.statement["actor"]["account"]["name"] for row in _statements()}
    stored = db.session.scalar(select(XapiActor.name).where(XapiActor.user_id == learner.id))
    assert names == {stored} and UUID.fullmatch(stored)
    assert {row.statement["actor"]["account"]["homePage"] for row in _statements()} == {app.config["BASE_URL"]}
    text = str([row.statement for row in _statements()])
    assert "aliya" not in text and "E-1042" not in text and f"'{learner.id}'" not in text


def test_the_email_is_the_actor_when_configured_so(app, ctx, xapi_config, monkeypatch, course_key):
    monkeypatch.setitem(app.config, "XAPI_ACTOR", "mbox")
    learner = factories.user("learner@example.kz")
    learning.enroll(learner, courses.get_live_course(course_key), now=T0)
    db.session.commit()
    (row,) = _statements()
    assert row.statement["actor"] == {"objectType": "Agent", "mbox": "mailto:learner@example.kz"}


def test_an_assignment_writes_one_statement_per_person_enrolled_and_none_for_the_assignment(app, ctx, xapi_config,
                                                                                           course_key):
    agency = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.HR}, agency=agency)
    people = [factories.user(f"p{n}@example.kz", agency=agency) for n in range(5)]
    create_assignment(NewAssignment(course=courses.get_live_course(course_key), due_at=T0 + timedelta(days=30),
                                    target_kind="agency", agency=agency), actor=hr, now=T0)
    db.session.commit()
    rows = _statements()
    # Everyone in the agency is enrolled (the HR officer too); the assignment itself makes no statement.
    assert sorted(db.session.get(Activity, row.activity_id).user_id for row in rows) == sorted(
        p.id for p in [hr, *people])
    assert {row.statement["verb"]["id"] for row in rows} == {"http://adlnet.gov/expapi/verbs/registered"}
    assert {row.statement["context"]["team"]["account"]["name"] for row in rows} == {"A"}
    assert len({row.statement["actor"]["account"]["name"] for row in rows}) == 6


def test_the_journey_writes_its_statements_in_order_with_language_and_content_version(app, ctx, xapi_config,
                                                                                      quiz_course_key):
    walk(factories.user("learner@example.kz"), quiz_course_key, language="ru")
    rows = _statements()
    verbs = [db.session.get(Activity, row.activity_id).verb for row in rows]
    assert verbs == ["enrolled", "lesson_completed", "lesson_completed", "lesson_completed", "quiz_started",
                     "quiz_failed", "quiz_started", "quiz_passed", "course_completed", "certificate_issued"]
    assert {row.statement["context"]["language"] for row in rows[1:]} == {"ru"}
    lesson = rows[1].statement
    assert lesson["object"]["definition"]["name"]["ru"]
    assert lesson["context"]["extensions"][f"{app.config['BASE_URL']}/xapi/extensions/content-version"]
    failed, passed = rows[5].statement, rows[7].statement
    assert failed["result"]["success"] is False and passed["result"]["success"] is True
    assert passed["result"]["score"]["raw"] == 100 and passed["result"]["duration"] == "PT180S"
    assert rows[9].statement["object"]["id"].startswith(f"{app.config['BASE_URL']}/verify/")


def test_status_shows_the_backlog(app, ctx, runner, xapi_config, course_key):
    learner = factories.user("learner@example.kz")
    learning.enroll(learner, courses.get_live_course(course_key), now=T0)
    db.session.commit()
    result = runner.invoke(args=["xapi", "status"])
    assert result.exit_code == 0, result.output
    assert "xAPI: on, endpoint http://127.0.0.1:9/xAPI/" in result.output
    assert "pending: 1\n" in result.output and "sent: 0\n" in result.output
    assert "oldest pending event: 2026-02-02 09:00:00 UTC" in result.output


def test_replay_and_send_refuse_while_xapi_is_off(runner):
    for args in (["xapi", "replay", "--since", "2026-01-01"], ["xapi", "send"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "xAPI is off" in result.output


def test_a_large_enrolment_gets_every_statement_in_chunks(app, ctx, xapi_config, course_key):
    from lms.accounts.models import User
    from lms.learning.models import EnrollmentSource

    people = [User(email=f"bulk{n}@example.kz", full_name=f"Bulk {n}") for n in range(1203)]
    db.session.add_all(people)
    db.session.commit()
    created = learning.enroll_many([p.id for p in people], courses.get_live_course(course_key), now=T0,
                                   source=EnrollmentSource.ASSIGNMENT)
    db.session.commit()
    assert len(created) == 1203
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 1203
    assert db.session.scalar(select(func.count(func.distinct(XapiActor.name)))) == 1203
