"""Plain factory functions with sensible defaults. Call them inside an application context."""

from __future__ import annotations

import functools
import itertools

from lms.accounts.models import Role, User
from lms.accounts.passwords import hash_password
from lms.agencies.models import Agency
from lms.extensions import db

PASSWORD = "correct-horse-battery-42"
_seq = itertools.count(1)


@functools.cache
def password_hash() -> str:
    # Hashing with argon2id takes a noticeable fraction of a second; do it once per test session.
    return hash_password(PASSWORD)


def agency(code: str | None = None, parent: Agency | None = None, **fields) -> Agency:
    """Create and commit an agency."""
    n = next(_seq)
    code = code or f"AG{n}"
    obj = Agency(code=code, parent=parent, name_en=fields.pop("name_en", f"Agency {code}"),
                 name_ru=fields.pop("name_ru", f"Агентство {code}"), name_kk=fields.pop("name_kk", f"Агенттік {code}"),
                 **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def user(email: str | None = None, *, roles: set[Role] | None = None, agency: Agency | None = None,
         password: bool = True, **fields) -> User:
    """Create and commit a user (a learner by default) whose password is PASSWORD."""
    n = next(_seq)
    obj = User(email=email or f"user{n}@example.kz", full_name=fields.pop("full_name", f"Test User {n}"),
               agency=agency, password_hash=password_hash() if password else None, **fields)
    obj.set_roles(roles or {Role.LEARNER})
    db.session.add(obj)
    db.session.commit()
    return obj
