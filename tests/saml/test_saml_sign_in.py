"""SAML 2.0 sign-in against a real SimpleSAMLphp IdP: the round trip, and every way an answer must be refused."""

from __future__ import annotations

import base64
import re
import zlib
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import func, select

from lms import INSTANCE_PATH, config
from lms.accounts.models import ExternalIdentity, SamlAssertion, User
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.saml import browser
from tests.saml.conftest import KEY, provider_settings
from tests.saml.idp import USERS

#: The test apps' public address (lms.config.DEV_BASE_URL unless LMS_BASE_URL is set, as `make test` does).
BASE = config.flask_settings(config.load(INSTANCE_PATH, {"ENV": "testing"}), INSTANCE_PATH)["BASE_URL"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refusals() -> list[dict]:
    return [entry.summary for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.external_sign_in_refused").order_by(AuditEntry.id))]


def post_answer(client, answer: dict[str, str], saml_response: str | None = None):
    return client.post(f"/saml/{KEY}/acs", data={"SAMLResponse": saml_response or answer["SAMLResponse"],
                                                 "RelayState": answer.get("RelayState", "")})


def assert_refused_with_nothing_created(saml_app, response, detail_pattern: str):
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/login"
    with saml_app.app_context():
        assert count(User) == 0
        assert count(ExternalIdentity) == 0
        reasons = refusals()
        assert [r["reason"] for r in reasons] == ["token"]
        assert re.search(detail_pattern, reasons[0]["detail"], re.I), reasons[0]["detail"]


def altered(answer: dict[str, str], saml_idp, old: str, new: str) -> str:
    """The IdP's response with `old` replaced by `new` in its assertion, then signed again with the IdP's key."""
    xml = browser.decode(answer["SAMLResponse"])
    assert old in xml, xml[:3000]
    return browser.encode(browser.resign(xml.replace(old, new), saml_idp.key_path))


def test_a_full_round_trip_signs_a_new_person_in_with_the_mapped_attributes(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim", next_url="/account")
    assert answer["action"] == f"{saml_app.config['BASE_URL']}/saml/{KEY}/acs"
    response = post_answer(saml_client, answer)
    assert response.status_code == 303
    assert response.location == "/account"
    page = saml_client.get("/account")
    assert page.status_code == 200
    assert "aigerim@gov.kz" in page.get_data(as_text=True)
    with saml_app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.full_name, user.employee_id, user.position) == (
            "aigerim@gov.kz", "Айгерім Сәрсенова", "EMP-1001", "Chief expert")
        link = db.session.scalar(select(ExternalIdentity))
        assert (link.protocol, link.provider, link.subject, link.user_id) == ("saml", KEY, "aigerim", user.id)
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert "auth.external_sign_in" in actions
        assert count(SamlAssertion) == 1


def test_a_second_sign_in_uses_the_link_and_a_fresh_assertion(saml_app, saml_client, idp_answer):
    assert post_answer(saml_client, idp_answer("aigerim")).status_code == 303
    saml_client.post("/logout", data={"csrf_token": _csrf(saml_client)})
    assert post_answer(saml_client, idp_answer("aigerim")).status_code == 303
    with saml_app.app_context():
        assert count(User) == 1
        assert count(ExternalIdentity) == 1
        assert count(SamlAssertion) == 2


def _csrf(client) -> str:
    page = client.get("/account").get_data(as_text=True)
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


def test_the_authn_request_is_signed_and_the_idp_refuses_it_unsigned(saml_client, saml_idp):
    started = post_form(saml_client, f"/saml/{KEY}/login", {})
    query = parse_qs(urlsplit(started.location).query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert query["Signature"][0]
    request_xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    assert f'AssertionConsumerServiceURL="{BASE}/saml/{KEY}/acs"' in request_xml
    signed = requests.get(started.location, timeout=30)
    assert "username" in signed.text  # the IdP accepted the signature and shows its login form
    base = started.location.split("?")[0]
    unsigned = requests.get(base, params={"SAMLRequest": query["SAMLRequest"][0]}, timeout=30)
    assert "username" not in unsigned.text
    assert unsigned.status_code >= 400 or "signature" in unsigned.text.lower()


def test_the_sp_metadata_is_at_a_stable_address_with_our_certificate(saml_client, saml_idp):
    response = saml_client.get(f"/saml/{KEY}/metadata")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert f'entityID="{BASE}/saml/{KEY}/metadata"' in xml
    assert 'AuthnRequestsSigned="true"' in xml and 'WantAssertionsSigned="true"' in xml
    assert f'Location="{BASE}/saml/{KEY}/acs"' in xml
    certificate = "".join(saml_idp.sp_cert_path.read_text().strip().splitlines()[1:-1])
    assert certificate in re.sub(r"\s", "", xml)


def test_an_unknown_provider_is_404(saml_client):
    assert saml_client.get("/saml/nobody/metadata").status_code == 404
    assert post_form(saml_client, "/saml/nobody/login", {}).status_code == 404
    assert saml_client.post("/saml/nobody/acs", data={"SAMLResponse": "x"}).status_code == 404


def test_a_tampered_assertion_is_refused(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim")
    xml = browser.decode(answer["SAMLResponse"])
    tampered = browser.encode(xml.replace("EMP-1001", "EMP-9999"))
    assert_refused_with_nothing_created(saml_app, post_answer(saml_client, answer, tampered), "signature")


def test_an_expired_assertion_is_refused_though_signed_by_the_idp(saml_app, saml_client, idp_answer, saml_idp):
    answer = idp_answer("aigerim")
    xml = browser.decode(answer["SAMLResponse"])
    expired = xml
    for end in set(re.findall(r'NotOnOrAfter="([^"]+)"', xml)):
        expired = expired.replace(f'NotOnOrAfter="{end}"', 'NotOnOrAfter="2020-01-01T00:00:00Z"')
    resigned = browser.encode(browser.resign(expired, saml_idp.key_path))
    assert_refused_with_nothing_created(saml_app, post_answer(saml_client, answer, resigned),
                                        "lifetime|expired|too old|ResponseLifetimeExceed")


def test_a_wrong_audience_is_refused_though_signed_by_the_idp(saml_app, saml_client, idp_answer, saml_idp):
    answer = idp_answer("aigerim")
    resigned = altered(answer, saml_idp, f"<saml:Audience>{BASE}/saml/{KEY}/metadata</saml:Audience>",
                       "<saml:Audience>https://other-sp.example.kz/metadata</saml:Audience>")
    assert_refused_with_nothing_created(saml_app, post_answer(saml_client, answer, resigned), "audience|not for me")


def test_a_wrong_recipient_is_refused_though_signed_by_the_idp(saml_app, saml_client, idp_answer, saml_idp):
    answer = idp_answer("aigerim")
    resigned = altered(answer, saml_idp, f'Recipient="{BASE}/saml/{KEY}/acs"',
                       'Recipient="https://other-sp.example.kz/acs"')
    assert_refused_with_nothing_created(saml_app, post_answer(saml_client, answer, resigned), "recipient|bearer")


def test_the_resigning_helper_itself_yields_an_accepted_answer(saml_app, saml_client, idp_answer, saml_idp):
    # The refusals above fail on what was changed, not on the re-signing: the same answer re-signed unchanged passes.
    answer = idp_answer("aigerim")
    assert post_answer(saml_client, answer, altered(answer, saml_idp, "EMP-1001", "EMP-1001")).status_code == 303
    with saml_app.app_context():
        assert count(User) == 1


def test_a_replayed_assertion_is_refused_even_with_the_original_browser_cookie(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim")
    cookie = saml_client.get_cookie("lms_saml_requests", path="/saml/")
    assert post_answer(saml_client, answer).status_code == 303
    other = saml_app.test_client()  # an attacker holding both the response and the request cookie
    other.set_cookie("lms_saml_requests", cookie.value, path="/saml/")
    response = post_answer(other, answer)
    assert response.status_code == 303 and urlsplit(response.location).path == "/login"
    with saml_app.app_context():
        assert count(User) == 1 and count(ExternalIdentity) == 1
        assert "replayed" in refusals()[0]["detail"]


def test_posting_the_same_answer_again_in_the_same_browser_is_refused(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim")
    assert post_answer(saml_client, answer).status_code == 303
    response = post_answer(saml_client, answer)
    assert urlsplit(response.location).path == "/login"
    with saml_app.app_context():
        assert count(User) == 1
        assert [r["reason"] for r in refusals()] == ["token"]


def test_an_unsolicited_answer_is_refused(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim")
    stranger = saml_app.test_client()  # no outstanding request in this browser
    assert_refused_with_nothing_created(saml_app, post_answer(stranger, answer), "unsolicited|outstanding|InResponse")


def test_an_answer_to_another_browsers_request_is_refused(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim")
    victim = saml_app.test_client()
    assert post_form(victim, f"/saml/{KEY}/login", {}).status_code == 302  # a request of its own, with another id
    assert_refused_with_nothing_created(saml_app, post_answer(victim, answer), "unsolicited|outstanding|InResponse")


def test_an_unverified_email_is_not_linked_to_an_existing_account(saml_app, saml_client, idp_answer):
    with saml_app.app_context():
        factories.user("daniyar@gov.kz", full_name="Daniyar (by hand)")
    response = post_answer(saml_client, idp_answer("daniyar"))  # emailVerified=false at the IdP
    assert urlsplit(response.location).path == "/login"
    with saml_app.app_context():
        assert count(ExternalIdentity) == 0
        assert count(User) == 1
        assert [r["reason"] for r in refusals()] == ["unverified_email"]


def test_a_verified_email_links_the_existing_account(saml_app, saml_client, idp_answer):
    with saml_app.app_context():
        existing = factories.user("aigerim@gov.kz", full_name="Aigerim (by hand)")
    assert post_answer(saml_client, idp_answer("aigerim")).status_code == 303
    with saml_app.app_context():
        assert count(User) == 1
        assert db.session.scalar(select(ExternalIdentity.user_id)) == existing.id


def test_without_a_verified_setting_emails_count_as_unverified(make_app, saml_idp):
    settings = provider_settings(saml_idp)
    del settings[KEY]["email_verified_attribute"]
    app = make_app(SAML_PROVIDERS=settings)
    client = app.test_client()
    with app.app_context():
        factories.user("aigerim@gov.kz")
    started = post_form(client, f"/saml/{KEY}/login", {})
    answer = browser.sign_in_at_idp(started.location, "aigerim", USERS["aigerim"][0])
    response = post_answer(client, answer)
    assert urlsplit(response.location).path == "/login"
    with app.app_context():
        assert [r["reason"] for r in refusals()] == ["unverified_email"]


def test_no_account_is_created_when_the_provider_does_not_allow_it(make_app, saml_idp):
    app = make_app(SAML_PROVIDERS=provider_settings(saml_idp, allow_create=False))
    client = app.test_client()
    started = post_form(client, f"/saml/{KEY}/login", {})
    answer = browser.sign_in_at_idp(started.location, "aigerim", USERS["aigerim"][0])
    post_answer(client, answer)
    with app.app_context():
        assert count(User) == 0
        assert [r["reason"] for r in refusals()] == ["no_account"]


def test_the_acs_endpoint_is_rate_limited(make_app, saml_idp):
    app = make_app(SAML_PROVIDERS=provider_settings(saml_idp), SSO_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.post(f"/saml/{KEY}/acs", data={"SAMLResponse": "bm90IHNhbWw="}).status_code
                for _ in range(4)]
    assert statuses == [303, 303, 303, 429]


def test_the_login_page_offers_the_provider_and_the_button_needs_its_csrf_token(saml_client):
    page = saml_client.get("/login").get_data(as_text=True)
    assert "Sign in with Test IdP" in page
    assert f'action="/saml/{KEY}/login"' in page
    tampered = saml_client.post(f"/saml/{KEY}/login", data={"csrf_token": "tampered"})
    assert tampered.status_code == 400


def test_the_next_address_must_be_on_this_site(saml_app, saml_client, idp_answer):
    response = post_answer(saml_client, idp_answer("aigerim", next_url="https://evil.example/"))
    assert response.status_code == 303
    assert response.location == "/"


def test_an_unsigned_assertion_is_refused(saml_app, saml_client, idp_answer):
    answer = idp_answer("aigerim")
    xml = re.sub(r"<ds:Signature.*?</ds:Signature>", "", browser.decode(answer["SAMLResponse"]), flags=re.S)
    assert "Signature" not in xml
    assert_refused_with_nothing_created(saml_app, post_answer(saml_client, answer, browser.encode(xml)),
                                        "signature")


def test_an_assertion_signed_with_md5_is_refused_though_signed_by_the_idp_key(saml_app, saml_client, idp_answer,
                                                                             saml_idp):
    answer = idp_answer("aigerim")
    xml = browser.decode(answer["SAMLResponse"])
    more = "http://www.w3.org/2001/04/xmldsig-more#"
    weak = (xml.replace(more + "rsa-sha256", more + "rsa-md5")
            .replace("http://www.w3.org/2001/04/xmlenc#sha256", more + "md5"))
    resigned = browser.encode(browser.resign(weak, saml_idp.key_path))
    assert_refused_with_nothing_created(saml_app, post_answer(saml_client, answer, resigned), "algorithms not accepted")


def test_the_sp_metadata_advertises_no_weak_algorithm(saml_client):
    xml = saml_client.get(f"/saml/{KEY}/metadata").get_data(as_text=True)
    assert "xmldsig-more#rsa-sha256" in xml
    assert "md5" not in xml and "sha1" not in xml and "ripemd" not in xml


def test_the_line_manager_named_by_an_attribute_is_set(make_app, saml_idp):
    app = make_app(SAML_PROVIDERS=provider_settings(saml_idp, attributes={"manager_person_id": "managerNumber"}))
    for username in ("aigerim", "daniyar"):  # daniyar's managerNumber is aigerim's EMP-1001
        client = app.test_client()
        started = post_form(client, f"/saml/{KEY}/login", {})
        assert post_answer(client, browser.sign_in_at_idp(started.location, username, USERS[username][0])
                           ).status_code == 303
    with app.app_context():
        daniyar = db.session.scalar(select(User).where(User.email == "daniyar@gov.kz"))
        assert daniyar.manager.email == "aigerim@gov.kz"
