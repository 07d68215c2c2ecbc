"""The line manager on the People pages (edit by e-mail, cycles and unknown people refused) and on the learner
record."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.managers import set_manager
from lms.accounts.models import Role, User
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.conftest import csrf_token, post_form


def _world(app) -> dict[str, int]:
    with app.app_context():
        p = factories.agency("P")
        u = factories.agency("U")
        factories.user("hr@example.kz", roles={Role.HR}, agency=p)
        factories.user("admin@example.kz", roles={Role.ADMIN})
        boss = factories.user("boss@example.kz", agency=p, full_name="Бастық Бастықов")
        staff = factories.user("staff@example.kz", agency=p, full_name="Staff Person")
        far = factories.user("far@example.kz", agency=u)
        return {"boss": boss.id, "staff": staff.id, "far": far.id}


def _form(**changes) -> dict:
    data = {"email": "staff@example.kz", "full_name": "Staff Person", "position": "", "agency": "P", "locale": "",
            "roles": ["learner"], "manager_email": ""}
    data.update(changes)
    return data


def _manager_id(app, user_id: int) -> int | None:
    with app.app_context():
        return db.session.get(User, user_id).manager_id


def test_hr_sets_a_manager_by_email_and_it_is_audited_and_shown(app, login_as):
    ids = _world(app)
    client = login_as("hr@example.kz")
    path = f"/admin/users/{ids['staff']}"
    response = post_form(client, path, _form(manager_email="Boss@Example.kz"), token_from=path)
    assert response.status_code == 303
    assert _manager_id(app, ids["staff"]) == ids["boss"]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.manager_changed"))
        assert entry.summary["after"] == {"manager": "boss@example.kz"}
    assert 'value="boss@example.kz"' in client.get(path).get_data(as_text=True)
    assert "Бастық Бастықов" in client.get("/admin/users/").get_data(as_text=True)
    record = client.get(f"/reports/learners/{ids['staff']}").get_data(as_text=True)
    assert "Line manager" in record and "Бастық Бастықов (boss@example.kz)" in record


def test_an_empty_manager_field_clears_the_manager(app, login_as):
    ids = _world(app)
    with app.app_context():
        set_manager(db.session.get(User, ids["staff"]), db.session.get(User, ids["boss"]), actor=None, now=utcnow())
        db.session.commit()
    client = login_as("hr@example.kz")
    path = f"/admin/users/{ids['staff']}"
    assert post_form(client, path, _form(), token_from=path).status_code == 303
    assert _manager_id(app, ids["staff"]) is None


def test_a_manager_that_would_make_a_cycle_is_refused_and_nothing_is_saved(app, login_as):
    ids = _world(app)
    with app.app_context():
        set_manager(db.session.get(User, ids["boss"]), db.session.get(User, ids["staff"]), actor=None, now=utcnow())
        db.session.commit()
    client = login_as("hr@example.kz")
    path = f"/admin/users/{ids['staff']}"
    response = post_form(client, path, _form(full_name="Renamed", manager_email="boss@example.kz"), token_from=path)
    assert response.status_code == 400
    assert "already reports to staff@example.kz" in response.get_data(as_text=True)
    with app.app_context():
        staff = db.session.get(User, ids["staff"])
        assert (staff.manager_id, staff.full_name) == (None, "Staff Person")


def test_being_ones_own_manager_is_refused(app, login_as):
    ids = _world(app)
    client = login_as("admin@example.kz")
    path = f"/admin/users/{ids['staff']}"
    response = post_form(client, path, _form(manager_email="staff@example.kz"), token_from=path)
    assert response.status_code == 400 and "cannot be their own manager" in response.get_data(as_text=True)


def test_an_unknown_or_out_of_scope_manager_is_refused_alike(app, login_as):
    ids = _world(app)
    client = login_as("hr@example.kz")
    path = f"/admin/users/{ids['staff']}"
    for email in ("nobody@example.kz", "far@example.kz"):
        response = post_form(client, path, _form(manager_email=email), token_from=path)
        assert response.status_code == 400
        assert "No person you may see has this address." in response.get_data(as_text=True)
    assert _manager_id(app, ids["staff"]) is None


def test_an_admin_may_name_anyone_and_creating_an_account_takes_a_manager(app, login_as):
    ids = _world(app)
    client = login_as("admin@example.kz")
    response = post_form(client, "/admin/users/new", _form(email="new@example.kz", manager_email="far@example.kz"),
                         token_from="/admin/users/new")
    assert response.status_code == 303
    with app.app_context():
        new = db.session.scalar(select(User).where(User.email == "new@example.kz"))
        assert new.manager_id == ids["far"]


def test_a_tampered_csrf_token_is_refused(app, login_as):
    ids = _world(app)
    client = login_as("hr@example.kz")
    path = f"/admin/users/{ids['staff']}"
    token = csrf_token(client, path)
    # A character of the signed data changed (the token's last characters may carry bits base64 decoding drops).
    tampered = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    response = client.post(path, data={"csrf_token": tampered, **_form(manager_email="boss@example.kz")})
    assert response.status_code == 400
    assert _manager_id(app, ids["staff"]) is None
