"""Certificate links (QR code, credential ids, status document) are on LMS_BASE_URL, whatever host was asked."""

from __future__ import annotations

import base64
import io
import json

from pypdf import PdfReader

from lms.certificates import serials
from tests.certificates.test_issue import certified  # noqa: F401 - fixture
from tests.learning.conftest import course_key, courses_root, sync  # noqa: F401 - fixtures

#: The test client's host; the test app's public address is BASE_URL (http://127.0.0.1:5000), another host.
ASKED = "localhost"


def _claims(envelope: dict) -> dict:
    return _payload(envelope["id"].removeprefix("data:application/vc+jwt,"))


def _payload(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_status_document_names_itself_on_the_public_address(app, client, certified):  # noqa: F811
    response = client.get(f"/credentials/{certified}/status")
    assert response.status_code == 200
    assert response.json["id"] == f"{app.config['BASE_URL']}/credentials/{certified}/status"
    assert ASKED not in response.get_data(as_text=True)


def test_the_status_list_names_itself_and_its_issuer_on_the_public_address(app, client, certified):  # noqa: F811
    response = client.get("/credentials/status-lists/1")
    assert response.status_code == 200
    claims = _payload(response.get_data(as_text=True))
    assert claims["id"] == f"{app.config['BASE_URL']}/credentials/status-lists/1"
    assert claims["issuer"] == f"{app.config['BASE_URL']}/issuer"
    assert ASKED not in json.dumps(claims)


def test_the_status_document_may_be_cached_briefly_by_anyone(client, certified):  # noqa: F811
    for path in (f"/credentials/{certified}/status", "/credentials/NOPE/status", "/credentials/status-lists/1",
                 "/credentials/status-lists/2"):
        cache = client.get(path).cache_control
        assert cache.public and not cache.no_store and not cache.private
        assert 0 < cache.max_age <= 600


def test_the_signed_credential_names_only_the_public_address(app, login_as, certified):  # noqa: F811
    envelope = login_as("aliya@example.kz").get(f"/certificates/{certified}/credential.json").json
    claims = _claims(envelope)
    base = app.config["BASE_URL"]
    assert claims["iss"] == claims["issuer"]["id"] == f"{base}/issuer"
    assert claims["id"] == f"{base}/verify/{serials.display(certified)}".replace(" ", "%20")
    assert claims["credentialStatus"]["statusListCredential"] == f"{base}/credentials/status-lists/1"
    assert claims["credentialStatus"]["id"].startswith(f"{base}/credentials/status-lists/1#")
    assert ASKED not in json.dumps(claims)


def test_the_pdf_points_to_the_public_verification_page(app, login_as, certified):  # noqa: F811
    pdf = login_as("aliya@example.kz").get(f"/certificates/{certified}.pdf?lang=en").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert app.config["BASE_URL"] + "/verify/" in text
    assert f"http://{ASKED}" not in text
