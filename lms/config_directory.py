"""The [directory] table of instance/lms.toml (LDAP / Active Directory sync), checked when the app is configured."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class DirectorySettingsError(ValueError):
    """The [directory] table is malformed, or the bind password it names cannot be read; the message says why
    (lms.config turns it into a ConfigError at startup)."""

#: The directory attribute read for each field of a person (Active Directory's names where OpenLDAP differs are in
#: the README). An empty name reads nothing: "department" empty takes the agency from the entry's OU in the DN.
DIRECTORY_ATTRIBUTES = {"id": "entryUUID", "email": "mail", "full_name": "displayName", "position": "title",
                        "employee_id": "employeeNumber", "department": "", "manager": "manager",
                        "account_control": "userAccountControl"}


@dataclass(frozen=True)
class DirectorySettings:
    """The [directory] table of instance/lms.toml, checked (parse_directory)."""

    url: str
    bind_dn: str
    password_env: str
    password_file: str
    base_dns: tuple[str, ...]
    filter: str
    attributes: dict[str, str]
    #: Agency code by OU DN (a person belongs to the longest one their DN ends with) or by department value.
    agencies: dict[str, str]
    default_agency: str
    ad_disabled: bool
    max_deactivate_share: float
    page_size: int
    start_tls: bool
    timeout: int
    periodic: bool

    def password(self) -> str:
        """The bind password, read now from the environment variable or file the settings name ("" when neither:
        an anonymous bind). Raises DirectorySettingsError when the variable is unset or the file unreadable."""
        if self.password_env:
            if self.password_env not in os.environ:
                raise DirectorySettingsError(f"[directory] password_env: {self.password_env} is not set")
            return os.environ[self.password_env]
        if self.password_file:
            try:
                return Path(self.password_file).read_text().strip()
            except OSError as exc:
                raise DirectorySettingsError(f"[directory] password_file: {exc}") from None
        return ""


_DIRECTORY_KEYS = {"url", "bind_dn", "password_env", "password_file", "base_dns", "filter", "attributes",
                   "agencies", "default_agency", "ad_disabled", "max_deactivate_share", "page_size", "start_tls",
                   "timeout", "periodic"}


def parse_directory(table: Any) -> DirectorySettings | None:
    """Check the [directory] table (None or empty: no directory sync); raise DirectorySettingsError saying why."""
    if table is None or isinstance(table, DirectorySettings):
        return table
    if not isinstance(table, dict):
        raise DirectorySettingsError("[directory] must be a table")
    if not table:
        return None
    if "password" in table:
        raise DirectorySettingsError("[directory]: no password in the file; use password_env or password_file")
    unknown = sorted(set(table) - _DIRECTORY_KEYS)
    if unknown:
        raise DirectorySettingsError(f"[directory]: unknown settings {', '.join(unknown)}")
    url = str(table.get("url", ""))
    if urlsplit(url).scheme not in ("ldap", "ldaps") or not urlsplit(url).hostname:
        raise DirectorySettingsError(f"[directory] url must be ldap://host[:port] or ldaps://host[:port], not {url!r}")
    if table.get("password_env") and table.get("password_file"):
        raise DirectorySettingsError("[directory]: set password_env or password_file, not both")
    base_dns = table.get("base_dns")
    if isinstance(base_dns, str):
        base_dns = [base_dns]
    if not base_dns or not all(isinstance(dn, str) and dn.strip() for dn in base_dns):
        raise DirectorySettingsError("[directory] base_dns must list at least one DN")
    attributes = dict(DIRECTORY_ATTRIBUTES)
    extra = table.get("attributes", {})
    if not isinstance(extra, dict) or set(extra) - set(DIRECTORY_ATTRIBUTES):
        raise DirectorySettingsError(f"[directory.attributes] takes {', '.join(DIRECTORY_ATTRIBUTES)}")
    attributes.update({key: str(value) for key, value in extra.items()})
    if not attributes["email"] or not attributes["full_name"]:
        raise DirectorySettingsError("[directory.attributes] email and full_name cannot be empty")
    agencies = table.get("agencies", {})
    if not isinstance(agencies, dict) or not all(isinstance(v, str) and v for v in agencies.values()):
        raise DirectorySettingsError("[directory.agencies] maps an OU DN or a department to an agency code")
    share = table.get("max_deactivate_share", 0.1)
    if not isinstance(share, int | float) or not 0 <= share <= 1:
        raise DirectorySettingsError("[directory] max_deactivate_share must be a number from 0 to 1")
    page_size = table.get("page_size", 500)
    if not isinstance(page_size, int) or not 1 <= page_size <= 10000:
        raise DirectorySettingsError("[directory] page_size must be a whole number from 1 to 10000")
    return DirectorySettings(
        url=url, bind_dn=str(table.get("bind_dn", "")), password_env=str(table.get("password_env", "")),
        password_file=str(table.get("password_file", "")), base_dns=tuple(dn.strip() for dn in base_dns),
        filter=str(table.get("filter", "(objectClass=inetOrgPerson)")), attributes=attributes,
        agencies={_dn_key(key): value for key, value in agencies.items()},
        default_agency=str(table.get("default_agency", "")), ad_disabled=bool(table.get("ad_disabled", True)),
        max_deactivate_share=float(share), page_size=page_size, start_tls=bool(table.get("start_tls", False)),
        timeout=int(table.get("timeout", 30)), periodic=bool(table.get("periodic", True)))


def _dn_key(value: str) -> str:
    """An OU DN or department name as the agency map compares it: case and spaces after commas ignored."""
    return ",".join(part.strip() for part in value.split(",")).lower()
