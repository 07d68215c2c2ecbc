"""The Ed25519 key that signs Open Badges credentials, kept as a private JWK in a file, and the public JWKS.

Pure: no Flask, no database. The private key never appears in logs or error messages.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from joserfc.jwk import OKPKey

logger = logging.getLogger(__name__)

#: The JWS algorithm of every credential signature (RFC 8037); the key's curve is always Ed25519.
ALGORITHM = "EdDSA"
CURVE = "Ed25519"
FILE_MODE = 0o600


def load_or_create_signing_key(path: Path) -> OKPKey:
    """Read the Ed25519 private JWK at `path`, or generate one there (mode 0600, parent folders created).

    The returned key's `kid` is its RFC 7638 thumbprint, so it is the same every time the file is read.
    Two processes starting at once end up with the same key: the file appears atomically, only if absent.
    Raises ValueError when the file exists but does not hold an Ed25519 private JWK.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _create(path)
    _warn_if_readable_by_others(path)
    return _parse(text, path)


def public_jwks(*keys: OKPKey) -> dict[str, list[dict[str, Any]]]:
    """A JWK Set of the public halves of `keys` (current key first, then older ones kept for verification).

    Each entry has `kid`, `alg: EdDSA` and `use: sig` and no private member; duplicates (same kid) appear once.
    """
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for key in keys:
        _require_ed25519(key)
        entry = {name: value for name, value in key.as_dict(private=False).items() if name != "d"}
        entry["kid"] = key.kid or key.thumbprint()
        entry["alg"] = ALGORITHM
        entry["use"] = "sig"
        if entry["kid"] not in seen:
            seen.add(entry["kid"])
            entries.append(entry)
    return {"keys": entries}


def with_thumbprint_kid(key: OKPKey) -> OKPKey:
    """The same key material with `kid` set to its RFC 7638 thumbprint (any other kid is replaced)."""
    _require_ed25519(key)
    data = {name: value for name, value in key.as_dict(private=key.is_private).items() if name != "kid"}
    bare = OKPKey.import_key(data)
    return OKPKey.import_key(data, {"kid": bare.thumbprint()})


def _require_ed25519(key: object) -> None:
    if not isinstance(key, OKPKey) or key.curve_name != CURVE:
        raise ValueError("expected an Ed25519 OKP key")


def _parse(text: str, path: Path) -> OKPKey:
    # Errors name the file only: neither the content nor the original exception (which may quote it) is kept.
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("kty") != "OKP" or data.get("crv") != CURVE or "d" not in data:
            raise ValueError
        key = with_thumbprint_kid(OKPKey.import_key(data))
    except Exception:
        raise ValueError(f"{path} does not hold an Ed25519 private JWK") from None
    return key


def _create(path: Path) -> OKPKey:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = with_thumbprint_kid(OKPKey.generate_key(CURVE))
    content = json.dumps(key.as_dict(private=True), sort_keys=True) + "\n"
    fd, tmp_name = tempfile.mkstemp(prefix=".signing-key-", dir=path.parent)  # mkstemp creates with 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp_name, path)  # fails if another process created the file meanwhile
        except FileExistsError:
            return _parse(path.read_text(encoding="utf-8"), path)
        except OSError:
            # Filesystem without hard links: exclusive create instead (still never overwrites).
            try:
                out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:
                return _parse(path.read_text(encoding="utf-8"), path)
            with os.fdopen(out, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(content)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    logger.info("Created a credential signing key at %s (kid %s)", path, key.kid)
    return key


def _warn_if_readable_by_others(path: Path) -> None:
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            logger.warning("Credential signing key %s is accessible by group/others; chmod 600 it", path)


def load_public_keys(paths: list[Path]) -> list[OKPKey]:
    """Retired keys (JWK files, private or public) still published so that credentials they signed verify."""
    keys = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data.pop("d", None)  # only the public half is ever needed again
        keys.append(with_thumbprint_kid(OKPKey.import_key(data)))
    return keys
