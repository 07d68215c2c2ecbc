"""Revocation as a W3C Bitstring Status List: the bitstring, certificates' places, the published list, the CLI."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.certificates import services, status_list
from lms.certificates.credential import sign_credential, verify_signed
from lms.certificates.issuer import signing_key
from lms.certificates.models import Certificate
from lms.certificates.status_list import (
    LIST_LENGTH,
    StatusListError,
    build_list_credential,
    decode_list,
    encode_list,
    is_revoked_in,
    is_set,
    revocation_entry,
    status_entry,
)
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.certificates.test_issue import certified  # noqa: F401 - fixture
from tests.learning.conftest import course_key, courses_root, sync  # noqa: F401 - fixtures

LIST = "https://lms.example/credentials/status-lists/1"
ISSUER = "https://lms.example/issuer"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _payload(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --- the bitstring ----------------------------------------------------------------------------------------------

def test_a_list_has_131072_entries_in_16_kb_and_starts_empty():
    bits = decode_list(encode_list([]))
    assert LIST_LENGTH == 131_072
    assert len(bits) == 16 * 1024 and not any(bits)


def test_entry_zero_is_the_leftmost_bit_of_the_first_byte():
    bits = decode_list(encode_list([0, 9, LIST_LENGTH - 1]))
    assert (bits[0], bits[1], bits[-1]) == (0x80, 0x40, 0x01)
    assert [index for index in range(LIST_LENGTH) if is_set(bits, index)] == [0, 9, LIST_LENGTH - 1]


def test_the_encoded_list_is_multibase_base64url_of_gzip():
    encoded = encode_list([5])
    assert encoded.startswith("u") and not set(encoded) & set("=+/")
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed[:2] == b"\x1f\x8b"  # GZIP
    assert gzip.decompress(compressed)[0] == 0x04


def test_the_same_revocations_give_the_same_text():
    assert encode_list([3, 77]) == encode_list([77, 3])


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(ValueError):
        encode_list([LIST_LENGTH])
    with pytest.raises(StatusListError):
        is_set(decode_list(encode_list([])), LIST_LENGTH)


@pytest.mark.parametrize("encoded", [
    "", "H4sIAAAAAAAA_2NgGAWjgAEAAAA", "u!!!", "u" + _b64(b"not gzip at all"), None, 42,
    "u" + _b64(gzip.compress(bytes(10 * 1024 * 1024))),  # 10 MB of zeros: refused without unpacking it all
], ids=["empty", "no-multibase-prefix", "not-base64", "not-gzip", "none", "number", "zip-bomb"])
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(StatusListError):
        decode_list(encoded)


# --- the entry and the list credential ---------------------------------------------------------------------------

def test_the_entry_names_the_list_and_the_index_as_text():
    assert status_entry(LIST, 94567) == {
        "id": f"{LIST}#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "94567", "statusListCredential": LIST}


def test_revocation_entry_reads_ours_and_ignores_a_status_document_of_another_kind():
    assert revocation_entry({"credentialStatus": status_entry(LIST, 4)})["statusListIndex"] == "4"
    assert revocation_entry({"credentialStatus": [{"type": "Other"}, status_entry(LIST, 4)]}) is not None
    assert revocation_entry({"credentialStatus": {"id": "https://x/status", "type": "1EdTechRevocationList"}}) is None
    assert revocation_entry({}) is None
    with pytest.raises(StatusListError):
        revocation_entry({"credentialStatus": {**status_entry(LIST, 4), "statusListIndex": "-4"}})


def _list(**changes) -> dict:
    credential = build_list_credential(LIST, issuer_id=ISSUER, revoked=[4], valid_from=utcnow())
    for name, value in changes.items():
        if name.startswith("subject_"):
            credential["credentialSubject"][name.removeprefix("subject_")] = value
        else:
            credential[name] = value
    return credential


def test_the_list_credential_is_a_bitstring_status_list_credential():
    credential = _list()
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert credential["credentialSubject"]["ttl"] == 300_000
    assert is_revoked_in(credential, index=4, list_url=LIST, issuer_id=ISSUER)
    assert not is_revoked_in(credential, index=5, list_url=LIST, issuer_id=ISSUER)


@pytest.mark.parametrize("changes", [
    {"id": "https://lms.example/credentials/status-lists/2"}, {"issuer": "https://elsewhere/issuer"},
    {"type": ["VerifiableCredential"]}, {"subject_type": "StatusList2021"}, {"subject_statusPurpose": "suspension"},
    {"subject_encodedList": encode_list([], length=8 * 1024)},
], ids=["another-list", "another-issuer", "not-a-list", "old-list-type", "suspension", "too-short"])
def test_a_list_that_is_not_the_one_named_is_refused(changes):
    with pytest.raises(StatusListError):
        is_revoked_in(_list(**changes), index=4, list_url=LIST, issuer_id=ISSUER)


# --- places of certificates --------------------------------------------------------------------------------------

def _certificate(serial: str) -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def _reissue(serial: str) -> Certificate:
    admin = db.session.scalar(select(User).where(User.email == "admin@example.kz")) or factories.user(
        "admin@example.kz", roles={Role.ADMIN})
    new = services.reissue(_certificate(serial), actor=admin, reason="name corrected", now=utcnow())
    db.session.commit()
    return new


def test_a_certificate_gets_a_place_in_the_first_list(app, certified):  # noqa: F811
    with app.app_context():
        certificate = _certificate(certified)
        assert certificate.status_list == 1 and 0 <= certificate.status_index < LIST_LENGTH


def test_a_place_taken_meanwhile_is_drawn_again(app, certified, monkeypatch):  # noqa: F811
    with app.app_context():
        taken = _certificate(certified).status_index
        draws = iter([taken, (taken + 1) % LIST_LENGTH])
        monkeypatch.setattr(services, "_draw_status_index", lambda: next(draws))
        new = _reissue(certified)
        assert (new.status_list, new.status_index) == (1, (taken + 1) % LIST_LENGTH)
        assert _certificate(certified).revoked_at is not None  # the rest of the re-issue stood


def test_a_list_filled_to_half_makes_the_next_list(app, certified, monkeypatch):  # noqa: F811
    monkeypatch.setattr(status_list, "LIST_FILL", 1)
    with app.app_context():
        assert _reissue(certified).status_list == 2


# --- the published list ------------------------------------------------------------------------------------------

def test_the_published_list_is_signed_and_holds_the_certificate_unrevoked(app, client, certified):  # noqa: F811
    response = client.get("/credentials/status-lists/1")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    result = verify_signed(response.get_data(as_text=True), client.get("/issuer/jwks.json").json, now=utcnow())
    assert result.valid, result.problems
    with app.app_context():
        certificate = _certificate(certified)
        url = f"{app.config['BASE_URL']}/credentials/status-lists/1"
        assert not is_revoked_in(result.credential, index=certificate.status_index, list_url=url,
                                 issuer_id=f"{app.config['BASE_URL']}/issuer")
        assert result.credential["validFrom"] == certificate.issued_at.replace(microsecond=0).isoformat().replace(
            "+00:00", "Z")


def test_a_revocation_sets_the_certificates_bit(app, client, certified):  # noqa: F811
    with app.app_context():
        _reissue(certified)
        old, new = _certificate(certified), db.session.scalar(select(Certificate).where(Certificate.id != _certificate(
            certified).id))
        old_index, new_index, revoked_at = old.status_index, new.status_index, old.revoked_at
    bits = decode_list(_payload(client.get("/credentials/status-lists/1").get_data(as_text=True))
                       ["credentialSubject"]["encodedList"])
    assert is_set(bits, old_index) and not is_set(bits, new_index)
    assert sum(bin(byte).count("1") for byte in bits) == 1
    claims = _payload(client.get("/credentials/status-lists/1").get_data(as_text=True))
    assert claims["validFrom"] == revoked_at.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def test_a_list_without_certificates_is_not_found(client, certified):  # noqa: F811
    assert client.get("/credentials/status-lists/2").status_code == 404
    assert client.get("/credentials/status-lists/0").status_code == 404


def test_the_status_url_of_credentials_handed_out_earlier_still_answers(app, client, certified):  # noqa: F811
    body = client.get(f"/credentials/{certified}/status").json
    with app.app_context():
        index = _certificate(certified).status_index
    assert body["revoked"] is False and body["reason"] is None
    assert body["statusListCredential"] == f"{app.config['BASE_URL']}/credentials/status-lists/1"
    assert body["statusListIndex"] == str(index)


def test_the_list_is_kept_as_long_as_its_ttl_says():
    from lms.certificates.views import STATUS_MAX_AGE

    assert STATUS_MAX_AGE == status_list.TTL_SECONDS


# --- lms certificates verify ---------------------------------------------------------------------------------

@pytest.fixture
def downloaded(app, login_as, certified, tmp_path):  # noqa: F811
    """The learner's credential file; the admin exists."""
    path = tmp_path / "credential.json"
    path.write_bytes(login_as("aliya@example.kz").get(f"/certificates/{certified}/credential.json").data)
    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
    return path


def _revoke(runner, serial):
    result = runner.invoke(args=["certificates", "revoke", serial, "--reason", "fraud", "--by", "admin@example.kz"])
    assert result.exit_code == 0, result.output


def test_cli_reads_revocation_from_the_status_list(runner, client, certified, downloaded, tmp_path):  # noqa: F811
    before = tmp_path / "list-before.jwt"
    before.write_text(client.get("/credentials/status-lists/1").get_data(as_text=True), encoding="utf-8")
    _revoke(runner, certified)

    result = runner.invoke(args=["certificates", "verify", str(downloaded)])
    assert result.exit_code == 1 and "revoked: fraud" in result.output
    # A list downloaded before the revocation still says "not revoked": the list is what is read.
    result = runner.invoke(args=["certificates", "verify", str(downloaded), "--status-list", str(before)])
    assert result.exit_code == 0 and result.output.strip() == "Valid credential."


def test_cli_checks_a_credential_handed_out_before_status_lists(app, runner, certified, downloaded):  # noqa: F811
    envelope = json.loads(downloaded.read_text(encoding="utf-8"))
    claims = _payload(envelope["id"].removeprefix("data:application/vc+jwt,"))
    credential = {name: value for name, value in claims.items() if name not in ("iss", "jti", "sub", "nbf", "iat",
                                                                                 "exp")}
    credential["credentialStatus"] = {"id": f"{app.config['BASE_URL']}/credentials/{certified}/status",
                                      "type": "1EdTechRevocationList"}
    with app.app_context():
        downloaded.write_text(sign_credential(credential, signing_key()), encoding="utf-8")
    assert runner.invoke(args=["certificates", "verify", str(downloaded)]).output.strip() == "Valid credential."
    _revoke(runner, certified)
    result = runner.invoke(args=["certificates", "verify", str(downloaded)])
    assert result.exit_code == 1 and "revoked: fraud" in result.output


def test_cli_refuses_a_status_list_it_cannot_verify(app, runner, certified, downloaded, tmp_path):  # noqa: F811
    from lms.certificates.keys import load_or_create_signing_key

    forged = tmp_path / "forged.jwt"
    with app.app_context():
        url = f"{app.config['BASE_URL']}/credentials/status-lists/1"
        forged.write_text(sign_credential(build_list_credential(url, issuer_id=f"{app.config['BASE_URL']}/issuer",
                                                                revoked=[], valid_from=utcnow()),
                                          load_or_create_signing_key(tmp_path / "other.jwk")), encoding="utf-8")
    result = runner.invoke(args=["certificates", "verify", str(downloaded), "--status-list", str(forged)])
    assert result.exit_code == 1 and "does not verify" in result.output and "unknown-kid" in result.output
