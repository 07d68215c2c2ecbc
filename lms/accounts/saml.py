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
import re
import shutil
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from lms.accounts.identity import ExternalProfile, ExternalSignInRefused
from lms.accounts.models import SamlAssertion
from lms.extensions import db
from lms.saml_config import SamlConfigError, SamlProvider

log = logging.getLogger(__name__)

NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
_TRUE = {"true", "1", "yes"}
#: The signature and digest algorithms a response may use (xmlsec1 would verify MD5 or DSA ones too).
ACCEPTED_ALGORITHMS = frozenset({
    "http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512",
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
})
#: What our metadata says we support: the SHA-2 ones only.
ADVERTISED_ALGORITHMS = frozenset(a for a in ACCEPTED_ALGORITHMS if "sha1" not in a)
_ALGORITHM = re.compile(r"<(?:[\w.-]+:)?(?:SignatureMethod|DigestMethod)\b[^>]*?\bAlgorithm\s*=\s*[\"']([^\"']*)")
#: How long fetched IdP metadata is used before it is fetched again.
METADATA_SECONDS = 3600


def entity_id(base_url: str, key: str) -> str:
    """Our SP entity id for provider `key`: the stable address of its metadata."""
    return f"{base_url}/saml/{key}/metadata"


def acs_url(base_url: str, key: str) -> str:
    """Where the IdP posts its response for provider `key` (HTTP-POST binding)."""
    return f"{base_url}/saml/{key}/acs"


_metadata_cache: dict[str, tuple[float, str]] = {}
_clients: dict[tuple[str, str], tuple[SamlProvider, str, Any]] = {}
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


def _sp_config(provider: SamlProvider, base_url: str, metadata_xml: str | None):
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
        **({"metadata": {"inline": [metadata_xml]}} if metadata_xml else {}),
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
    with _lock:
        cached = _clients.get((provider.key, base_url))
        if cached is None or cached[0] != provider or cached[1] != metadata_xml:
            cached = (provider, metadata_xml, Saml2Client(config=_sp_config(provider, base_url, metadata_xml)))
            _clients[(provider.key, base_url)] = cached
    return cached[2]


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

    descriptor = entity_descriptor(_sp_config(provider, base_url, None))  # needs nothing from the IdP
    if descriptor.extensions is not None:  # pysaml2 lists every algorithm xmlsec1 knows, MD5 included
        descriptor.extensions.extension_elements = [
            element for element in descriptor.extensions.extension_elements
            if element.attributes.get("Algorithm") in ADVERTISED_ALGORITHMS]
    return descriptor.to_string().decode()


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
                    now: datetime) -> tuple[ExternalProfile, str]:
    """Check a posted SAMLResponse (base64) against `outstanding` request ids; return the profile it carries and the
    id of the request it answers.

    Raises ExternalSignInRefused: "provider_error" when the IdP answered with an error status, "token" for anything
    that does not verify (signature, audience, recipient, lifetime, InResponseTo, replay), with the failed check
    in `detail`.
    """
    from saml2 import BINDING_HTTP_POST
    from saml2.response import StatusError

    client = client_for(provider, base_url)
    try:
        xml = base64.b64decode(saml_response).decode("utf-8")
    except ValueError:
        raise ExternalSignInRefused("token", "SAMLResponse is not base64 UTF-8") from None
    weak = sorted({algorithm for algorithm in _ALGORITHM.findall(xml) if algorithm not in ACCEPTED_ALGORITHMS})
    if weak:
        raise ExternalSignInRefused("token", f"signature algorithms not accepted: {', '.join(weak)}"[:300])
    try:
        # conv_info: without it pysaml2 (7.5) skips the SubjectConfirmationData Recipient check altogether.
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding,
            conv_info={"entity_id": entity_id(base_url, provider.key)})
    except StatusError as exc:
        raise ExternalSignInRefused("provider_error", f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # pysaml2 raises many exception types, and bare Exception for some checks
        raise ExternalSignInRefused("token", f"{type(exc).__name__}: {exc}"[:300]) from None
    if response is None or response.assertion is None:
        raise ExternalSignInRefused("token", "no assertion")
    if response.in_response_to not in outstanding:
        raise ExternalSignInRefused("token", "InResponseTo names no outstanding request")
    assertion = response.assertion
    issuer = (assertion.issuer.text or "").strip() if assertion.issuer is not None else ""
    if issuer != _idp_entity_id(provider, client):  # metadata may describe a federation's many IdPs
        raise ExternalSignInRefused("token", f"issuer {issuer!r} is not this provider's IdP")
    recipients = {confirmation.subject_confirmation_data.recipient
                  for confirmation in assertion.subject.subject_confirmation or []
                  if confirmation.subject_confirmation_data is not None}
    if recipients != {acs_url(base_url, provider.key)}:  # checked again here: it is what binds the assertion to us
        raise ExternalSignInRefused("token", f"recipient {sorted(map(str, recipients))} is not our ACS")
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
    mapped["agency_code"] = mapped["agency_code"] or provider.default_agency or None
    if provider.email_verified_attribute:
        verified = (_first(attributes, provider.email_verified_attribute) or "").lower() in _TRUE
    else:
        verified = provider.email_verified
    profile = ExternalProfile(protocol="saml", provider=provider.key, subject=subject[:255],
                              email_verified=verified and bool(mapped["email"]), **mapped)
    return profile, response.in_response_to
