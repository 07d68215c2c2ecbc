"""OpenID Connect sign-in (authorization code flow with PKCE), with Authlib for the OAuth 2.0 client side and joserfc
for the id_token: discovery, the authorization request, the callback's checks, claim mapping, RP-initiated logout.

What is checked before a profile reaches identity.sign_in_external:
- state: one pending sign-in per state value, kept in the signed session cookie and used once (a replayed callback
  finds nothing); it expires after PENDING_MINUTES;
- PKCE (S256): the code is useless without the verifier that only this browser's session holds;
- the id_token: a signature by one of the provider's published keys with one of the algorithms its settings allow
  (never "none", never a MAC keyed with the client secret), iss = the configured issuer, aud containing our client
  id (azp too when several audiences), exp and iat with the configured leeway, and nonce = the pending sign-in's;
- the userinfo answer belongs to the same subject.

The network calls take the provider and explicit inputs; nothing here reads the request or the session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lms.accounts.identity import ExternalProfile, ExternalSignInRefused
from lms.db import utcnow
from lms.identity_providers import OidcProvider

#: How long a started sign-in may take at the provider before its callback is refused.
PENDING_MINUTES = 10
#: How long discovery documents and key sets are kept before they are read again (a new kid re-reads at once).
CACHE_SECONDS = 3600

_cache: dict[tuple[str, str], tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _get_json(url: str, provider: OidcProvider, **kwargs) -> dict:
    try:
        response = requests.get(url, timeout=provider.timeout_seconds, **kwargs)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ExternalSignInRefused("unavailable", f"{url}: {exc}") from None
    if not isinstance(data, dict):
        raise ExternalSignInRefused("unavailable", f"{url}: not a JSON object")
    return data


def _cached(kind: str, url: str, load, *, refresh: bool = False):
    key = (kind, url)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and not refresh and hit[0] > time.monotonic():
        return hit[1]
    value = load()
    with _cache_lock:
        _cache[key] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def discover(provider: OidcProvider) -> dict:
    """The provider's discovery document (cached); raises ExternalSignInRefused("unavailable") when it cannot be read
    or names another issuer."""
    url = provider.issuer + "/.well-known/openid-configuration"

    def load() -> dict:
        metadata = _get_json(url, provider)
        if metadata.get("issuer", "").rstrip("/") != provider.issuer:
            raise ExternalSignInRefused("unavailable", f"discovery names issuer {metadata.get('issuer')!r}")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(name), str):
                raise ExternalSignInRefused("unavailable", f"discovery has no {name}")
        return metadata

    return _cached("discovery", url, load)


def signing_keys(provider: OidcProvider, metadata: dict, *, refresh: bool = False) -> KeySet:
    """The provider's published signing keys (cached; `refresh` reads them again, for a key rotated in)."""
    url = metadata["jwks_uri"]

    def load() -> KeySet:
        try:
            return KeySet.import_key_set(_get_json(url, provider))
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ExternalSignInRefused("unavailable", f"jwks: {exc}") from None

    return _cached("jwks", url, load, refresh=refresh)


def _session(provider: OidcProvider, redirect_uri: str, **kwargs) -> OAuth2Session:
    return OAuth2Session(provider.client_id, provider.client_secret, scope=" ".join(provider.scopes),
                         redirect_uri=redirect_uri, code_challenge_method="S256",
                         token_endpoint_auth_method=provider.token_endpoint_auth_method, **kwargs)


def begin_sign_in(provider: OidcProvider, *, redirect_uri: str, now: datetime) -> tuple[str, dict]:
    """Start a sign-in: return (the provider's authorization URL, the pending sign-in to keep in the session).

    The pending sign-in holds the state, the nonce and the PKCE verifier; the caller keys it by its "state".
    """
    metadata = discover(provider)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _session(provider, redirect_uri).create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier)
    return url, {"provider": provider.key, "state": state, "nonce": nonce, "verifier": verifier,
                 "started": int(now.timestamp())}


def verify_id_token(provider: OidcProvider, id_token: str, *, keys: KeySet, nonce: str, now: datetime) -> dict:
    """Check the id_token's signature and claims (module docstring) and return its claims.

    Raises ExternalSignInRefused("token", detail) naming the failed check.
    """
    try:
        header = jws.extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError, TypeError):
        header = {}
    alg = header.get("alg")
    # An unsigned token ("none") or one of an algorithm the settings do not name is refused before any key is tried.
    if alg not in provider.algorithms:
        raise ExternalSignInRefused("token", f"id_token algorithm {alg!r} is not allowed")
    try:
        token = jwt.decode(id_token, keys, algorithms=list(provider.algorithms))
    except (JoseError, ValueError) as exc:
        raise ExternalSignInRefused("token", f"id_token signature: {exc.__class__.__name__}") from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()), leeway=provider.leeway_seconds,
        iss={"essential": True, "value": provider.issuer}, sub={"essential": True},
        aud={"essential": True, "value": provider.client_id}, exp={"essential": True}, iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise ExternalSignInRefused("token", f"id_token claims: {exc}") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise ExternalSignInRefused("token", "id_token has several audiences and another azp")
    return claims


def _decode_checked(provider: OidcProvider, metadata: dict, id_token: str, *, nonce: str, now: datetime) -> dict:
    try:
        return verify_id_token(provider, id_token, keys=signing_keys(provider, metadata), nonce=nonce, now=now)
    except ExternalSignInRefused as refused:
        if "signature" not in refused.detail:
            raise
    # The provider may have rotated its key since the set was cached: read the set once more.
    return verify_id_token(provider, id_token, keys=signing_keys(provider, metadata, refresh=True), nonce=nonce,
                           now=now)


def finish_sign_in(provider: OidcProvider, pending: dict | None, args: dict[str, str], *, redirect_uri: str,
                   now: datetime, clock: Callable[[], datetime] = utcnow) -> tuple[ExternalProfile, str]:
    """Complete a sign-in from the callback's query `args` and its `pending` sign-in (None: none was found for the
    state): exchange the code, check the id_token, read userinfo and map the claims. `now` is when the callback
    arrived; the id_token is checked at `clock()` after the exchange (it was issued during it).

    Returns (the profile, the id_token, kept for RP-initiated logout). Raises ExternalSignInRefused.
    """
    if args.get("error"):
        raise ExternalSignInRefused("provider_error", f"{args.get('error')}: {args.get('error_description', '')}")
    if (pending is None or pending.get("provider") != provider.key or pending.get("state") != args.get("state")
            or now.timestamp() - pending.get("started", 0) > PENDING_MINUTES * 60):
        raise ExternalSignInRefused("state", "no pending sign-in for this state, or it expired")
    if not args.get("code"):
        raise ExternalSignInRefused("provider_error", "no code in the callback")
    metadata = discover(provider)
    client = _session(provider, redirect_uri, state=pending["state"])
    try:
        token = client.fetch_token(metadata["token_endpoint"], code=args["code"], state=pending["state"],
                                   code_verifier=pending["verifier"], timeout=provider.timeout_seconds)
    except requests.RequestException as exc:
        raise ExternalSignInRefused("unavailable", f"token endpoint: {exc}") from None
    except (OAuthError, ValueError, KeyError) as exc:  # an error answer, or not a token response
        raise ExternalSignInRefused("token", f"token endpoint: {exc}") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise ExternalSignInRefused("token", "no id_token in the token response")
    claims = _decode_checked(provider, metadata, id_token, nonce=pending["nonce"], now=clock())
    if metadata.get("userinfo_endpoint") and token.get("access_token"):
        info = _get_json(metadata["userinfo_endpoint"], provider,
                         headers={"Authorization": f"Bearer {token['access_token']}"})
        if info.get("sub") != claims["sub"]:
            raise ExternalSignInRefused("token", "userinfo is about another subject")
        claims = {**info, **claims}
    return profile_from_claims(provider, claims), id_token


def _claim(claims: dict, name: str) -> str | None:
    if not name:
        return None
    value = claims.get(name)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def profile_from_claims(provider: OidcProvider, claims: dict) -> ExternalProfile:
    """Map checked claims onto an ExternalProfile by the provider's claim mapping."""
    mapping = provider.claims
    verified = claims.get(mapping["email_verified"]) if mapping["email_verified"] else None
    return ExternalProfile(
        protocol="oidc", provider=provider.key, subject=str(claims["sub"]),
        email=_claim(claims, mapping["email"]), email_verified=verified is True or verified == "true",
        full_name=_claim(claims, mapping["full_name"]), person_id=_claim(claims, mapping["person_id"]),
        agency_code=_claim(claims, mapping["agency_code"]) or provider.default_agency or None,
        position=_claim(claims, mapping["position"]),
        manager_person_id=_claim(claims, mapping["manager_person_id"]),
        manager_email=_claim(claims, mapping["manager_email"]),
    )


def logout_url(provider: OidcProvider, *, id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL for RP-initiated logout, or None when the provider (or its settings) has none."""
    if not provider.logout:
        return None
    try:
        endpoint = discover(provider).get("end_session_endpoint")
    except ExternalSignInRefused:
        return None
    if not isinstance(endpoint, str):
        return None
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        params["id_token_hint"] = id_token
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)
