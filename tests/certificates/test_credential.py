"""Open Badges 3.0 credentials as VC-JWT: built, signed, verified, and every way a token can be wrong."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.certificates.credential import (
    Verification,
    build_credential,
    problem_code,
    sign_credential,
    verify_credential,
)
from lms.certificates.document import CertificateData
from lms.certificates.keys import load_or_create_signing_key, public_jwks
from lms.certificates.status_list import status_entry

ISSUED = datetime(2025, 3, 14, 9, 26, 53, 589_000, tzinfo=UTC)
LATER = ISSUED + timedelta(days=10)


def certificate(**changes) -> CertificateData:
    values = {
        "serial": "K7QF-2M9D-X", "learner_name": "Әлия Нұрланқызы", "course_title": "AI basics",
        "agency_name": "Ministry of Digital Development", "issued_at": ISSUED, "study_minutes": 750, "language": "kk",
        "issuer_name": "Academy", "verify_url": "https://lms.example/verify/K7QF", "expires_at": None,
    }
    return CertificateData(**{**values, **changes})


def credential_for(data: CertificateData | None = None) -> dict:
    return build_credential(
        data or certificate(),
        credential_id="https://lms.example/credentials/K7QF",
        issuer_id="https://lms.example/issuer",
        issuer_name="Academy",
        achievement_id="https://lms.example/achievements/ai-basics",
        achievement_name="AI basics",
        achievement_description="Completed the AI basics course.",
        criteria_narrative="Completed the course “AI basics”.",
        credential_status=status_entry("https://lms.example/credentials/status-lists/1", 4711),
    )


@pytest.fixture
def key(tmp_path):
    return load_or_create_signing_key(tmp_path / "signing-key.json")


@pytest.fixture
def jwks(key):
    return public_jwks(key)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unb64(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def codes(result: Verification) -> list[str]:
    return [problem_code(problem) for problem in result.problems]


# --- the credential -------------------------------------------------------------------------------------------


def test_credential_has_the_open_badges_3_context_and_types():
    credential = credential_for()

    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {"id": "https://lms.example/issuer", "type": ["Profile"], "name": "Academy"}
    assert credential["validFrom"] == "2025-03-14T09:26:53Z"
    assert "validUntil" not in credential
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [{"type": "IdentityObject", "identityHash": "Әлия Нұрланқызы",
                                      "identityType": "name", "hashed": False}]
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["criteria"] == {"narrative": "Completed the course “AI basics”."}
    assert credential["credentialStatus"] == {
        "id": "https://lms.example/credentials/status-lists/1#4711", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "4711",
        "statusListCredential": "https://lms.example/credentials/status-lists/1"}
    json.dumps(credential)  # plain JSON


def test_valid_until_follows_the_expiry_in_utc():
    almaty = timezone(timedelta(hours=5))
    credential = credential_for(certificate(expires_at=datetime(2027, 1, 1, 10, 0, 0, 999, tzinfo=almaty)))
    assert credential["validUntil"] == "2027-01-01T05:00:00Z"


def test_token_header_and_claims(key):
    credential = credential_for(certificate(expires_at=LATER))
    header, payload, _ = sign_credential(credential, key).split(".")

    assert unb64(header) == {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.kid}
    claims = unb64(payload)
    assert claims["iss"] == "https://lms.example/issuer"
    assert claims["jti"] == claims["sub"] == "https://lms.example/credentials/K7QF"
    assert claims["nbf"] == claims["iat"] == int(ISSUED.replace(microsecond=0).timestamp())
    assert claims["exp"] == int(LATER.timestamp())


# --- verification ---------------------------------------------------------------------------------------------


def test_round_trip_is_valid(key, jwks):
    credential = credential_for(certificate(expires_at=LATER))

    result = verify_credential(sign_credential(credential, key), jwks, now=ISSUED + timedelta(days=1))

    assert result == Verification(valid=True, problems=[], credential=credential, revoked=False,
                                  revocation_reason=None)


@pytest.mark.parametrize("field, value", [("name", "Someone Else"), ("validFrom", "2020-01-01T00:00:00Z")])
def test_edited_payload_fails_on_the_signature(key, jwks, field, value):
    header, payload, signature = sign_credential(credential_for(), key).split(".")
    claims = unb64(payload)
    if field == "name":
        claims["credentialSubject"]["identifier"][0]["identityHash"] = value
    else:
        claims[field] = value
    forged = f"{header}.{b64(claims)}.{signature}"

    result = verify_credential(forged, jwks, now=LATER)

    assert not result.valid
    assert codes(result) == ["bad-signature"]
    assert result.credential is None


@pytest.mark.parametrize("alg", ["none", "None", "HS256", "Ed25519", "ES256", None])
def test_other_algorithms_are_rejected_before_verifying(key, jwks, alg):
    _, payload, signature = sign_credential(credential_for(), key).split(".")
    header = {"typ": "vc+jwt", "kid": key.kid} | ({} if alg is None else {"alg": alg})
    for token in (f"{b64(header)}.{payload}.", f"{b64(header)}.{payload}.{signature}"):
        result = verify_credential(token, jwks, now=LATER)
        assert not result.valid
        assert result.credential is None
        if token.endswith("."):
            assert codes(result) == ["malformed"]  # an empty signature is not even a JWS
        else:
            assert codes(result) == ["unsupported-alg"]


def test_alg_none_is_rejected(key, jwks):
    _, payload, _ = sign_credential(credential_for(), key).split(".")
    header = b64({"alg": "none", "typ": "vc+jwt", "kid": key.kid})
    result = verify_credential(f"{header}.{payload}.c2ln", jwks, now=LATER)
    assert not result.valid
    assert codes(result) == ["unsupported-alg"]
    assert "'none'" in result.problems[0]


def test_token_from_another_key_is_rejected(tmp_path, key, jwks):
    other = load_or_create_signing_key(tmp_path / "other.json")
    result = verify_credential(sign_credential(credential_for(), other), jwks, now=LATER)
    assert not result.valid
    assert codes(result) == ["unknown-kid"]


def test_another_key_posing_under_our_kid_fails_on_the_signature(tmp_path, key, jwks):
    other = load_or_create_signing_key(tmp_path / "other.json")
    impostor = type(other).import_key({**other.as_dict(private=True), "kid": key.kid})
    result = verify_credential(sign_credential(credential_for(), impostor), jwks, now=LATER)
    assert codes(result) == ["bad-signature"]


def test_rotated_keys_still_verify(tmp_path, key):
    new = load_or_create_signing_key(tmp_path / "new.json")
    old_token = sign_credential(credential_for(), key)
    assert verify_credential(old_token, public_jwks(new, key), now=LATER).valid
    assert codes(verify_credential(old_token, public_jwks(new), now=LATER)) == ["unknown-kid"]


def test_expired_credential(key, jwks):
    token = sign_credential(credential_for(certificate(expires_at=LATER)), key)

    result = verify_credential(token, jwks, now=LATER + timedelta(seconds=1))

    assert not result.valid
    assert codes(result) == ["expired"]
    assert result.problems == ["expired: valid until 2025-03-24T09:26:53Z"]
    assert result.credential is not None  # authentic, just no longer valid


def test_not_yet_valid_credential(key, jwks):
    token = sign_credential(credential_for(), key)
    result = verify_credential(token, jwks, now=ISSUED - timedelta(minutes=5))
    assert codes(result) == ["not-yet-valid"]


def test_naive_now_is_taken_as_utc(key, jwks):
    token = sign_credential(credential_for(certificate(expires_at=LATER)), key)
    assert verify_credential(token, jwks, now=(ISSUED + timedelta(days=1)).replace(tzinfo=None)).valid


def test_revoked_via_callback(key, jwks):
    asked = []

    def is_revoked(credential):
        asked.append(credential)
        return True, "issued in error"

    result = verify_credential(sign_credential(credential_for(), key), jwks, now=LATER, is_revoked=is_revoked)

    assert asked == [credential_for()]  # the verified credential, which names its status list
    assert not result.valid
    assert result.revoked is True
    assert result.revocation_reason == "issued in error"
    assert codes(result) == ["revoked"]


def test_not_revoked_via_callback(key, jwks):
    result = verify_credential(sign_credential(credential_for(), key), jwks, now=LATER,
                               is_revoked=lambda _id: (False, "ignored"))
    assert result.valid and result.revoked is False and result.revocation_reason is None


def test_revocation_is_not_asked_for_a_forged_token(tmp_path, jwks):
    other = load_or_create_signing_key(tmp_path / "other.json")

    def is_revoked(_id):
        raise AssertionError("must not be called")

    verify_credential(sign_credential(credential_for(), other), jwks, now=LATER, is_revoked=is_revoked)


def test_signed_non_openbadge_payload_is_reported(key, jwks):
    credential = credential_for()
    credential["type"] = ["VerifiableCredential"]
    credential["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    result = verify_credential(sign_credential(credential, key), jwks, now=LATER)
    assert codes(result) == ["not-openbadge"]
    assert "OpenBadgeCredential" in result.problems[0] and "context-3.0.3" in result.problems[0]


GARBAGE = [
    "", "   ", "abc", "a.b", "a.b.c", "a.b.c.d", "..", "😀.😀.😀", None, 42, b"\xff\xfe", ["a", "b"],
    f"{b64({'alg': 'EdDSA'})}.{b64({'a': 1})}",
    f"{b64({'alg': 'EdDSA', 'kid': 'x'})}.bm90IGpzb24.c2ln",
    "W10.W10.c2ln",  # [] . []
    "e30.e30.c2ln",  # {} . {}
    "eyJhbGciOiJFZERTQSJ9+.e30.c2ln",
    "x" * 100_000,
]


@pytest.mark.parametrize("token", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_is_invalid_without_exception(token, jwks):
    result = verify_credential(token, jwks, now=LATER)
    assert not result.valid and result.problems and result.credential is None


@pytest.mark.parametrize("bad_jwks", [{}, {"keys": None}, {"keys": [None, 1, "x"]}, None, [],
                                      {"keys": [{"kid": "K", "kty": "OKP", "crv": "Ed25519", "x": "!!"}]}])
def test_garbage_jwks_is_invalid_without_exception(key, bad_jwks):
    token = sign_credential(credential_for(), key)
    if isinstance(bad_jwks, dict) and bad_jwks.get("keys") and isinstance(bad_jwks["keys"][0], dict):
        bad_jwks["keys"][0]["kid"] = key.kid
    result = verify_credential(token, bad_jwks, now=LATER)
    assert not result.valid and result.problems


def test_jwks_entry_for_another_algorithm_is_refused(key, jwks):
    jwks["keys"][0]["alg"] = "ES256"
    result = verify_credential(sign_credential(credential_for(), key), jwks, now=LATER)
    assert codes(result) == ["bad-key"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300),
                 st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
                                  max_size=60), min_size=1, max_size=5).map(".".join)))
def test_arbitrary_input_never_raises(token):
    result = verify_credential(token, {"keys": []}, now=LATER)
    assert isinstance(result, Verification) and not result.valid and result.problems


def test_signing_refuses_a_public_key(key):
    public = type(key).import_key(key.as_dict(private=False))
    with pytest.raises(ValueError):
        sign_credential(credential_for(), public)
