"""Identity provider settings: the [oidc.<key>] (and, for their keys, [saml.<key>]) tables of instance/lms.toml,
checked, and the password sign-in switch's break-glass accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


class ProviderSettingsError(ValueError):
    """A provider table is malformed; the message says what to set (config.validate raises it as a ConfigError)."""

#: The profile fields an OIDC provider's claims map onto (lms.accounts.identity.ExternalProfile), with the claim
#: read by default ("" for none).
OIDC_DEFAULT_CLAIMS = {"email": "email", "email_verified": "email_verified", "full_name": "name",
                       "person_id": "", "agency_code": "", "position": "", "manager_person_id": "",
                       "manager_email": ""}

_PROVIDER_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: The id_token signature algorithms a provider may be configured to use (never "none", never a MAC).
OIDC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


def break_glass_admins(config: dict[str, Any]) -> frozenset[str]:
    """BREAK_GLASS_ADMINS as a set of lower-cased e-mail addresses."""
    return frozenset(part.strip().lower() for part in config["BREAK_GLASS_ADMINS"].split(",") if part.strip())


@dataclass(frozen=True)
class OidcProvider:
    """One [oidc.<key>] table of instance/lms.toml, checked."""

    key: str
    name: str  # shown on the button: "Sign in with <name>"
    issuer: str  # discovery is read from <issuer>/.well-known/openid-configuration
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    #: profile field -> claim name (OIDC_DEFAULT_CLAIMS, overridden by the [oidc.<key>.claims] table)
    claims: dict[str, str] = field(default_factory=dict)
    allow_create: bool = False  # create an account for a person the platform does not know yet
    default_agency: str = ""  # agency code for new people whose agency claim is missing
    algorithms: tuple[str, ...] = ("RS256",)  # the id_token signature algorithms accepted
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method name; or client_secret_post
    logout: bool = True  # sign out at the provider too (RP-initiated logout) when it offers an end_session_endpoint
    leeway_seconds: int = 60  # clock difference allowed on exp/iat
    timeout_seconds: int = 10  # for each request to the provider


_OIDC_FIELDS = {"name", "issuer", "client_id", "client_secret", "scopes", "claims", "allow_create", "default_agency",
                "algorithms", "token_endpoint_auth_method", "logout", "leeway_seconds", "timeout_seconds"}


def oidc_providers(config: dict[str, Any]) -> dict[str, OidcProvider]:
    """The configured OpenID Connect providers by key, checked; raises ProviderSettingsError saying what is
    wrong."""
    tables = config.get("OIDC_PROVIDERS") or {}
    saml = config.get("SAML_PROVIDERS") or {}
    if not isinstance(tables, dict) or not isinstance(saml, dict):
        raise ProviderSettingsError("[oidc] and [saml] must be tables of providers: [oidc.<key>], [saml.<key>]")
    for key in saml:
        if not _PROVIDER_KEY.fullmatch(str(key)):
            raise ProviderSettingsError(f"[saml.{key}]: a provider key is lower-case letters, digits, - and _")
    both = sorted(set(tables) & set(saml))
    if both:
        raise ProviderSettingsError(f"provider keys must be unique across [oidc] and [saml]: {', '.join(both)}")
    production = config.get("ENV") == "production"
    providers = {}
    for key, table in tables.items():
        where = f"[oidc.{key}]"
        if not _PROVIDER_KEY.fullmatch(str(key)) or not isinstance(table, dict):
            raise ProviderSettingsError(f"{where}: a provider key is lower-case letters, digits, - or _ (a table)")
        unknown = sorted(set(table) - _OIDC_FIELDS)
        if unknown:
            raise ProviderSettingsError(f"{where}: unknown settings {', '.join(unknown)}")
        missing = [name for name in ("issuer", "client_id", "client_secret") if not table.get(name)]
        if missing:
            raise ProviderSettingsError(f"{where}: set {', '.join(missing)}")
        issuer = str(table["issuer"]).rstrip("/")
        scheme = urlsplit(issuer).scheme
        if scheme not in ("https", "http") or (production and scheme != "https"):
            raise ProviderSettingsError(f"{where}: issuer must be an https:// address, not {issuer!r}")
        scopes = table.get("scopes", "openid email profile")
        scopes = tuple(scopes.split() if isinstance(scopes, str) else scopes)
        if "openid" not in scopes:
            raise ProviderSettingsError(f"{where}: scopes must include openid")
        claims = table.get("claims", {})
        if not isinstance(claims, dict) or set(claims) - set(OIDC_DEFAULT_CLAIMS):
            raise ProviderSettingsError(f"{where}.claims: map only {', '.join(OIDC_DEFAULT_CLAIMS)}")
        algorithms = tuple(table.get("algorithms", ("RS256",)))
        if not algorithms or set(algorithms) - set(OIDC_ALGORITHMS):
            raise ProviderSettingsError(f"{where}: algorithms must be among {', '.join(OIDC_ALGORITHMS)}")
        method = table.get("token_endpoint_auth_method", "client_secret_basic")
        if method not in ("client_secret_basic", "client_secret_post"):
            raise ProviderSettingsError(f"{where}: token_endpoint_auth_method: client_secret_basic|client_secret_post")
        providers[key] = OidcProvider(
            key=key, name=str(table.get("name") or key), issuer=issuer, client_id=str(table["client_id"]),
            client_secret=str(table["client_secret"]), scopes=scopes,
            claims={**OIDC_DEFAULT_CLAIMS, **{name: str(claim) for name, claim in claims.items()}},
            allow_create=bool(table.get("allow_create", False)), default_agency=str(table.get("default_agency", "")),
            algorithms=algorithms, token_endpoint_auth_method=method, logout=bool(table.get("logout", True)),
            leeway_seconds=int(table.get("leeway_seconds", 60)), timeout_seconds=int(table.get("timeout_seconds", 10)),
        )
    return providers
