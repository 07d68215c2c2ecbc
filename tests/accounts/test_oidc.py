"""OpenID Connect sign-in against a real provider (npm's oidc-provider on a free 127.0.0.1 port): the browser round
trip through its login and consent pages, and every refusal (tampered, expired, wrong audience, unsigned, unexpected
algorithm, replayed state or nonce, unverified e-mail, creation not allowed) with nothing created."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from lms.accounts import oidc
from lms.accounts.identity import ExternalSignInRefused
from lms.accounts.models import ExternalIdentity, Role, User
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.identity_providers import oidc_providers
from tests import factories
from tests.accounts.oidc_provider import APP_BASE, Browser, provider_settings, start_provider
from tests.conftest import csrf_token


@pytest.fixture(scope="session")
def idp(tmp_path_factory):
    provider = start_provider(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


@pytest.fixture
def configure(app, monkeypatch, idp):
    """Point the app at the test provider: configure(**settings) sets [oidc.idp] (and others by key=)."""

    def _configure(*tables: dict, **settings):
        merged = dict(provider_settings(idp.issuer, **settings))
        for table in tables:
            merged.update(table)
        monkeypatch.setitem(app.config, "OIDC_PROVIDERS", merged)
        return oidc_providers(app.config)

    _configure()
    return _configure


@pytest.fixture
def browser(client):
    return Browser(client)


def sign_in(browser, client, login: str, key: str = "idp"):
    return browser.sign_in_at_provider(f"/login/oidc/{key}", csrf_token(client, "/login"), login)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refusals() -> list[str]:
    return [entry.summary["reason"] for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.external_sign_in_refused").order_by(AuditEntry.id))]


@pytest.fixture
def agency(app):
    with app.app_context():
        return factories.agency("MDAI").id


def test_the_login_page_offers_each_provider(client, configure):
    body = client.get("/login").get_data(as_text=True)
    assert "Sign in with Test IdP" in body
    assert 'action="/login/oidc/idp"' in body


def test_a_full_round_trip_links_the_account_by_person_id_and_signs_in(app, client, browser, configure, agency, idp):
    with app.app_context():
        user = factories.user("a.bekova@old.kz", employee_id="900101300123")
    status, body = sign_in(browser, client, "aigerim")
    assert status == 200, (body[:2000], browser.visited, "".join(idp.log)[-3000:])
    assert urlsplit(browser.url).path == "/my-learning", browser.visited
    assert any(url.startswith(APP_BASE + "/login/oidc/idp/callback?") for url in browser.visited)
    authorize = next(url for url in browser.visited if "/auth?" in url)
    params = parse_qs(urlsplit(authorize).query)
    assert params["code_challenge_method"] == ["S256"] and params["nonce"] and params["state"]
    assert client.get("/account").status_code == 200
    with app.app_context():
        link = db.session.scalar(select(ExternalIdentity))
        assert (link.user_id, link.provider, link.subject) == (user.id, "idp", "aigerim")
        signed_in = db.session.get(User, user.id)
        assert (signed_in.full_name, signed_in.position, signed_in.agency.code) == ("Aigerim Bekova", "Analyst",
                                                                                      "MDAI")
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"identity.linked", "auth.external_sign_in"} <= actions


def test_the_account_page_lists_the_linked_identity(app, client, browser, configure, agency):
    with app.app_context():
        factories.user("aigerim@example.kz")
    sign_in(browser, client, "aigerim")
    body = client.get("/account").get_data(as_text=True)
    assert "Linked sign-in accounts" in body and "Test IdP (OIDC)" in body and "<code>aigerim</code>" in body


def test_replaying_the_callback_is_refused(app, client, browser, configure, agency):
    with app.app_context():
        factories.user("aigerim@example.kz")
    sign_in(browser, client, "aigerim")
    callback = next(url for url in browser.visited if "/login/oidc/idp/callback?" in url)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    _status, body = browser.request("GET", callback)
    assert "expired or was already used" in body
    assert client.get("/account").status_code == 302  # not signed in
    with app.app_context():
        assert refusals() == ["state"]


def test_an_unverified_email_is_not_linked_to_the_existing_account(app, client, browser, configure):
    with app.app_context():
        factories.user("taken@example.kz")
    configure(allow_create=True)
    _status, body = sign_in(browser, client, "unverified")
    assert "has not verified the address" in body
    with app.app_context():
        assert count(ExternalIdentity) == 0 and count(User) == 1
        assert refusals() == ["unverified_email"]


def test_a_new_person_is_refused_unless_the_provider_allows_creation(app, client, browser, configure, agency):
    _status, body = sign_in(browser, client, "newcomer")
    assert "no account for you" in body
    with app.app_context():
        assert count(User) == 0 and refusals() == ["no_account"]


def test_a_new_person_is_created_as_a_learner_when_allowed(app, client, browser, configure, agency):
    configure(allow_create=True)
    status, body = sign_in(browser, client, "newcomer")
    assert status == 200 and "Welcome, Nurlan Newcomer" in body
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.agency.code, user.position, user.roles) == (
            "newcomer@example.kz", "MDAI", "Intern", {Role.LEARNER})


def test_an_expired_id_token_is_refused_with_nothing_created(app, client, browser, configure, agency, idp):
    configure(provider_settings(idp.issuer, key="short", client_id="short", allow_create=True, leeway_seconds=0))
    _status, body = sign_in(browser, client, "newcomer", key="short")
    assert "could not be verified" in body
    with app.app_context():
        assert count(User) == 0 and count(ExternalIdentity) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.external_sign_in_refused"))
        assert entry.summary["reason"] == "token" and "exp" in entry.summary["detail"]


def test_an_id_token_signed_with_an_unexpected_algorithm_is_refused(app, client, browser, configure, agency, idp):
    # The provider signs this client's id_tokens with HS256 (a MAC keyed with the client secret): not allowed.
    configure(provider_settings(idp.issuer, key="hs", client_id="hs", allow_create=True))
    _status, body = sign_in(browser, client, "newcomer", key="hs")
    assert "could not be verified" in body
    with app.app_context():
        assert count(User) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.external_sign_in_refused"))
        assert "HS256" in entry.summary["detail"]


def test_a_tampered_start_form_is_refused(client, configure):
    assert client.post("/login/oidc/idp", data={"csrf_token": "forged"}).status_code == 400


def test_an_unknown_provider_is_not_found(client, configure):
    assert client.post("/login/oidc/nope", data={"csrf_token": csrf_token(client)}).status_code == 404
    assert client.get("/login/oidc/nope/callback?state=x&code=y").status_code == 404


def test_logout_signs_out_at_the_provider_too(app, client, browser, configure, agency):
    with app.app_context():
        factories.user("aigerim@example.kz")
    sign_in(browser, client, "aigerim")
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    location = response.headers["Location"]
    assert location.startswith(configure()["idp"].issuer) and "id_token_hint=" in location
    assert f"post_logout_redirect_uri={APP_BASE.replace(':', '%3A').replace('/', '%2F')}%2Flogin" in location
    status, body = browser.request("GET", location)  # the provider asks to confirm the sign-out
    status, body = browser.submit(body, logout="yes")
    assert urlsplit(browser.url).path == "/login" and status == 200


# --- the id_token checks, on real tokens from the provider ------------------------------------------------------

@pytest.fixture
def issued(app, client, browser, configure, agency):
    """A real id_token the provider issued to client "lms" in a round trip, with its claims (unverified)."""
    with app.app_context():
        factories.user("aigerim@example.kz")
    sign_in(browser, client, "aigerim")
    with client.session_transaction() as session:
        token = session["sso"]["id_token"]
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return token, payload


def check(app, token: str, *, nonce: str, now: datetime, **settings):
    with app.app_context():
        provider = oidc_providers({**app.config, "OIDC_PROVIDERS": {**app.config["OIDC_PROVIDERS"]}})["idp"]
        if settings:
            provider = oidc_providers({"OIDC_PROVIDERS": {"idp": {
                **app.config["OIDC_PROVIDERS"]["idp"], **settings}}})["idp"]
        metadata = oidc.discover(provider)
        return oidc.verify_id_token(provider, token, keys=oidc.signing_keys(provider, metadata), nonce=nonce, now=now)


def at(payload) -> datetime:
    return datetime.fromtimestamp(payload["iat"], UTC)


def refused_detail(call) -> str:
    with pytest.raises(ExternalSignInRefused) as refused:
        call()
    assert refused.value.reason == "token"
    return refused.value.detail


def test_the_issued_token_passes_the_checks(app, issued):
    token, payload = issued
    assert check(app, token, nonce=payload["nonce"], now=at(payload))["sub"] == "aigerim"


def test_a_tampered_id_token_is_refused(app, issued):
    token, payload = issued
    header, body, signature = token.split(".")
    forged = dict(payload, sub="someone-else")
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    assert "signature" in refused_detail(lambda: check(app, f"{header}.{body}.{signature}", nonce=payload["nonce"],
                                                       now=at(payload)))


def test_an_id_token_past_its_expiry_is_refused(app, issued):
    token, payload = issued
    later = datetime.fromtimestamp(payload["exp"], UTC) + timedelta(minutes=5)
    assert "exp" in refused_detail(lambda: check(app, token, nonce=payload["nonce"], now=later))


def test_an_id_token_for_another_client_is_refused(app, issued):
    token, payload = issued
    assert "aud" in refused_detail(lambda: check(app, token, nonce=payload["nonce"], now=at(payload),
                                                 client_id="other"))


def test_an_id_token_from_another_issuer_is_refused(app, issued):
    token, payload = issued
    with app.app_context():
        provider = oidc_providers({"OIDC_PROVIDERS": app.config["OIDC_PROVIDERS"]})["idp"]
        keys = oidc.signing_keys(provider, oidc.discover(provider))
    other = oidc_providers({"OIDC_PROVIDERS": {"idp": {**app.config["OIDC_PROVIDERS"]["idp"],
                                                       "issuer": "http://127.0.0.1:1"}}})["idp"]
    assert "iss" in refused_detail(lambda: oidc.verify_id_token(other, token, keys=keys, nonce=payload["nonce"],
                                                                now=at(payload)))


def test_an_unsigned_id_token_is_refused(app, issued):
    token, payload = issued
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    unsigned = f"{header}.{token.split('.')[1]}."
    assert "'none'" in refused_detail(lambda: check(app, unsigned, nonce=payload["nonce"], now=at(payload)))


def test_a_replayed_nonce_is_refused(app, issued):
    # An id_token from an earlier sign-in, brought into a new one: its nonce is not the new sign-in's.
    token, payload = issued
    assert "nonce" in refused_detail(lambda: check(app, token, nonce="the-new-sign-ins-nonce", now=at(payload)))


def test_the_refusal_reasons_have_messages(app):
    with app.test_request_context():
        assert str(ExternalSignInRefused("token").message)
        assert time.time() > 0


def test_the_callback_is_rate_limited(app, client, configure, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_RATE_LIMIT", "2 per minute")
    statuses = [client.get("/login/oidc/idp/callback?state=forged&code=x").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    with app.app_context():
        assert refusals() == ["state", "state"]


def test_an_unreachable_provider_is_refused_at_the_start(app, client, configure):
    configure(provider_settings("http://127.0.0.1:9", key="down"))
    response = client.post("/login/oidc/down", data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "cannot be reached" in response.get_data(as_text=True)
    with app.app_context():
        assert refusals() == ["unavailable"]
