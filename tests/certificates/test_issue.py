"""Certificates end to end: issued on completion, downloads, public verification, revocation, credential round trip."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.certificates import serials
from lms.certificates.credential import verify_credential, verify_signed
from lms.certificates.models import Certificate
from lms.certificates.pdf import PLATFORM
from lms.certificates.status_list import is_revoked_in, revocation_entry
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.learning.conftest import course_key, courses_root, sync  # noqa: F401 - fixtures


@pytest.fixture
def certified(app, login_as, course_key):  # noqa: F811
    """A learner who completed the (quiz-free, certificate-giving) course through the pages; returns the serial."""
    with app.app_context():
        factories.user("aliya@example.kz", full_name="Әлия Нұрғалиқызы Қасымова")
    client = login_as("aliya@example.kz")
    post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    for lesson in ("intro", "data-basics", "wrap-up"):
        post_form(client, f"/courses/{course_key}/lessons/{lesson}/complete", {}, token_from=f"/courses/{course_key}")
    post_form(client, "/logout", {}, token_from="/certificates/")
    with app.app_context():
        return db.session.scalar(select(Certificate.serial))


def test_completing_the_course_issues_one_certificate(app, certified):
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate.learner_name == "Әлия Нұрғалиқызы Қасымова"
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert serials.parse(serials.display(certified)) == certified


def test_serials_are_random_and_mistypes_are_caught():
    first, second = serials.new_serial(), serials.new_serial()
    assert first != second
    typo = first[:5] + ("0" if first[5] != "0" else "1") + first[6:]
    assert serials.parse(typo) is None


def test_serial_for_a_number_is_canonical_and_parses_back():
    # The issuer (new_serial) and the demo data (a seeded random number) share serial_for.
    assert serials.serial_for(0) == "0" * 26 + "0"
    assert serials.serial_for(37) == "0" * 24 + "15" + "0"
    largest = serials.serial_for(2**128 - 1)
    assert len(largest) == 27
    assert serials.parse(serials.display(largest)) == largest


def test_my_certificates_lists_it_with_downloads(app, login_as, certified):
    html = login_as("aliya@example.kz").get("/certificates/").get_data(as_text=True)
    assert serials.display(certified) in html
    assert f"/certificates/{certified}.pdf?lang=kk" in html


def test_the_pdf_downloads_for_its_owner_only(app, client, login_as, certified):
    owner = login_as("aliya@example.kz")
    response = owner.get(f"/certificates/{certified}.pdf?lang=kk")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    post_form(owner, "/logout", {}, token_from="/certificates/")
    with app.app_context():
        factories.user("other@example.kz")
    other = login_as("other@example.kz")
    assert other.get(f"/certificates/{certified}.pdf").status_code == 404
    assert other.get(f"/certificates/{certified}/credential.json").status_code == 404


def test_the_pdf_is_drawn_with_fonts_cut_into_the_certificate_cache(app, login_as, certified):
    data = login_as("aliya@example.kz").get(f"/certificates/{certified}.pdf?lang=kk").data
    fonts = Path(app.config["CERTIFICATE_CACHE_DIR"]) / "fonts"
    assert len(list(fonts.glob("DejaVu*.ttf"))) == 3
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Әлия Нұрғалиқызы Қасымова" in text


def test_the_pdf_of_an_ai_made_course_carries_no_ai_marker(app, login_as, certified, course_key):  # noqa: F811
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        assert course.ai_content["kind"] == "assisted"  # the course content is AI-made...
    data = login_as("aliya@example.kz").get(f"/certificates/{certified}.pdf?lang=en").data
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.creator == PLATFORM and meta.producer.startswith(PLATFORM)  # ...the certificate is the platform's
    assert b"digitalsourcetype" not in data.lower() and b"AI-assisted" not in data and b"Test Assistant" not in data


def test_verification_page_shows_valid_without_personal_data(app, client, certified):
    response = client.get(f"/verify/{serials.display(certified)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid certificate" in html and "Әлия Нұрғалиқызы Қасымова" in html
    assert "aliya@example.kz" not in html


@pytest.mark.parametrize("typed", ["NOPE", "0" * 27, "%00<script>"])
def test_malformed_and_unknown_serials_get_the_same_not_found(client, typed):
    response = client.get(f"/verify/{typed}")
    assert response.status_code == 404
    assert "No certificate has this number" in response.get_data(as_text=True)


def test_verify_form_redirects_to_the_page_of_the_typed_serial(client, certified):
    response = client.get("/verify", query_string={"serial": serials.display(certified).lower()})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_credential_round_trip_and_revocation(app, client, login_as, certified):
    owner = login_as("aliya@example.kz")
    envelope = json.loads(owner.get(f"/certificates/{certified}/credential.json").data)
    token = envelope["id"].removeprefix("data:application/vc+jwt,")
    jwks = client.get("/issuer/jwks.json").json

    def is_revoked(credential):
        # Through the published status list, as a verifier elsewhere would (the reason is not published).
        entry = revocation_entry(credential)
        listed = verify_signed(client.get(entry["statusListCredential"]).get_data(as_text=True), jwks, now=utcnow())
        assert listed.valid, listed.problems
        revoked = is_revoked_in(listed.credential, index=int(entry["statusListIndex"]),
                                list_url=entry["statusListCredential"], issuer_id=credential["issuer"]["id"])
        return revoked, "Issued in error" if revoked else None

    assert verify_credential(token, jwks, now=utcnow(), is_revoked=is_revoked).valid
    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
    post_form(owner, "/logout", {}, token_from="/certificates/")
    admin = login_as("admin@example.kz")
    response = post_form(admin, f"/admin/certificates/{certified}/revoke", {"reason": "Issued in error"},
                         token_from="/admin/certificates/")
    assert response.status_code == 303
    result = verify_credential(token, jwks, now=utcnow(), is_revoked=is_revoked)
    assert not result.valid and result.revoked and result.revocation_reason == "Issued in error"
    html = client.get(f"/verify/{serials.display(certified)}").get_data(as_text=True)
    assert "Revoked certificate" in html and "Issued in error" in html


def test_an_edited_credential_fails_on_the_signature(app, client, login_as, certified):
    import base64

    envelope = json.loads(login_as("aliya@example.kz").get(f"/certificates/{certified}/credential.json").data)
    header, payload, signature = envelope["id"].removeprefix("data:application/vc+jwt,").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else" \
        if isinstance(claims["credentialSubject"].get("identifier"), list) else "x"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = verify_credential(f"{header}.{forged}.{signature}", client.get("/issuer/jwks.json").json, now=utcnow())
    assert not result.valid
    assert any("signature" in problem for problem in result.problems)


def test_reissue_after_a_name_correction_revokes_the_old_one(app, runner, certified):
    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
        learner = db.session.scalar(select(User).where(User.email == "aliya@example.kz"))
        learner.full_name = "Әлия Нұрғалиқызы Қасымова-Серікова"
        db.session.commit()
    result = runner.invoke(args=["certificates", "reissue", "--user", "aliya@example.kz", "--reason",
                                 "name corrected", "--by", "admin@example.kz"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        old = db.session.scalar(select(Certificate).where(Certificate.serial == certified))
        new = db.session.get(Certificate, old.replaced_by_id)
        assert old.revoked_reason == "name corrected"
        assert new.learner_name.endswith("Серікова") and new.revoked_at is None


def test_cli_verifies_a_downloaded_credential_offline(app, runner, login_as, certified, tmp_path):
    path = tmp_path / "credential.json"
    path.write_bytes(login_as("aliya@example.kz").get(f"/certificates/{certified}/credential.json").data)
    assert runner.invoke(args=["certificates", "verify", str(path)]).output.strip() == "Valid credential."
    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
    runner.invoke(args=["certificates", "revoke", certified, "--reason", "fraud", "--by", "admin@example.kz"])
    result = runner.invoke(args=["certificates", "verify", str(path)])
    assert result.exit_code == 1
    assert re.search(r"revoked", result.output)


def test_retired_keys_stay_published_after_a_rotation(app, client, tmp_path):
    from lms.certificates.keys import load_or_create_signing_key

    old = load_or_create_signing_key(tmp_path / "old.jwk")
    app.config["RETIRED_SIGNING_KEYS"] = str(tmp_path / "old.jwk")
    try:
        kids = [key["kid"] for key in client.get("/issuer/jwks.json").json["keys"]]
    finally:
        app.config["RETIRED_SIGNING_KEYS"] = ""
    assert len(kids) == 2 and old.kid in kids
    assert all("d" not in key for key in client.get("/issuer/jwks.json").json["keys"])


def test_serials_on_the_verification_page_are_set_group_by_group(client, certified):
    # Each group is kept whole on screen (white-space: nowrap), so a serial never breaks in the middle of a group.
    html = client.get(f"/verify/{serials.display(certified)}").get_data(as_text=True)
    groups = serials.display(certified).split("-")
    shown = "".join(f'<span class="serial-group">{g}{"-" if i < len(groups) - 1 else ""}</span>'
                    for i, g in enumerate(groups))
    assert f'<span class="serial">{shown}</span>' in html
    example = client.get("/verify").get_data(as_text=True)
    assert ('for example <span class="serial"><span class="serial-group">7ZX4-</span>'
            '<span class="serial-group">W8FN-</span>') in example
    assert '<form method="get" action="/verify" class="narrow verify-form">' in example
