"""Editing the agency tree in the browser: create, rename, move (people stay), cycles and taken codes refused."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.agencies.models import Agency
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests import factories
from tests.conftest import post_form


def _world(app):
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        factories.agency("U")
        factories.user("person@example.kz", agency=c)
        factories.user("admin@example.kz", roles={Role.ADMIN})


def _data(**changes) -> dict:
    data = {"code": "C", "name_kk": "Бөлім", "name_ru": "Отдел", "name_en": "Division", "parent": "P",
            "is_active": "y"}
    data.update(changes)
    return data


def test_admin_creates_an_agency(app, login_as):
    _world(app)
    client = login_as("admin@example.kz")
    response = post_form(client, "/admin/agencies/new", _data(code="NEW", parent="U"), token_from="/admin/agencies/new")
    assert response.status_code == 303
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == "NEW"))
        assert agency.parent.code == "U" and agency.name_kk == "Бөлім"
        # besides the sign-in's own entry (auth.signed_in)
        assert set(db.session.scalars(select(AuditEntry.action))) - {"auth.signed_in"} == {"agency.created"}


def test_moving_an_agency_keeps_its_people(app, login_as):
    _world(app)
    client = login_as("admin@example.kz")
    response = post_form(client, "/admin/agencies/C", _data(parent="U"), token_from="/admin/agencies/C")
    assert response.status_code == 303
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == "person@example.kz"))
        assert person.agency.code == "C" and person.agency.parent.code == "U"


def test_a_move_that_would_make_a_cycle_is_refused(app, login_as):
    _world(app)
    client = login_as("admin@example.kz")
    response = post_form(client, "/admin/agencies/P", _data(code="P", parent="C"), token_from="/admin/agencies/P")
    assert response.status_code == 400
    assert "cannot be moved under itself" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Agency).where(Agency.code == "P")).parent is None


def test_a_taken_code_is_refused(app, login_as):
    _world(app)
    client = login_as("admin@example.kz")
    response = post_form(client, "/admin/agencies/new", _data(code="U"), token_from="/admin/agencies/new")
    assert response.status_code == 400
    assert "already used" in response.get_data(as_text=True)
