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
        # (the sign-ins are audited too: auth.signed_in)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivated"))
        assert entry.actor.email == "hr@example.kz"
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


def _synced_translations(app, runner, tmp_path):
    from tests.courses.builders import write_course

    root = tmp_path / "courses"
    write_course(root / "demo", course_id="demo", languages=("en", "ru"))
    previous, app.config["COURSES_DIR"] = app.config["COURSES_DIR"], str(root)
    try:
        result = runner.invoke(args=["courses", "sync"])
        assert result.exit_code == 0, result.output
    finally:
        app.config["COURSES_DIR"] = previous
    return root


def test_content_page_shows_the_translation_status_the_last_sync_recorded(app, login_as, runner, tmp_path):
    import re
    from pathlib import Path

    from lms.courses.status import FILE_NAME

    _world(app)
    (Path(app.instance_path) / FILE_NAME).unlink(missing_ok=True)  # the status file of earlier tests
    admin = login_as("admin@example.kz")
    assert "No sync has recorded the translation status" in admin.get("/admin/content/").get_data(as_text=True)
    _synced_translations(app, runner, tmp_path)
    html = admin.get("/admin/content/").get_data(as_text=True)
    table = html[html.index('<table class="table" id="translation-status">'):]
    table = table[:table.index("</table>")]
    assert "<caption>Translation status:" in table
    assert '<th scope="col">Quiz questions</th>' in table
    assert re.search(r'<th scope="rowgroup" rowspan="3">Test course <code>demo</code></th>', table)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[2:]]
    assert rows[0].startswith("Test course demo Kazakh 0 of 3 0 of 5 0 intro , data-basics , wrap-up None declared")
    assert rows[1].startswith("Russian 3 of 3 1 of 5") and "Awaiting review" in rows[1]
    assert rows[2].startswith("English (default) 3 of 3 5 of 5") and "Awaiting review" in rows[2]
    assert "Lesson <code>intro</code>" in table and "Media file <code>media/diagram.svg</code>" in table


def test_content_page_translation_status_is_in_the_readers_language(app, client, runner, tmp_path):
    _world(app)
    with app.app_context():
        factories.user("admin-kk@example.kz", roles={Role.ADMIN}, locale="kk")
        factories.user("admin-ru@example.kz", roles={Role.ADMIN}, locale="ru")
    _synced_translations(app, runner, tmp_path)
    for email, words in (("admin-kk@example.kz", ("Аудармалар", "Қазақ тілі", "Тексеруді күтеді")),
                         ("admin-ru@example.kz", ("Переводы", "Казахский", "Ожидает проверки"))):
        reader = app.test_client()
        post_form(reader, "/login", {"email": email, "password": factories.PASSWORD})
        html = reader.get("/admin/content/").get_data(as_text=True)
        for word in words:
            assert word in html, (email, word)


def test_a_sync_of_one_course_keeps_the_recorded_status_of_the_others(app, runner, tmp_path):
    from lms.courses.status import read_results
    from tests.courses.builders import write_course

    root = _synced_translations(app, runner, tmp_path)
    write_course(root / "other", course_id="other", languages=("en",))
    previous, app.config["COURSES_DIR"] = app.config["COURSES_DIR"], str(root)
    try:
        assert runner.invoke(args=["courses", "sync", str(root / "other")]).exit_code == 0
        assert [c["course_id"] for c in read_results(app.instance_path)["translations"]["courses"]] == \
            ["demo", "other"]
        (root / "other" / "course.yml").unlink()
        for path in sorted((root / "other").rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (root / "other").rmdir()
        assert runner.invoke(args=["courses", "sync", "--allow-retire"]).exit_code == 0
    finally:
        app.config["COURSES_DIR"] = previous
    assert [c["course_id"] for c in read_results(app.instance_path)["translations"]["courses"]] == ["demo"]


def test_audit_csv_neutralises_a_leading_minus_and_carriage_return(app, login_as):
    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
        audit("test.minus", actor=None, now=utcnow(), object_type="x", object_id="-1+1")
        audit("test.return", actor=None, now=utcnow(), object_type="x", object_id="\r=1+1")
        db.session.commit()
    body = login_as("admin@example.kz").get("/admin/audit/export.csv").get_data(as_text=True)
    assert ",'-1+1," in body
    assert "'\r=1+1" in body
