"""API tokens page: a token is shown once, stored as a hash, revoked only by its owner; both are audited."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.api import tokens
from lms.api.models import ApiToken
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.reports import builders as b

SECRET = re.compile(r"lms_[A-Za-z0-9_-]{30,}")


@pytest.fixture
def officers(app):
    with app.app_context():
        agency = factories.agency("A")
        factories.user("hr@example.kz", roles={Role.HR}, agency=agency)
        factories.user("hr2@example.kz", roles={Role.HR}, agency=agency)
        factories.user("learner@example.kz", agency=agency)


def create(client, name: str = "Power BI"):
    return post_form(client, "/reports/api-tokens", {"name": name}, token_from="/reports/api-tokens")


def test_created_token_is_shown_once(app, officers):
    client = b.signed_in(app, "hr@example.kz")
    response = create(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [secret] = SECRET.findall(html)
    assert "Power BI" in html
    later = client.get("/reports/api-tokens").get_data(as_text=True)
    assert secret not in later and not SECRET.search(later)
    assert "Power BI" in later and secret[:12] in later  # the prefix, to tell tokens apart
    assert client.get("/api/v1/courses/summary", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_only_the_hash_is_stored(app, officers):
    client = b.signed_in(app, "hr@example.kz")
    [secret] = SECRET.findall(create(client).get_data(as_text=True))
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash != secret
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (row.prefix, row.name) and secret.startswith(row.prefix)
        assert row.user_id == b.person("hr@example.kz").id and row.revoked_at is None


def test_creation_and_revocation_are_audited_without_the_secret(app, officers):
    client = b.signed_in(app, "hr@example.kz")
    [secret] = SECRET.findall(create(client, "Weekly report").get_data(as_text=True))
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    response = post_form(client, f"/reports/api-tokens/{token_id}/revoke", {}, token_from="/reports/api-tokens")
    assert response.status_code == 302
    with app.app_context():
        hr = b.person("hr@example.kz")
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("api_token."))
                                          .order_by(AuditEntry.id)))
        assert [entry.action for entry in entries] == ["api_token.created", "api_token.revoked"]
        for entry in entries:
            assert (entry.actor_id, entry.object_type, entry.object_id) == (hr.id, "api_token", str(token_id))
            assert entry.summary == {"name": "Weekly report"}
            assert secret not in str(entry.summary)


def test_owner_revokes_and_the_token_stops_working(app, officers):
    client = b.signed_in(app, "hr@example.kz")
    [secret] = SECRET.findall(create(client).get_data(as_text=True))
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    post_form(client, f"/reports/api-tokens/{token_id}/revoke", {}, token_from="/reports/api-tokens")
    assert client.get("/api/v1/rows", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "You have no tokens." in client.get("/reports/api-tokens").get_data(as_text=True)
    # revoking twice: it is gone
    again = post_form(client, f"/reports/api-tokens/{token_id}/revoke", {}, token_from="/reports/api-tokens")
    assert again.status_code == 404


def test_another_user_cannot_revoke_it(app, officers):
    owner = b.signed_in(app, "hr@example.kz")
    [secret] = SECRET.findall(create(owner).get_data(as_text=True))
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    other = b.signed_in(app, "hr2@example.kz")
    response = post_form(other, f"/reports/api-tokens/{token_id}/revoke", {}, token_from="/reports/api-tokens")
    assert response.status_code == 404
    assert other.get("/reports/api-tokens").get_data(as_text=True).count("Power BI") == 0
    assert owner.get("/api/v1/rows", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at)) is None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.revoked")) is None


def test_revoke_without_csrf_is_refused(app, officers):
    client = b.signed_in(app, "hr@example.kz")
    create(client)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.post(f"/reports/api-tokens/{token_id}/revoke").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at)) is None


def test_a_name_is_required(app, officers):
    client = b.signed_in(app, "hr@example.kz")
    assert create(client, "").status_code == 400
    assert create(client, "x" * 101).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_at_most_ten_live_tokens(app, officers):
    with app.app_context():
        for n in range(tokens.MAX_ACTIVE):
            b.api_token("hr@example.kz", f"token {n}")
    client = b.signed_in(app, "hr@example.kz")
    response = create(client, "one too many")
    assert response.status_code == 400
    assert "Revoke one first" in response.get_data(as_text=True)


def test_a_learner_may_not_open_the_page(app, officers):
    client = b.signed_in(app, "learner@example.kz")
    assert client.get("/reports/api-tokens").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, officers):
    response = client.get("/reports/api-tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_tokens_page_gives_each_id_once(app, officers):
    # One revoke form per token: their CSRF fields must not repeat the create form's id (invalid HTML).
    client = b.signed_in(app, "hr@example.kz")
    create(client, "first")
    create(client, "second")
    html = client.get("/reports/api-tokens").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert html.count("/revoke") == 2
    assert sorted(ids) == sorted(set(ids))
