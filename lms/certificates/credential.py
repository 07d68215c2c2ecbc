"""Open Badges 3.0 credentials (W3C Verifiable Credentials) secured as VC-JWT with Ed25519 ("EdDSA").

Pure: no Flask, no database, no network. The URLs inside a credential are identifiers only; nothing is fetched.

Every problem reported by `verify_credential` is "<code>: <detail>", the code being one of
malformed, unsupported-alg, unknown-kid, bad-key, bad-signature, not-openbadge, inconsistent,
not-yet-valid, expired, revoked. Use `problem_code()` to get the code (e.g. to pick a translated message).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

from lms.certificates.document import CertificateData
from lms.certificates.keys import ALGORITHM, CURVE

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
JWT_MEDIA_TYPE = "vc+jwt"
#: JWT registered claims added around the credential by `sign_credential` (and removed again on verification).
JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "iat", "exp")

_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
_MAX_TOKEN_LENGTH = 64_000


# joserfc >= 1.8 flags "EdDSA" with a SecurityWarning because RFC 9864 deprecates the *polymorphic* name in favour
# of "Ed25519". Here the curve is pinned to Ed25519 on both sides (keys are checked before use), which is exactly
# what "Ed25519" would mean, and OB 3.0 / VC-JWT verifiers expect "EdDSA". A private copy of the algorithm without
# the warning keeps joserfc's global registry untouched and the code thread-safe (no warnings.catch_warnings).
_EDDSA = copy.copy(JWSRegistry.algorithms[ALGORITHM])
_EDDSA.security_warning = None


class _Registry(JWSRegistry):
    algorithms = {ALGORITHM: _EDDSA}  # replaces, for this subclass only, joserfc's table of every algorithm
    recommended = [ALGORITHM]


def _registry() -> JWSRegistry:
    return _Registry(algorithms=[ALGORITHM])


@dataclass
class Verification:
    """The outcome of `verify_credential`. `credential` is set only when the signature checked out."""

    valid: bool
    problems: list[str] = field(default_factory=list)
    credential: dict | None = None
    revoked: bool = False
    revocation_reason: str | None = None


def problem_code(problem: str) -> str:
    """The stable code at the start of a problem string, e.g. "expired"."""
    return problem.split(":", 1)[0]


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, with a "Z" (a naive datetime is taken as UTC)."""
    return _as_utc(moment).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_credential(
    data: CertificateData,
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    credential_status: dict[str, str],
) -> dict[str, Any]:
    """The Open Badges 3.0 credential (unsigned) for a certificate.

    Every text (issuer name, achievement name and description, `criteria_narrative`) is given in the certificate's
    language, `data.language`, which the achievement states as `inLanguage`. `credential_status` is the
    credential's entry in the issuer's status list (lms.certificates.status_list.status_entry). Times are truncated
    to the second (JWT times are whole seconds).
    """
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "type": list(CREDENTIAL_TYPES),
        "id": credential_id,
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": iso_utc(data.issued_at),
    }
    if data.expires_at is not None:
        credential["validUntil"] = iso_utc(data.expires_at)
    credential["name"] = achievement_name
    credential["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {"type": "IdentityObject", "identityHash": data.learner_name, "identityType": "name", "hashed": False}
        ],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "name": achievement_name,
            "description": achievement_description,
            "criteria": {"narrative": criteria_narrative},
            "inLanguage": data.language,
        },
    }
    credential["credentialStatus"] = dict(credential_status)
    return credential


def sign_credential(credential: dict[str, Any], key: OKPKey) -> str:
    """A compact JWS (VC-JWT) of `credential` signed with the Ed25519 private `key`.

    Header: alg EdDSA, typ vc+jwt, kid (the key's kid, else its thumbprint). Claims: the credential plus
    iss = issuer id, jti = credential id, sub = credentialSubject.id or else the credential id,
    nbf = iat = validFrom, exp = validUntil when present. Raises ValueError for a wrong key or credential.
    """
    if not isinstance(key, OKPKey) or key.curve_name != CURVE or not key.is_private:
        raise ValueError("signing needs an Ed25519 private key")
    clash = [name for name in JWT_CLAIMS if name in credential]
    if clash:
        raise ValueError(f"credential already has JWT claims {clash}")
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    credential_id = credential.get("id")
    if not isinstance(issuer_id, str) or not isinstance(credential_id, str):
        raise ValueError("credential needs an id and an issuer id")
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    valid_from = _parse_time(credential.get("validFrom"))
    if valid_from is None:
        raise ValueError("credential needs validFrom")
    claims: dict[str, Any] = {
        **credential,
        "iss": issuer_id,
        "jti": credential_id,
        "sub": subject_id if isinstance(subject_id, str) else credential_id,
        "nbf": int(valid_from.timestamp()),
        "iat": int(valid_from.timestamp()),
    }
    if "validUntil" in credential:
        valid_until = _parse_time(credential["validUntil"])
        if valid_until is None:
            raise ValueError("credential has an unreadable validUntil")
        claims["exp"] = int(valid_until.timestamp())
    header = {"alg": ALGORITHM, "typ": JWT_MEDIA_TYPE, "kid": key.kid or key.thumbprint()}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM], registry=_registry())


def verify_credential(
    token: str,
    jwks: Mapping[str, Any],
    *,
    now: datetime,
    is_revoked: Callable[[dict[str, Any]], tuple[bool, str | None]] | None = None,
) -> Verification:
    """Check a VC-JWT Open Badges credential against the public `jwks`, at time `now`. Never raises for bad token
    or JWKS.

    Order: token shape, alg (exactly "EdDSA", before any verification), kid in the JWKS, signature;
    then, on the verified payload only: OB 3.0 contexts/types, iss/jti consistency, validity period,
    and revocation through `is_revoked(credential)` -> (revoked, reason), given the verified credential (which names
    its status list). Exceptions raised by `is_revoked` itself propagate (a broken revocation store or an
    unreadable status list is not an invalid credential).
    """
    result = _verify(token, jwks, now=now, content_problems=_openbadge_problems)
    if result.credential is None or is_revoked is None:
        return result
    revoked, reason = is_revoked(result.credential)
    if revoked:
        result.problems.append(f"revoked: {reason}" if reason else "revoked: no reason given")
        result.valid, result.revoked, result.revocation_reason = False, True, reason
    return result


def verify_signed(token: str, jwks: Mapping[str, Any], *, now: datetime) -> Verification:
    """Check any VC-JWT of the issuer (e.g. a status list credential) as `verify_credential` does, without the
    Open Badges and revocation checks: shape, alg, kid, signature, iss/jti consistency, validity period."""
    return _verify(token, jwks, now=now, content_problems=lambda _credential: [])


def _verify(token: object, jwks: Mapping[str, Any], *, now: datetime,
            content_problems: Callable[[dict[str, Any]], list[str]]) -> Verification:
    parsed = _split(token)
    if isinstance(parsed, str):
        return Verification(valid=False, problems=[parsed])
    header, text = parsed

    alg = header.get("alg")
    if alg != ALGORITHM:
        return Verification(valid=False, problems=[f"unsupported-alg: {alg!r} is not accepted, only {ALGORITHM!r}"])
    kid = header.get("kid")
    entry = _find_key(jwks, kid)
    if entry is None:
        return Verification(valid=False, problems=[f"unknown-kid: {kid!r} is not among the issuer's keys"])
    try:
        if entry.get("alg", ALGORITHM) != ALGORITHM or entry.get("use", "sig") != "sig":
            raise ValueError
        key = OKPKey.import_key({name: value for name, value in entry.items() if name != "d"})
        if key.curve_name != CURVE:
            raise ValueError
    except Exception:
        return Verification(valid=False, problems=[f"bad-key: key {kid!r} is not a usable Ed25519 public key"])

    try:
        claims = jwt.decode(text, key, algorithms=[ALGORITHM], registry=_registry()).claims
    except BadSignatureError:
        return Verification(valid=False, problems=["bad-signature: the signature does not match the content"])
    except (JoseError, ValueError, TypeError) as error:
        return Verification(valid=False, problems=[f"malformed: {type(error).__name__}"])

    credential = {name: value for name, value in claims.items() if name not in JWT_CLAIMS}
    problems = [] if header.get("typ") == JWT_MEDIA_TYPE else [f"inconsistent: typ is not {JWT_MEDIA_TYPE!r}"]
    problems += content_problems(credential)
    problems += _consistency_problems(claims, credential)
    problems += _time_problems(claims, credential, _as_utc(now))
    return Verification(valid=not problems, problems=problems, credential=credential)


# --- helpers ---------------------------------------------------------------------------------------------------


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _b64json(segment: str) -> object:
    if not _SEGMENT.fullmatch(segment):
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    return json.loads(raw.decode("utf-8"))


def _split(token: object) -> tuple[dict[str, Any], str] | str:
    """The decoded header and the token text, or a "malformed: ..." problem."""
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            return "malformed: not ASCII"
    if not isinstance(token, str):
        return "malformed: not a string"
    text = token.strip()
    if len(text) > _MAX_TOKEN_LENGTH:
        return "malformed: too long"
    parts = text.split(".")
    if len(parts) != 3 or not all(parts):
        return "malformed: not a compact JWS (header.payload.signature)"
    try:
        header = _b64json(parts[0])
        payload = _b64json(parts[1])
        if not _SEGMENT.fullmatch(parts[2]):
            raise ValueError("not base64url")
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return "malformed: a part is not base64url-encoded JSON"
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return "malformed: header and payload must be JSON objects"
    return header, text


def _find_key(jwks: object, kid: object) -> Mapping[str, Any] | None:
    if not isinstance(kid, str) or not isinstance(jwks, Mapping):
        return None
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        return None
    for entry in keys:
        if isinstance(entry, Mapping) and entry.get("kid") == kid:
            return entry
    return None


def _types(value: object) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def _openbadge_problems(credential: dict[str, Any]) -> list[str]:
    missing = []
    contexts = _types(credential.get("@context"))
    missing += [f"@context {c}" for c in (VC_CONTEXT, OB_CONTEXT) if c not in contexts]
    missing += [f"type {t}" for t in CREDENTIAL_TYPES if t not in _types(credential.get("type"))]
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    if "AchievementSubject" not in _types(subject.get("type")):
        missing.append("credentialSubject type AchievementSubject")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict) or "Achievement" not in _types(achievement.get("type")):
        missing.append("achievement type Achievement")
    if "validFrom" not in credential:
        missing.append("validFrom")
    return [f"not-openbadge: missing {', '.join(missing)}"] if missing else []


def _consistency_problems(claims: dict[str, Any], credential: dict[str, Any]) -> list[str]:
    problems = []
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(credential.get("id"), str):
        problems.append("inconsistent: the credential has no id")
    elif claims.get("jti", credential["id"]) != credential["id"]:
        problems.append("inconsistent: jti differs from the credential id")
    if "iss" in claims and claims["iss"] != issuer_id:
        problems.append("inconsistent: iss differs from the issuer id")
    return problems


def _numeric_time(claims: dict[str, Any], name: str) -> datetime | str | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"malformed: {name} is not a number"
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return f"malformed: {name} is out of range"


def _time_problems(claims: dict[str, Any], credential: dict[str, Any], now: datetime) -> list[str]:
    problems: list[str] = []
    starts: list[datetime] = []
    ends: list[datetime] = []
    for name, bucket in (("nbf", starts), ("exp", ends)):
        moment = _numeric_time(claims, name)
        if isinstance(moment, str):
            problems.append(moment)
        elif moment is not None:
            bucket.append(moment)
    for name, bucket in (("validFrom", starts), ("validUntil", ends)):
        if name in credential:
            moment = _parse_time(credential[name])
            if moment is None:
                problems.append(f"malformed: {name} is not an ISO 8601 date-time")
            else:
                bucket.append(moment)
    if starts and now < max(starts):
        problems.append(f"not-yet-valid: valid from {iso_utc(max(starts))}")
    if ends and now >= min(ends):
        problems.append(f"expired: valid until {iso_utc(min(ends))}")
    return problems
