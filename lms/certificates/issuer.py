"""The issuer's signing keys for the running app: the current key (created at first use) and retired ones."""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def signing_key():
    """The issuer's signing key, loaded (or created at first use) once per process."""
    from lms.certificates.keys import load_or_create_signing_key

    key = current_app.extensions.get("lms_signing_key")
    if key is None:
        path = current_app.config["SIGNING_KEY_PATH"] or str(Path(current_app.instance_path) / "signing-key.jwk")
        key = current_app.extensions["lms_signing_key"] = load_or_create_signing_key(Path(path))
    return key


def published_jwks() -> dict:
    """The current signing key and every retired one (key rotation), public halves only."""
    from lms.certificates.keys import load_public_keys, public_jwks

    retired = [Path(p.strip()) for p in current_app.config["RETIRED_SIGNING_KEYS"].split(",") if p.strip()]
    return public_jwks(signing_key(), *load_public_keys(retired))
