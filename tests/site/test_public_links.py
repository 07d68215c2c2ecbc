"""Links that leave the site are built from LMS_BASE_URL; requests naming any other host are refused."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms import create_app
from lms.accounts.models import Role
from lms.extensions import db
from lms.mail.models import OutboxMessage
from tests import factories
from tests.conftest import post_form, settings_for_tests

PUBLIC = "https://lms.example.kz"
#: Listed in TRUSTED_HOSTS: served, but never the host of a link.
MIRROR_HOST = "mirror.example.kz"
LINK_RE = re.compile(r"(https?://[^\s/]+)(/(?:password/reset|register)/\S+)")


@pytest.fixture(scope="module")
def public_app(app, db_url):
    """A second app on the test database with a public address, a second trusted host and registration open."""
    settings = settings_for_tests(db_url, BASE_URL=PUBLIC, TRUSTED_HOSTS=f"{MIRROR_HOST}, .intra.example.kz",
                                  SELF_REGISTRATION=True, REGISTRATION_DOMAINS="gov.kz=GOV")
    made = create_app(settings)
    yield made
    with made.app_context():
        db.engine.dispose()


class _HostClient(FlaskClient):
    """A test client whose requests name `host` (the Host header a browser or a forger would send)."""

    host = "localhost"

    def open(self, *args, **kwargs):
        if args and isinstance(args[0], str):
            kwargs.setdefault("base_url", f"http://{self.host}")
        return super().open(*args, **kwargs)


def _client(app, host: str = MIRROR_HOST) -> FlaskClient:
    client = _HostClient(app, app.response_class, use_cookies=True)
    client.host = host
    return client


def _links(app) -> list[tuple[str, str]]:
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id))
        return [match.groups() for body in bodies for match in LINK_RE.finditer(body)]


@pytest.mark.parametrize("host", ["evil.example", "lms.example.kz.evil.example", "evil.example:443"])
def test_a_request_for_an_unknown_host_is_refused(public_app, host):
    response = _client(public_app, host).get("/login")
    assert response.status_code == 400
    assert response.headers["Content-Security-Policy"]
    assert "Bad request" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["lms.example.kz", MIRROR_HOST, "a.intra.example.kz"])
def test_the_public_host_and_the_trusted_hosts_are_served(public_app, host):
    assert _client(public_app, host).get("/login").status_code == 200


def test_the_password_reset_link_is_on_the_public_address_whatever_host_was_asked(public_app):
    with public_app.app_context():
        factories.user("anna@example.kz")
    client = _client(public_app)
    response = post_form(client, "/password/forgot", {"email": "anna@example.kz"}, token_from="/password/forgot")
    assert response.status_code == 302
    [(origin, path)] = _links(public_app)
    assert origin == PUBLIC and path.startswith("/password/reset/")


def test_a_forged_host_gets_no_reset_email(public_app):
    with public_app.app_context():
        factories.user("anna@example.kz")
    client = _client(public_app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/password/forgot").get_data(as_text=True))
    response = client.post("/password/forgot", data={"email": "anna@example.kz", "csrf_token": token.group(1)},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert _links(public_app) == []


def test_a_forged_forwarded_host_behind_a_proxy_is_refused(make_app):
    proxied = make_app(BASE_URL=PUBLIC, PROXY_COUNT=1)
    client = _client(proxied, "lms.example.kz")
    assert client.get("/login", headers={"X-Forwarded-Host": "lms.example.kz"}).status_code == 200
    assert client.get("/login", headers={"X-Forwarded-Host": "evil.example"}).status_code == 400


def test_the_admins_password_link_is_on_the_public_address(public_app):
    with public_app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
        person = factories.user("person@example.kz").id
    client = _client(public_app)
    post_form(client, "/login", {"email": "admin@example.kz", "password": factories.PASSWORD})
    response = post_form(client, f"/admin/users/{person}/reset", {}, token_from=f"/admin/users/{person}")
    assert response.status_code == 303
    [(origin, path)] = _links(public_app)
    assert origin == PUBLIC and path.startswith("/password/reset/")


def test_the_registration_link_is_on_the_public_address(public_app):
    with public_app.app_context():
        factories.agency("GOV")
    client = _client(public_app)
    assert post_form(client, "/register", {"email": "new@gov.kz"}, token_from="/register").status_code == 302
    [(origin, path)] = _links(public_app)
    assert origin == PUBLIC and path.startswith("/register/")


def test_the_openapi_servers_entry_is_the_public_api_address(public_app):
    document = _client(public_app).get("/api/v1/openapi.json").json
    assert document["servers"] == [{"url": PUBLIC + "/api/v1"}]


def test_the_issuer_profile_names_the_public_address(public_app):
    profile = _client(public_app).get("/issuer").json
    assert profile["id"] == PUBLIC + "/issuer"
    assert profile["url"] == PUBLIC + "/"
    assert profile["publicKeys"] == PUBLIC + "/issuer/jwks.json"


def test_a_base_url_with_a_path_prefixes_every_link(make_app):
    prefixed = make_app(BASE_URL="https://gov.example.kz/academy/")
    with prefixed.app_context():
        from lms.links import public_url

        assert public_url("certificates.verify", serial="AB CD") == "https://gov.example.kz/academy/verify/AB%20CD"
