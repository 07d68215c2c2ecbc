"""Administration pages: deactivating people (HR within their subtree), the audit log and its CSV, the outbox."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.audit.models import AuditEntry
from lms.audit.services import audit
from lms.db import utcnow
from lms.extensions import db
from lms.mail.models import OutboxMessage
from tests import factories
from tests.conftest import post_form


def _world(app):
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        factories.user("hr@example.kz", roles={Role.HR}, agency=p)
        learner = factories.user("learner@example.kz", agency=c)
        factories.user("admin@example.kz", roles={Role.ADMIN})
        return learner.id


def test_hr_deactivates_a_learner_who_is_signed_out_at_once_and_it_is_audited(app, login_as, client):
    learner_id = _world(app)
    learner_client = app.test_client()
    post_form(learner_client, "/login", {"email": "learner@example.kz", "password": factories.PASSWORD})
    assert learner_client.get("/account").status_code == 200
    hr = login_as("hr@example.kz")
    response = post_form(hr, f"/admin/users/{learner_id}/active", {"active": "no"}, token_from="/admin/users/")
    assert response.status_code == 303
    assert learner_client.get("/account").status_code == 302  # session ended
    with app.app_context():
        assert db.session.get(User, learner_id).is_active is False
        entry = db.session.scalar(select(AuditEntry))
        assert entry.action == "user.deactivated" and entry.actor.email == "hr@example.kz"
        assert entry.summary == {"before": {"active": True}, "after": {"active": False}}


def test_people_search_finds_by_name_and_email_within_scope(app, login_as):
    _world(app)
    with app.app_context():
        factories.user("far@example.kz", agency=factories.agency("U"), full_name="Далёкий Человек")
    hr = login_as("hr@example.kz")
    assert "learner@example.kz" in hr.get("/admin/users/?q=learner").get_data(as_text=True)
    assert "far@example.kz" not in hr.get("/admin/users/").get_data(as_text=True)


def test_audit_csv_has_a_bom_and_neutralises_formulas(app, login_as):
    _world(app)
    with app.app_context():
        audit("test.formula", actor=None, now=utcnow(), object_type="x", object_id="=HYPERLINK(1)")
        db.session.commit()
    response = login_as("admin@example.kz").get("/admin/audit/export.csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK(1)" in text
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.exported")) is not None


def test_admin_retries_a_failed_email(app, login_as):
    _world(app)
    with app.app_context():
        message = OutboxMessage(recipient="a@example.kz", subject="Hi", body="Body", status="failed",
                                last_error="timeout")
        db.session.add(message)
        db.session.commit()
        message_id = message.id
    admin = login_as("admin@example.kz")
    assert "timeout" in admin.get("/admin/outbox/?status=failed").get_data(as_text=True)
    post_form(admin, f"/admin/outbox/{message_id}/retry", {}, token_from="/admin/outbox/")
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_content_status_lists_live_courses(app, login_as):
    _world(app)
    assert login_as("admin@example.kz").get("/admin/content/").status_code == 200


def test_refused_pages_are_recorded_in_the_audit_log(app, login_as):
    _world(app)
    assert login_as("learner@example.kz").get("/admin/audit/").status_code == 403
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access.denied"))
        assert entry.actor.email == "learner@example.kz" and entry.object_id == "/admin/audit/"


def test_content_page_shows_the_last_check_and_sync_results(app, login_as, runner, tmp_path):
    from tests.courses.builders import replace_in, write_course

    _world(app)
    root = tmp_path / "courses"
    folder = write_course(root / "demo", course_id="demo")
    previous, app.config["COURSES_DIR"] = app.config["COURSES_DIR"], str(root)
    try:
        replace_in(folder / "course.yml", "level: beginner", "level: expert")
        assert runner.invoke(args=["courses", "sync"]).exit_code == 1
        replace_in(folder / "course.yml", "level: expert", "level: beginner")
        assert runner.invoke(args=["courses", "check"]).exit_code == 0
    finally:
        app.config["COURSES_DIR"] = previous
    html = login_as("admin@example.kz").get("/admin/content/").get_data(as_text=True)
    assert "Content has errors; nothing was synced." in html
    assert "course.yml" in html  # the problem, with its path:line
    assert "1 course(s), 0 error(s)" in html
