"""Password hashing with argon2id (OWASP-recommended parameters) and password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id, 19 MiB memory, 2 passes: OWASP's minimum recommendation; argon2-cffi's defaults are stronger
# (64 MiB, 3 passes) and are what we use. Kept explicit so a library default change is a visible diff.
STRONG = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4, "hash_len": 32, "salt_len": 16}
#: Test suites only (LMS_ENV=testing): the same algorithm at its cheapest, so that thousands of sign-ins take
#: seconds. Hashes carry their parameters, so either kind verifies under either setting.
CHEAP = {"time_cost": 1, "memory_cost": 8, "parallelism": 1, "hash_len": 16, "salt_len": 16}

_hasher = PasswordHasher(**STRONG)
#: A hash of a random password, verified against when the email is unknown so that both cases take
#: the same time and an attacker cannot tell registered addresses from the response time.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-real-password")


def use_cheap_hashing_for_tests() -> None:
    """Switch this process to CHEAP parameters. Called by create_app() for testing settings only."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(**CHEAP)
    _DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-real-password")


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; always spends one verification, even without a hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
