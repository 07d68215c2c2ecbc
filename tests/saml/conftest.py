"""A real SimpleSAMLphp IdP per test session (Debian's package under `php -S` on a free port), and an app whose
[saml.simplesaml] provider points at it."""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.ports import free_port
from tests.saml import browser
from tests.saml import idp as idp_module

KEY = "simplesaml"


@pytest.fixture(scope="session")
def saml_idp(app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saml")
    base = app.config["BASE_URL"]  # what the test apps build their SP addresses from (LMS_BASE_URL, else 127.0.0.1)
    sp_key, sp_cert = idp_module.make_key_and_certificate(folder, "sp", "LMS test SP")
    idp = idp_module.configure(folder / "idp", port=free_port(),
                               sp_entity_id=f"{base}/saml/{KEY}/metadata",
                               sp_acs_url=f"{base}/saml/{KEY}/acs", sp_cert_pem=sp_cert.read_text())
    idp.sp_key_path, idp.sp_cert_path = sp_key, sp_cert
    idp.start()  # raises (the test fails) when php or SimpleSAMLphp is missing
    yield idp
    idp.stop()


def provider_settings(saml_idp, **extra) -> dict:
    return {KEY: {"name": "Test IdP", "idp_metadata_url": saml_idp.metadata_url,
                  "sp_key_file": str(saml_idp.sp_key_path), "sp_cert_file": str(saml_idp.sp_cert_path),
                  "allow_create": True, "email_verified_attribute": "emailVerified", **extra}}


@pytest.fixture
def saml_app(make_app, saml_idp):
    return make_app(SAML_PROVIDERS=provider_settings(saml_idp))


@pytest.fixture
def saml_client(saml_app):
    return saml_app.test_client()


@pytest.fixture
def idp_answer(saml_client):
    """Start a sign-in on our SP, sign in at the IdP as a browser would, and return the IdP's POST form fields
    (not posted yet). Call with a username (default aigerim)."""

    def _answer(username: str = "aigerim", client=None, next_url: str | None = None) -> dict[str, str]:
        client = client or saml_client
        started = post_form(client, f"/saml/{KEY}/login" + (f"?next={next_url}" if next_url else ""), {})
        assert started.status_code == 302, started.get_data(as_text=True)[:500]
        password = idp_module.USERS[username][0]
        return browser.sign_in_at_idp(started.location, username, password)

    return _answer
