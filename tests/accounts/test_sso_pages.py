"""The pages around single sign-on: password sign-in switched off but for break-glass admins, linked identities on
the person page and an administrator's unlink, the audit of password sign-ins, and the provider settings."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import ExternalIdentity, Role
from lms.audit.models import AuditEntry
from lms.config import ConfigError, app_settings
from lms.extensions import db
from lms.identity_providers import oidc_providers
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def password_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_ADMINS", "Root@Example.kz, notadmin@example.kz")


def audit_rows():
    return [(entry.action, entry.summary.get("reason"))
            for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_password_sign_in_off_refuses_a_learner_with_the_right_password(app, client, password_off):
    with app.app_context():
        factories.user("learner@example.kz")
    response = post_form(client, "/login", {"email": "learner@example.kz", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "switched off" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    with app.app_context():
        assert audit_rows() == [("auth.sign_in_failed", "password_sign_in_off")]


def test_password_sign_in_off_still_admits_a_break_glass_admin(app, client, password_off):
    with app.app_context():
        factories.user("root@example.kz", roles={Role.ADMIN})
    response = post_form(client, "/login", {"email": "root@example.kz", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_a_break_glass_address_that_is_not_an_admin_is_refused(app, client, password_off):
    with app.app_context():
        factories.user("notadmin@example.kz")
    response = post_form(client, "/login", {"email": "notadmin@example.kz", "password": factories.PASSWORD})
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_the_login_page_tucks_the_password_form_away_when_it_is_off(client, password_off):
    body = client.get("/login").get_data(as_text=True)
    assert "<details>" in body and "emergency sign-in" in body


def test_no_reset_link_is_sent_to_an_account_that_may_not_use_a_password(app, client, password_off):
    from lms.mail.models import OutboxMessage

    with app.app_context():
        factories.user("learner@example.kz")
    response = post_form(client, "/password/forgot", {"email": "learner@example.kz"}, token_from="/password/forgot")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)) is None


def test_password_sign_ins_and_failures_are_audited(app, client):
    with app.app_context():
        user = factories.user("learner@example.kz")
    post_form(client, "/login", {"email": "learner@example.kz", "password": "wrong-password-123"})
    post_form(client, "/login", {"email": "learner@example.kz", "password": factories.PASSWORD})
    with app.app_context():
        assert audit_rows() == [("auth.sign_in_failed", "credentials"), ("auth.signed_in", None)]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.signed_in"))
        assert entry.actor_id == user.id and entry.summary["method"] == "password"


@pytest.fixture
def linked(app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", {"egov": {
        "name": "eGov IdP", "issuer": "https://idp.example.kz", "client_id": "lms", "client_secret": "s"}})
    with app.app_context():
        agency = factories.agency("C")
        person = factories.user("person@example.kz", agency=agency)
        hr = factories.user("hr@example.kz", roles={Role.HR}, agency=agency)
        admin = factories.user("admin@example.kz", roles={Role.ADMIN})
        link = ExternalIdentity(user_id=person.id, protocol="oidc", provider="egov", subject="egov-subject-1")
        db.session.add(link)
        db.session.commit()
        return {"person": person.id, "hr": hr.email, "admin": admin.email, "link": link.id}


def test_an_admin_sees_and_unlinks_a_persons_identity(app, client, login_as, linked):
    login_as(linked["admin"])
    page = f"/people/{linked['person']}"
    body = client.get(page).get_data(as_text=True)
    assert "eGov IdP (OIDC)" in body and "egov-subject-1" in body and "Unlink" in body
    response = post_form(client, f"{page}/identities/{linked['link']}/unlink", {}, token_from=page)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ExternalIdentity, linked["link"]) is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "identity.unlinked"))
        assert entry.summary["subject"] == "egov-subject-1"


def test_an_unlink_with_a_tampered_form_is_refused(app, client, login_as, linked):
    login_as(linked["admin"])
    response = client.post(f"/people/{linked['person']}/identities/{linked['link']}/unlink",
                           data={"csrf_token": "forged"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(ExternalIdentity, linked["link"]) is not None


def test_an_hr_officer_sees_the_link_but_may_not_unlink(app, client, login_as, linked):
    login_as(linked["hr"])
    page = f"/people/{linked['person']}"
    body = client.get(page).get_data(as_text=True)
    assert "egov-subject-1" in body and ">Unlink<" not in body
    response = post_form(client, f"{page}/identities/{linked['link']}/unlink", {}, token_from=page)
    assert response.status_code == 403


def test_a_link_of_someone_else_is_not_found(app, client, login_as, linked):
    login_as(linked["admin"])
    with app.app_context():
        other = factories.user("other@example.kz").id
    response = post_form(client, f"/people/{other}/identities/{linked['link']}/unlink", {},
                         token_from=f"/people/{other}")
    assert response.status_code == 404


# --- settings -----------------------------------------------------------------------------------------------------

def test_oidc_tables_come_from_lms_toml(tmp_path):
    (tmp_path / "lms.toml").write_text('''
[oidc.egov]
name = "eGov"
issuer = "https://idp.example.kz/"
client_id = "lms"
client_secret = "secret"
allow_create = true
default_agency = "MDAI"
[oidc.egov.claims]
person_id = "iin"
agency_code = "org_code"
''', encoding="utf-8")
    settings = app_settings(tmp_path, {"ENV": "testing"})
    provider = oidc_providers(settings)["egov"]
    assert (provider.issuer, provider.allow_create, provider.claims["person_id"], provider.claims["email"],
            provider.algorithms) == ("https://idp.example.kz", True, "iin", "email", ("RS256",))


@pytest.mark.parametrize(("table", "message"), [
    ({"issuer": "https://x", "client_id": "a"}, "client_secret"),
    ({"issuer": "https://x", "client_id": "a", "client_secret": "b", "algorithms": ["none"]}, "algorithms"),
    ({"issuer": "https://x", "client_id": "a", "client_secret": "b", "algorithms": ["HS256"]}, "algorithms"),
    ({"issuer": "https://x", "client_id": "a", "client_secret": "b", "scopes": "email"}, "openid"),
    ({"issuer": "https://x", "client_id": "a", "client_secret": "b", "claims": {"salary": "x"}}, "claims"),
    ({"issuer": "https://x", "client_id": "a", "client_secret": "b", "colour": "red"}, "unknown"),
])
def test_malformed_provider_settings_are_refused(tmp_path, table, message):
    with pytest.raises(ConfigError, match=message):
        app_settings(tmp_path, {"ENV": "testing", "OIDC_PROVIDERS": {"egov": table}})


def test_provider_keys_are_unique_across_oidc_and_saml(tmp_path):
    with pytest.raises(ConfigError, match="unique"):
        app_settings(tmp_path, {"ENV": "testing", "SAML_PROVIDERS": {"egov": {}}, "OIDC_PROVIDERS": {"egov": {
            "issuer": "https://x", "client_id": "a", "client_secret": "b"}}})


def test_production_needs_an_https_issuer(tmp_path):
    with pytest.raises(ConfigError, match=r"\[oidc.egov\]: issuer must be an https"):
        app_settings(tmp_path, {"ENV": "production", "OIDC_PROVIDERS": {"egov": {
            "issuer": "http://idp.example.kz", "client_id": "a", "client_secret": "b"}}})
