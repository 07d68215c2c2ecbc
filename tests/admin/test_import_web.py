"""Importing employees in the browser: upload, preview, confirm, audit; bad rows apply nothing."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests import factories
from tests.conftest import csrf_token


def _setup(app):
    with app.app_context():
        p = factories.agency("P")
        factories.agency("C", parent=p)
        factories.agency("U")
        factories.user("hr@example.kz", roles={Role.HR}, agency=p)


def _csv(rows: list[str]) -> bytes:
    return ("email,full_name,agency_code,position\n" + "\n".join(rows) + "\n").encode("utf-8-sig")


def _upload(client, data: bytes):
    token = csrf_token(client, "/admin/import")
    return client.post("/admin/import", data={"csrf_token": token, "file": (io.BytesIO(data), "staff.csv")},
                       content_type="multipart/form-data")


def test_hr_imports_500_employees_with_preview_confirm_and_audit(app, login_as):
    _setup(app)
    client = login_as("hr@example.kz")
    rows = [f"person{n}@example.kz,Қызметкер {n},{'C' if n % 2 else 'P'},Маман" for n in range(500)]
    preview = _upload(client, _csv(rows))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert "500 to create" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1  # nothing yet
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', html).group(1)
    response = client.post("/admin/import/confirm", data={"csrf_token": csrf_token(client, "/admin/import"),
                                                          "token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 501
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.users.applied"))
        assert entry.summary["created"] == 500 and entry.actor.email == "hr@example.kz"
    again = client.post("/admin/import/confirm", data={"csrf_token": csrf_token(client, "/admin/import"),
                                                       "token": token})
    assert again.status_code == 404  # applied once; the staged file is gone


def test_bad_rows_are_listed_and_nothing_can_be_applied(app, login_as):
    _setup(app)
    client = login_as("hr@example.kz")
    response = _upload(client, _csv(["ok@example.kz,Ok,C,X", "far@example.kz,Far,U,X", "bad-email,Bad,C,X"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "outside your scope" in html and "not a valid email" in html
    assert 'name="token"' not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_hr_cannot_grant_hr_or_admin_roles_by_import(app, login_as):
    _setup(app)
    client = login_as("hr@example.kz")
    data = b"email,full_name,agency_code,roles\nx@example.kz,X,C,admin\n"
    assert _upload(client, data).status_code == 400


def test_windows_1251_file_is_refused_with_a_message(app, login_as):
    _setup(app)
    client = login_as("hr@example.kz")
    response = _upload(client, "email,full_name,agency_code\na@example.kz,Иван,C\n".encode("cp1251"))
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
