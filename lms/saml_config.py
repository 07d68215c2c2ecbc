"""SAML identity providers: the [saml.<key>] tables of instance/lms.toml (SAML_PROVIDERS), checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: The profile fields an attribute can fill, and the attribute names SimpleSAMLphp, Shibboleth and AD FS commonly send
#: (change them per provider under [saml.<key>.attributes]).
DEFAULT_ATTRIBUTES = {
    "email": "mail", "full_name": "displayName", "person_id": "employeeNumber", "agency_code": "",
    "position": "title", "manager_person_id": "", "manager_email": "",
}
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


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
    allow_create: bool = False  # create an account for a person the platform does not know yet
    default_agency: str = ""  # agency code for new people whose agency attribute is missing
    # How SAML says an e-mail is verified: it has no standard claim for it. `email_verified = true` trusts every
    # address this IdP sends (an agency's own directory); `email_verified_attribute` names an attribute whose
    # value "true"/"1" says so per person; otherwise addresses count as unverified and never link an account.
    email_verified: bool = False
    email_verified_attribute: str = ""
    subject_attribute: str = ""  # empty: the NameID (persistent) is the subject
    clock_skew_seconds: int = 60
    attributes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ATTRIBUTES))


class SamlConfigError(ValueError):
    """A [saml.<key>] table is malformed; the message says what to fix (config.validate raises it as ConfigError)."""


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
    for name in ("allow_create", "email_verified"):
        if not isinstance(values.get(name, False), bool):
            raise SamlConfigError(f"{where}: {name} must be true or false")
    return SamlProvider(key=key, name=str(table.get("name") or key), attributes=attributes,
                        **{k: v for k, v in values.items() if k != "name"})


def saml_providers(config: dict[str, Any]) -> dict[str, SamlProvider]:
    """The configured SAML identity providers by key (config["SAML_PROVIDERS"]); raise SamlConfigError if one is
    malformed."""
    tables = config.get("SAML_PROVIDERS") or {}
    if not isinstance(tables, dict):
        raise SamlConfigError("SAML_PROVIDERS must be a table of [saml.<key>] tables")
    shared = sorted(set(tables) & set(config.get("OIDC_PROVIDERS") or {}))
    if shared:
        raise SamlConfigError(f"provider keys must be unique across [oidc.*] and [saml.*]: {', '.join(shared)}")
    providers = {}
    for key, table in tables.items():
        if not _KEY.fullmatch(key):
            raise SamlConfigError(f"[saml.{key}]: a provider key is lower-case letters, digits, - and _")
        if not isinstance(table, dict):
            raise SamlConfigError(f"[saml.{key}] must be a table")
        providers[key] = provider_from_settings(key, table)
    return providers


