"""The issuer for the running app: its name in each language, its signing key (created at first use) and retired
keys."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from lms.config import issuer_names
from lms.links import public_url


def issuer_name(language: str) -> str:
    """The issuer's name in `language` (LMS_ISSUER_NAME_<LANG>, falling back to LMS_ISSUER_NAME)."""
    return issuer_names(current_app.config)[language]


def signing_key():
    """The issuer's signing key, loaded (or created at first use) once per process."""
    from lms.certificates.keys import load_or_create_signing_key

    key = current_app.extensions.get("lms_signing_key")
    if key is None:
        path = Path(current_app.config["SIGNING_KEY_PATH"])
        key = current_app.extensions["lms_signing_key"] = load_or_create_signing_key(path)
    return key


def published_jwks() -> dict:
    """The current signing key and every retired one (key rotation), public halves only."""
    from lms.certificates.keys import load_public_keys, public_jwks

    retired = [Path(p.strip()) for p in current_app.config["RETIRED_SIGNING_KEYS"].split(",") if p.strip()]
    return public_jwks(signing_key(), *load_public_keys(retired))


def public_urls():
    """Absolute URLs of the published certificate resources, on the configured public address."""
    from lms.certificates import serials
    from lms.certificates.services import Urls

    return Urls(
        verify=lambda serial: public_url("certificates.verify", serial=serials.display(serial)),
        status=lambda serial: public_url("certificates.status", serial=serial),
        status_list=lambda number: public_url("certificates.status_list", number=number),
        credential=lambda serial: public_url("certificates.verify", serial=serials.display(serial)),
        issuer=public_url("certificates.issuer"),
        achievement=lambda key: public_url("courses.course", key=key),
        programme_achievement=lambda key: public_url("programmes.programme", programme_key=key),
    )
