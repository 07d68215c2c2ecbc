"""SAML 2.0 service provider (pysaml2 and xmlsec1): metadata, signed AuthnRequests, checked responses, replay store.

pysaml2 checks each response: the assertion's signature by the IdP's certificate from its metadata, the audience
(our entity id), the recipient and destination (our ACS URL), NotBefore/NotOnOrAfter, and InResponseTo against
the requests this browser has outstanding (unsolicited responses are refused). On top of that every assertion id
is stored until the assertion expires (SamlAssertion, in the database, so every instance sees it): a second use of
the same assertion is refused. The checked assertion becomes an ExternalProfile for identity.sign_in_external.
"""

from __future__ import annotations

import base64
import calendar
import logging
import shutil
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from lms.accounts.identity import ExternalProfile, ExternalSignInRefused
from lms.accounts.models import SamlAssertion
from lms.extensions import db

log = logging.getLogger(__name__)

NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
#: The profile fields an attribute can fill, and the attribute names SimpleSAMLphp, Shibboleth and AD FS commonly send
#: (change them per provider under [saml.<key>.attributes]).
DEFAULT_ATTRIBUTES = {
    "email": "mail", "full_name": "displayName", "person_id": "employeeNumber", "agency_code": "",
    "position": "title", "manager_person_id": "", "manager_email": "",
}
_TRUE = {"true", "1", "yes"}
#: How long fetched IdP metadata is used before it is fetched again.
METADATA_SECONDS = 3600


@dataclass(frozen=True)
class SamlProvider:
    """One [saml.<key>] table of the settings, checked."""

    key: str
    name: str
    sp_key_file: str
    sp_cert_file: str
    idp_metadata_url: str = ""
    idp_metadata_file: str = ""
    idp_entity_id: str = ""  # which IdP of the metadata; empty: the only one it describes
    allow_create: bool = False
    # How SAML says an e-mail is verified: it has no standard claim for it. `email_verified = true` trusts every
    # address this IdP sends (an agency's own directory); `email_verified_attribute` names an attribute whose
    # value "true"/"1" says so per person; otherwise addresses count as unverified and never link an account.
    email_verified: bool = False
    email_verified_attribute: str = ""
    subject_attribute: str = ""  # empty: the NameID (persistent) is the subject
    clock_skew_seconds: int = 60
    attributes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ATTRIBUTES))


class SamlConfigError(ValueError):
    """A [saml.<key>] table is malformed; the message says what to fix."""


def provider_from_settings(key: str, table: dict[str, Any]) -> SamlProvider:
    """Build a SamlProvider from its settings table; raise SamlConfigError naming the problem."""
    where = f"[saml.{key}]"
    known = set(SamlProvider.__dataclass_fields__) - {"key"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise SamlConfigError(f"{where}: unknown settings {', '.join(unknown)}")
    for name in ("sp_key_file", "sp_cert_file"):
        if not table.get(name):
            raise SamlConfigError(f"{where}: set {name} (see the README: openssl req -x509 ...)")
    if bool(table.get("idp_metadata_url")) == bool(table.get("idp_metadata_file")):
        raise SamlConfigError(f"{where}: set exactly one of idp_metadata_url and idp_metadata_file")
    attributes = dict(DEFAULT_ATTRIBUTES)
    mapping = table.get("attributes", {})
    if not isinstance(mapping, dict) or set(mapping) - set(DEFAULT_ATTRIBUTES):
        raise SamlConfigError(f"{where}.attributes: known fields are {', '.join(DEFAULT_ATTRIBUTES)}")
    attributes.update({name: str(value) for name, value in mapping.items()})
    values = {name: value for name, value in table.items() if name != "attributes"}
    return SamlProvider(key=key, name=str(table.get("name") or key), attributes=attributes,
                        **{k: v for k, v in values.items() if k != "name"})


def entity_id(base_url: str, key: str) -> str:
    """Our SP entity id for provider `key`: the stable address of its metadata."""
    return f"{base_url}/saml/{key}/metadata"


def acs_url(base_url: str, key: str) -> str:
    """Where the IdP posts its response for provider `key` (HTTP-POST binding)."""
    return f"{base_url}/saml/{key}/acs"


_metadata_cache: dict[str, tuple[float, str]] = {}
_clients: dict[tuple, tuple[float, Any]] = {}
_lock = threading.Lock()


def _idp_metadata(provider: SamlProvider) -> str:
    if provider.idp_metadata_file:
        return Path(provider.idp_metadata_file).read_text(encoding="utf-8")
    url = provider.idp_metadata_url
    cached = _metadata_cache.get(url)
    if cached and time.monotonic() - cached[0] < METADATA_SECONDS:
        return cached[1]
    if not url.startswith(("https://", "http://")):
        raise SamlConfigError(f"[saml.{provider.key}]: idp_metadata_url must be http(s)")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - scheme checked above
            xml = response.read().decode("utf-8")
    except OSError as exc:
        raise ExternalSignInRefused("unavailable", f"metadata {url}: {exc}") from None
    _metadata_cache[url] = (time.monotonic(), xml)
    return xml


def _sp_config(provider: SamlProvider, base_url: str, metadata_xml: str):
    from saml2 import BINDING_HTTP_POST
    from saml2.config import SPConfig

    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise SamlConfigError("SAML needs xmlsec1 (Debian package xmlsec1)")
    config = SPConfig()
    config.load({
        "entityid": entity_id(base_url, provider.key),
        "name": provider.name,
        "key_file": provider.sp_key_file,
        "cert_file": provider.sp_cert_file,
        "xmlsec_binary": xmlsec,
        "metadata": {"inline": [metadata_xml]},
        "allow_unknown_attributes": True,
        "accepted_time_diff": provider.clock_skew_seconds,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs_url(base_url, provider.key), BINDING_HTTP_POST)]},
            "allow_unsolicited": False,
            "authn_requests_signed": True,
            "want_assertions_signed": True,
            "want_response_signed": False,
            "name_id_format": [NAMEID_PERSISTENT],
            "name_id_format_allow_create": True,
        }},
    })
    return config


def client_for(provider: SamlProvider, base_url: str):
    """The pysaml2 client of `provider` (kept for the metadata's lifetime, rebuilt when it is fetched again)."""
    from saml2.client import Saml2Client

    metadata_xml = _idp_metadata(provider)
    cache_key = (provider, base_url, hash(metadata_xml))
    with _lock:
        cached = _clients.get(cache_key)
        if cached is None:
            for stale in [k for k in _clients if k[:2] == cache_key[:2]]:
                del _clients[stale]
            cached = _clients[cache_key] = (time.monotonic(), Saml2Client(config=_sp_config(provider, base_url,
                                                                                            metadata_xml)))
    return cached[1]


def _idp_entity_id(provider: SamlProvider, client) -> str:
    if provider.idp_entity_id:
        return provider.idp_entity_id
    idps = list(client.metadata.with_descriptor("idpsso"))
    if len(idps) != 1:
        raise SamlConfigError(f"[saml.{provider.key}]: the metadata describes {len(idps)} IdPs; set idp_entity_id")
    return idps[0]


def sp_metadata(provider: SamlProvider, base_url: str) -> str:
    """Our SP's metadata document: entity id, ACS (HTTP-POST), signing certificate, signed requests wanted."""
    from saml2.metadata import entity_descriptor

    return entity_descriptor(_sp_config(provider, base_url, _idp_metadata(provider))).to_string().decode()


def start_sign_in(provider: SamlProvider, base_url: str) -> tuple[str, str]:
    """A signed AuthnRequest for the IdP (HTTP-Redirect binding): (request id, the URL to send the browser to).

    The caller keeps the request id with the browser (verify_response needs it as `outstanding`).
    """
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

    client = client_for(provider, base_url)
    request_id, info = client.prepare_for_authenticate(
        entityid=_idp_entity_id(provider, client), binding=BINDING_HTTP_REDIRECT, sign=True,
        sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    location = dict(info["headers"])["Location"]
    return request_id, location


def _attributes(assertion) -> dict[str, list[str]]:
    """Every attribute of the assertion by Name (and FriendlyName), values as text."""
    found: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            values = [(value.text or "").strip() for value in attribute.attribute_value or []]
            for name in filter(None, (attribute.name, attribute.friendly_name)):
                found.setdefault(name, values)
    return found


def _first(attributes: dict[str, list[str]], name: str) -> str | None:
    values = attributes.get(name) if name else None
    return next((v for v in values if v), None) if values else None


def _expiry(assertion, now: datetime) -> datetime:
    from saml2.time_util import str_to_time

    ends = []
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        ends.append(assertion.conditions.not_on_or_after)
    for confirmation in assertion.subject.subject_confirmation or []:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            ends.append(data.not_on_or_after)
    if not ends:
        return now + timedelta(days=1)
    return max(datetime.fromtimestamp(calendar.timegm(str_to_time(end)), tz=UTC) for end in ends)


def remember_assertion(provider: str, assertion_id: str, *, expires_at: datetime, now: datetime) -> None:
    """Record that assertion `assertion_id` has been used (until it expires); raise ExternalSignInRefused("token")
    if it was used before, here or on another instance (the unique index decides between simultaneous uses)."""
    db.session.execute(delete(SamlAssertion).where(SamlAssertion.expires_at < now))
    try:
        with db.session.begin_nested():
            db.session.add(SamlAssertion(assertion_id=assertion_id[:255], provider=provider, expires_at=expires_at,
                                         used_at=now))
    except IntegrityError:
        raise ExternalSignInRefused("token", f"assertion {assertion_id} replayed") from None


def verify_response(provider: SamlProvider, base_url: str, saml_response: str, *, outstanding: dict[str, str],
                    now: datetime) -> ExternalProfile:
    """Check a posted SAMLResponse (base64) against `outstanding` request ids and return the profile it carries.

    Raises ExternalSignInRefused: "provider_error" when the IdP answered with an error status, "token" for anything
    that does not verify (signature, audience, recipient, lifetime, InResponseTo, replay), with the failed check
    in `detail`.
    """
    from saml2 import BINDING_HTTP_POST
    from saml2.response import StatusError

    client = client_for(provider, base_url)
    try:
        base64.b64decode(saml_response, validate=True)
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except StatusError as exc:
        raise ExternalSignInRefused("provider_error", f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # pysaml2 raises many exception types, and bare Exception for some checks
        raise ExternalSignInRefused("token", f"{type(exc).__name__}: {exc}"[:300]) from None
    if response is None or response.assertion is None:
        raise ExternalSignInRefused("token", "no assertion")
    if response.in_response_to not in outstanding:
        raise ExternalSignInRefused("token", "InResponseTo names no outstanding request")
    assertion = response.assertion
    attributes = _attributes(assertion)
    name_id = assertion.subject.name_id if assertion.subject is not None else None
    if provider.subject_attribute:
        subject = _first(attributes, provider.subject_attribute)
    elif name_id is not None and name_id.format != NAMEID_TRANSIENT:
        subject = (name_id.text or "").strip()
    else:
        subject = None
    if not subject:
        raise ExternalSignInRefused("token", "no stable subject (a transient NameID needs subject_attribute)")
    remember_assertion(provider.key, assertion.id, expires_at=_expiry(assertion, now), now=now)
    mapped = {name: _first(attributes, attribute) for name, attribute in provider.attributes.items()}
    if provider.email_verified_attribute:
        verified = (_first(attributes, provider.email_verified_attribute) or "").lower() in _TRUE
    else:
        verified = provider.email_verified
    return ExternalProfile(protocol="saml", provider=provider.key, subject=subject[:255],
                           email_verified=verified and bool(mapped["email"]), **mapped)
