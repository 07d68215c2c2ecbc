"""Creating and editing people in the browser, with the HR officer's limits, and the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.mail.models import OutboxMessage
from tests import factories
from tests.conftest import post_form


def _world(app) -> int:
    with app.app_context():
        p = factories.agency("P")
        factories.agency("C", parent=p)
        factories.user("hr@example.kz", roles={Role.HR}, agency=p)
        factories.user("admin@example.kz", roles={Role.ADMIN})
        return factories.user("learner@example.kz", agency=p, full_name="Old Name").id


def _form(**changes) -> dict:
    data = {"email": "learner@example.kz", "full_name": "Жаңа Есім", "position": "Маман", "agency": "C",
            "locale": "kk", "roles": ["learner"]}
    data.update(changes)
    return data


def test_hr_edits_a_learner_and_the_change_is_audited(app, login_as):
    learner_id = _world(app)
    client = login_as("hr@example.kz")
    response = post_form(client, f"/admin/users/{learner_id}", _form(), token_from=f"/admin/users/{learner_id}")
    assert response.status_code == 303
    with app.app_context():
        learner = db.session.get(User, learner_id)
        assert (learner.full_name, learner.agency.code, learner.locale) == ("Жаңа Есім", "C", "kk")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.changed"))
        assert entry.summary["before"]["full_name"] == "Old Name"


def test_hr_cannot_grant_the_admin_role(app, login_as):
    learner_id = _world(app)
    client = login_as("hr@example.kz")
    assert 'value="admin"' not in client.get(f"/admin/users/{learner_id}").get_data(as_text=True)
    response = post_form(client, f"/admin/users/{learner_id}", _form(roles=["learner", "admin"]),
                         token_from=f"/admin/users/{learner_id}")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, learner_id).roles == {Role.LEARNER}


def test_admin_role_change_is_audited_as_such(app, login_as):
    learner_id = _world(app)
    client = login_as("admin@example.kz")
    post_form(client, f"/admin/users/{learner_id}", _form(roles=["learner", "author"]),
              token_from=f"/admin/users/{learner_id}")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles_changed"))
        assert entry.summary["after"]["roles"] == ["author", "learner"]


def test_creating_an_account_and_sending_a_password_link(app, login_as):
    _world(app)
    client = login_as("hr@example.kz")
    response = post_form(client, "/admin/users/new", _form(email="new@example.kz"), token_from="/admin/users/new")
    assert response.status_code == 303
    with app.app_context():
        new = db.session.scalar(select(User).where(User.email == "new@example.kz"))
        assert new.password_hash is None and new.roles == {Role.LEARNER}
    post_form(client, f"/admin/users/{new.id}/reset", {}, token_from=f"/admin/users/{new.id}")
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "new@example.kz"))
        assert "/password/reset/" in message.body


def test_a_taken_email_is_refused_with_a_message(app, login_as):
    _world(app)
    client = login_as("hr@example.kz")
    response = post_form(client, "/admin/users/new", _form(email="hr@example.kz"), token_from="/admin/users/new")
    assert response.status_code == 400
    assert "already uses this address" in response.get_data(as_text=True)
