"""Password hashing with argon2id (OWASP-recommended parameters), held by the app and built at first use."""

from __future__ import annotations

import functools
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, has_app_context

# argon2id, 19 MiB memory, 2 passes: OWASP's minimum recommendation; argon2-cffi's defaults are stronger
# (64 MiB, 3 passes) and are what we use. Kept explicit so a library default change is a visible diff.
STRONG = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4, "hash_len": 32, "salt_len": 16}
#: Test suites only (LMS_PASSWORD_HASH_COST=cheap, refused in production): the same algorithm at its cheapest, so
#: that thousands of sign-ins take seconds. Hashes carry their parameters, so either kind verifies under either.
CHEAP = {"time_cost": 1, "memory_cost": 8, "parallelism": 1, "hash_len": 16, "salt_len": 16}

#: The values of the PASSWORD_HASH_COST setting.
COSTS: dict[str, dict[str, int]] = {"strong": STRONG, "cheap": CHEAP}

_EXTENSION_KEY = "lms.passwords"


class Hashing:
    """One set of argon2id parameters; the hasher and the timing-equalising hash are made at first use."""

    def __init__(self, parameters: dict[str, int]) -> None:
        self.parameters = parameters

    @functools.cached_property
    def hasher(self) -> PasswordHasher:
        """The argon2id hasher with these parameters."""
        return PasswordHasher(**self.parameters)

    @functools.cached_property
    def dummy_hash(self) -> str:
        """A hash of a random password, verified against when the email is unknown so that both cases take the
        same time and an attacker cannot tell registered addresses from the response time."""
        return self.hasher.hash("timing-equaliser-not-a-real-password")


def init_passwords(app: Flask) -> None:
    """Give the app its hashing for the PASSWORD_HASH_COST setting (nothing is hashed until a password is)."""
    app.extensions[_EXTENSION_KEY] = Hashing(COSTS[app.config["PASSWORD_HASH_COST"]])


@functools.cache
def _default_hashing() -> Hashing:
    # Outside an application (scripts, plain unit tests): today's strong parameters.
    return Hashing(STRONG)


def _hashing() -> Hashing:
    if has_app_context():
        hashing: Any = current_app.extensions.get(_EXTENSION_KEY)
        if hashing is not None:
            return hashing
    return _default_hashing()


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password`."""
    return _hashing().hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; always spends one verification, even without a hash."""
    hashing = _hashing()
    try:
        return hashing.hasher.verify(password_hash or hashing.dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the app's."""
    return _hashing().hasher.check_needs_rehash(password_hash)
