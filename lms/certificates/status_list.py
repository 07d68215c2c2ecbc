"""Credential revocation as a W3C Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/).

Pure: no Flask, no database, no network. Every certificate has a fixed place (list number, index) in one of the
issuer's status lists; the list is published as a `BitstringStatusListCredential` (signed like the credentials, as a
VC-JWT) whose `encodedList` is the multibase base64url ("u" prefix, no padding) of the GZIP-compressed bitstring,
bit 0 being the left-most bit of the first byte. A set bit means revoked.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from lms.certificates.credential import VC_CONTEXT, iso_utc

#: Entries in one list: the specification's minimum (16 KB), so that a list hides who is in it (herd privacy).
LIST_LENGTH = 131_072
#: A list takes new certificates (at random free places) until it is this full; then the next list starts.
LIST_FILL = LIST_LENGTH // 2
#: Seconds a verifier (or a cache between) may keep a list before fetching it again (the list's `ttl`).
TTL_SECONDS = 300
STATUS_PURPOSE = "revocation"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
ENTRY_TYPE = "BitstringStatusListEntry"
#: Media type of the published list (a VC-JWT, like the credentials).
MEDIA_TYPE = "application/vc+jwt"
#: The largest decompressed list accepted when reading one (a list is 16 KB; this stops a "zip bomb").
_MAX_BYTES = 16 * LIST_LENGTH // 8
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class StatusListError(ValueError):
    """A status list or a status entry is malformed or does not belong to the credential; the message says how."""


def encode_list(revoked: Iterable[int], *, length: int = LIST_LENGTH) -> str:
    """The `encodedList` of a list of `length` entries in which the indexes `revoked` are set.

    Deterministic (no time stamp in the GZIP header): the same revocations give the same text.
    """
    if length <= 0 or length % 8:
        raise ValueError("the length must be a positive multiple of 8")
    bits = bytearray(length // 8)
    for index in revoked:
        if not 0 <= index < length:
            raise ValueError(f"index {index} is outside the list (0..{length - 1})")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """The bitstring of an `encodedList`; raises StatusListError when it is not multibase base64url GZIP."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError('encodedList must be a multibase base64url text (starting with "u")')
    body = encoded[1:]
    if not _BASE64URL.fullmatch(body):
        raise StatusListError("encodedList is not base64url (without padding)")
    try:
        reader = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing
        bits = reader.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), _MAX_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise StatusListError("encodedList is not GZIP data") from None
    if len(bits) > _MAX_BYTES:
        raise StatusListError("encodedList is too large")
    if not reader.eof or not bits:
        raise StatusListError("encodedList is cut short")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    """Whether entry `index` of the bitstring `bits` is set; raises StatusListError outside the list."""
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"statusListIndex {index} is outside the list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int) -> dict[str, str]:
    """The `credentialStatus` of a credential at `index` of the list published at `list_url`."""
    return {"id": f"{list_url}#{index}", "type": ENTRY_TYPE, "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(index), "statusListCredential": list_url}


def build_list_credential(list_url: str, *, issuer_id: str, revoked: Iterable[int], valid_from: datetime,
                          ttl_seconds: int = TTL_SECONDS) -> dict[str, Any]:
    """The (unsigned) `BitstringStatusListCredential` published at `list_url`.

    `valid_from` is when the list last changed, `ttl_seconds` how long a verifier may keep it before fetching it again.
    """
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": iso_utc(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_list(revoked),
            "ttl": ttl_seconds * 1000,  # milliseconds
        },
    }


def revocation_entry(credential: dict[str, Any]) -> dict[str, Any] | None:
    """The credential's `BitstringStatusListEntry` for revocation, or None when it has none (e.g. an older
    credential naming a status document of its own). Raises StatusListError for a malformed entry."""
    statuses = credential.get("credentialStatus")
    statuses = statuses if isinstance(statuses, list) else [statuses]
    for entry in statuses:
        if isinstance(entry, dict) and entry.get("type") == ENTRY_TYPE and entry.get("statusPurpose") == STATUS_PURPOSE:
            index = entry.get("statusListIndex")
            if not isinstance(index, str) or not index.isdigit():
                raise StatusListError("statusListIndex must be a whole number written as text")
            if not isinstance(entry.get("statusListCredential"), str):
                raise StatusListError("statusListCredential must be a URL")
            return entry
    return None


def is_revoked_in(list_credential: dict[str, Any], *, index: int, list_url: str, issuer_id: str) -> bool:
    """Whether entry `index` is set in `list_credential` (already verified), after checking that it is the
    revocation list published at `list_url` by `issuer_id`. Raises StatusListError otherwise."""
    types = list_credential.get("type")
    if not isinstance(types, list) or LIST_CREDENTIAL_TYPE not in types:
        raise StatusListError(f"the status list is not a {LIST_CREDENTIAL_TYPE}")
    if list_credential.get("id") != list_url:
        raise StatusListError("the status list is not the one the credential names")
    issuer = list_credential.get("issuer")
    if (issuer.get("id") if isinstance(issuer, dict) else issuer) != issuer_id:
        raise StatusListError("the status list and the credential have different issuers")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != LIST_TYPE:
        raise StatusListError(f"the status list's subject is not a {LIST_TYPE}")
    if subject.get("statusPurpose") != STATUS_PURPOSE:
        raise StatusListError(f"the status list's purpose is not {STATUS_PURPOSE}")
    bits = decode_list(subject.get("encodedList"))
    if len(bits) * 8 < LIST_LENGTH:
        raise StatusListError(f"the status list has fewer than {LIST_LENGTH} entries")
    return is_set(bits, index)
