"""Account use cases: sign-in sessions, passwords, reset and registration, creating users (people.py changes,
(de)activates and finds them).

Services take explicit inputs (user, now, settings), never read the request, and only flush.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload, lazyload, undefer

from lms import content_version
from lms.accounts.models import LoginSession, Role, User
from lms.accounts.password_rules import (  # WeakPassword: views and commands catch services.WeakPassword
    PASSWORD_MAX_LENGTH,
    WeakPassword,  # noqa: F401 - re-exported
    check_password,
)
from lms.accounts.passwords import hash_password, needs_rehash, verify_password
from lms.agencies.models import Agency
from lms.agencies.services import get_agency_by_code
from lms.audit.services import audit, audit_each
from lms.db import UTCDateTime, utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.services import queue_email


class InvalidCredentials(DomainError):
    """Wrong email or password, or an inactive account: one error so the three cannot be told apart."""


class InvalidToken(DomainError):
    """A reset or registration link is malformed, expired or already used."""


class RegistrationClosed(DomainError):
    """Self-registration is off, or the email's domain is not one of the allowed ones."""


class EmailTaken(DomainError):
    """Another account already uses this email address."""


class EmployeeIdTaken(DomainError):
    """Another account already has this employee id (the stable person id)."""


def normalise_email(email: str) -> str:
    """Lower-case and strip an email address; accounts are unique by this form."""
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    """Return the user with this email (case-insensitive), or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# --- passwords ---------------------------------------------------------------------------------

def set_password(user: User, password: str, *, min_length: int) -> None:
    """Check the rules (password_rules.check_password) and store a new hash for `user`. Raises WeakPassword."""
    check_password(password, min_length=min_length, email=user.email or "", full_name=user.full_name or "")
    user.password_hash = hash_password(password)


def change_password(user: User, current: str, new: str, *, min_length: int, keep_session_id: int | None) -> None:
    """Change `user`'s password after checking the current one; end every other signed-in session.

    Raises InvalidCredentials when `current` is wrong, WeakPassword when `new` breaks a rule.
    """
    if not verify_password(user.password_hash, current):
        raise InvalidCredentials()
    set_password(user, new, min_length=min_length)
    end_sessions(user, except_id=keep_session_id)


# --- sign-in sessions ----------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(email: str, password: str, *, now: datetime, ip: str = "") -> User:
    """Return the active user with this email and password, recording `auth.signed_in`; raise InvalidCredentials
    otherwise (the caller rolls back and records the failure with record_failed_sign_in).

    Spends the same hashing work whether or not the email exists.
    """
    user = get_user_by_email(email) if len(email) <= 254 else None
    password_ok = verify_password(user.password_hash if user else None, password[:PASSWORD_MAX_LENGTH])
    if user is None or not password_ok or not user.is_active:
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    audit("auth.signed_in", actor=user, now=now, ip=ip, object_type="user", object_id=user.id,
          details={"method": "password"})
    return user


def record_failed_sign_in(email: str, *, reason: str, now: datetime, ip: str) -> None:
    """Record `auth.sign_in_failed` for a refused password sign-in: `reason` is "credentials" (wrong address or
    password, or an inactive account) or "password_sign_in_off"."""
    audit("auth.sign_in_failed", actor=None, now=now, ip=ip, object_type="email",
          object_id=normalise_email(email)[:100], details={"method": "password", "reason": reason})


def start_session(user: User, *, now: datetime, lifetime: timedelta, ip: str = "", user_agent: str = "") -> str:
    """Record a new signed-in session for `user` and return its token (to keep in the session cookie)."""
    token = secrets.token_urlsafe(32)
    # Housekeeping: the user's expired sessions go when they sign in again.
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now))
    db.session.add(LoginSession(
        user_id=user.id, token_hash=_token_hash(token), created_at=now, expires_at=now + lifetime,
        ip=ip[:64], user_agent=user_agent[:300],
    ))
    db.session.flush()
    return token


def load_session_user(user_id: str, token: str | None, *, now: datetime) -> tuple[User, int] | None:
    """Return (user, session id) when `token` is a live session of active user `user_id`, else None."""
    if not token or not user_id.isdigit():
        return None
    # One statement, roles included (every page asks policy about them) and whether anyone reports to the user (the
    # menu asks); the agency only when a page reads it. The content version rides along: pages that show course
    # content check their cached copy against it for free.
    row = db.session.execute(_session_user_query(), {"user_id": int(user_id), "token_hash": _token_hash(token),
                                                     "now": now}).unique().first()
    if row is None:
        return None
    content_version.remember(db.session, row[2])
    return row[0], row[1]


@functools.cache
def _session_user_query():
    # Built once per process (bound parameters): building the statement costs about as much as running it.
    return (select(User, LoginSession.id, content_version.token_column())
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), LoginSession.token_hash == bindparam("token_hash"),
                   LoginSession.expires_at > bindparam("now", type_=UTCDateTime()), User.is_active.is_(True))
            .options(joinedload(User.role_rows), lazyload(User.agency), undefer(User.has_reports)))


def end_session(token: str | None) -> None:
    """End the signed-in session with this token (logout). Unknown tokens are ignored."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_sessions(user: User, *, except_id: int | None = None) -> None:
    """End all of `user`'s signed-in sessions, except the one with id `except_id`."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if except_id is not None:
        query = query.where(LoginSession.id != except_id)
    db.session.execute(query)


# --- users ---------------------------------------------------------------------------------------

class UnknownAgency(DomainError):
    """No agency has the code (or id) given for a person."""


@dataclass(frozen=True)
class NewUser:
    """Input for create_user and create_users."""

    email: str
    full_name: str
    agency_code: str | None = None
    position: str = ""
    locale: str | None = None
    roles: frozenset[Role] = frozenset({Role.LEARNER})
    password: str | None = None
    is_active: bool = True
    #: The stable person id (employee number or IIN), unique; None when not known.
    employee_id: str | None = None


def snapshot(user: User) -> dict:
    """The fields of `user` an audit entry records before and after a change (never the password)."""
    return {"email": user.email, "full_name": user.full_name, "position": user.position,
            "agency": user.agency.code if user.agency else None, "locale": user.locale,
            "roles": sorted(role.value for role in user.roles), "employee_id": user.employee_id}


def create_user(data: NewUser, *, min_length: int | None = None, actor: User | None = None,
                now: datetime | None = None, ip: str = "") -> User:
    """Create one user and record `user.created` by `actor` (None: the command line); return the user.

    `min_length` is the password rule, needed when `data` has a password. Raises EmailTaken, WeakPassword or
    UnknownAgency.
    """
    return create_users([data], min_length=min_length, actor=actor, now=now, ip=ip)[0]


def create_users(rows: Sequence[NewUser], *, min_length: int | None = None, actor: User | None = None,
                 now: datetime | None = None, ip: str = "") -> list[User]:
    """Create users (one flush for them all) and record `user.created` for each; return them in order.

    Reads the existing emails and the agencies in a few queries, so an import of thousands stays fast.
    Raises EmailTaken (also for an email given twice) or UnknownAgency before adding anything, WeakPassword (the
    caller rolls back).
    """
    users = _add_users(rows, min_length=min_length)
    audit_each("user.created", ((user.id, {"after": snapshot(user)}) for user in users), actor=actor,
               now=now or utcnow(), ip=ip, object_type="user")
    return users


def _add_users(rows: Sequence[NewUser], *, min_length: int | None) -> list[User]:
    emails = [normalise_email(row.email) for row in rows]
    if len(set(emails)) != len(emails) or _existing_emails(emails):
        raise EmailTaken()
    codes = {row.agency_code for row in rows if row.agency_code}
    agencies = {agency.code: agency for agency in _in_chunks(codes, lambda part: select(Agency).where(
        Agency.code.in_(part)))}
    unknown = next((row.agency_code for row in rows if row.agency_code and row.agency_code not in agencies), None)
    if unknown is not None:
        raise UnknownAgency(_("Unknown agency code %(code)s.", code=unknown))
    users = [new_user(row, agency=agencies.get(row.agency_code or ""), min_length=min_length) for row in rows]
    db.session.flush()
    return users


def new_user(data: NewUser, *, agency: Agency | None, min_length: int | None) -> User:
    """Build the account `data` describes (checked by the caller) and add it to the session. Raises WeakPassword."""
    # The agency by id, not as a relationship: no save cascade into the agency tree for each of thousands of people.
    user = User(email=normalise_email(data.email), full_name=data.full_name.strip(),
                agency_id=agency.id if agency else None, position=data.position, locale=data.locale,
                is_active=data.is_active, employee_id=data.employee_id or None)
    user.set_roles(data.roles or {Role.LEARNER})
    if data.password is not None:
        if min_length is None:
            raise ValueError("min_length is needed to check a password")
        set_password(user, data.password, min_length=min_length)
    db.session.add(user)
    return user


_CHUNK = 500  # values per IN (...): well below every engine's limit on bound parameters


def _in_chunks(values, query_for) -> list:
    values = sorted(values)
    found: list = []
    for start in range(0, len(values), _CHUNK):
        found.extend(db.session.scalars(query_for(values[start:start + _CHUNK])))
    return found


def _existing_emails(emails: list[str]) -> list[str]:
    return _in_chunks(emails, lambda part: select(User.email).where(User.email.in_(part)))


def deactivate_user(user: User) -> None:
    """Deactivate `user` and end their sessions at once; their records are kept (no audit entry: callers such as
    people.set_user_active record the act)."""
    user.is_active = False
    end_sessions(user)


# --- signed links: password reset and registration -----------------------------------------------

def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"lms.{purpose}")


def _password_fingerprint(user: User) -> str:
    # Part of the reset token: once the password changes, every earlier link stops working.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def request_password_reset(email: str, *, secret_key: str, link_for: Callable[[str], str],
                           minutes: int, default_locale: str) -> OutboxMessage | None:
    """Queue a reset email for the active user with this email; return it, or None when there is no such user.

    The caller shows the same message either way, so the response does not reveal who has an account.
    """
    user = get_user_by_email(email) if len(email) <= 254 else None
    if user is None or not user.is_active:
        return None
    token = _serializer(secret_key, "reset").dumps({"uid": user.id, "fp": _password_fingerprint(user)})
    with force_locale(user.locale or default_locale):
        subject = _("Reset your password")
        body = render_template("mail/password_reset.txt", user=user, link=link_for(token), minutes=minutes)
    return queue_email(user.email, subject, body)


def user_for_reset_token(token: str, *, secret_key: str, minutes: int) -> User:
    """Return the user a reset link belongs to; raise InvalidToken when it is bad, expired or used."""
    try:
        data = _serializer(secret_key, "reset").loads(token, max_age=minutes * 60)
    except (BadSignature, SignatureExpired):
        raise InvalidToken() from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("fp") != _password_fingerprint(user):
        raise InvalidToken()
    return user


def reset_password(token: str, new_password: str, *, secret_key: str, minutes: int, min_length: int) -> User:
    """Set a new password through a reset link and end every session of the user; return the user.

    Raises InvalidToken or WeakPassword.
    """
    user = user_for_reset_token(token, secret_key=secret_key, minutes=minutes)
    set_password(user, new_password, min_length=min_length)
    end_sessions(user)
    return user


def registration_agency(email: str, domains: dict[str, str]) -> Agency:
    """Return the agency that the email's domain registers into; raise RegistrationClosed otherwise."""
    domain = normalise_email(email).rpartition("@")[2]
    code = domains.get(domain)
    agency = get_agency_by_code(code) if code else None
    if agency is None or not agency.is_active:
        raise RegistrationClosed()
    return agency


def request_registration(email: str, *, domains: dict[str, str], secret_key: str,
                         link_for: Callable[[str], str], locale: str, minutes: int) -> OutboxMessage:
    """Email a link that proves the address and lets its owner finish registration.

    An address that already has an account gets a note pointing to password reset instead, so the page
    answers the same either way. Raises RegistrationClosed for a domain that is not allowed.
    """
    email = normalise_email(email)
    registration_agency(email, domains)
    with force_locale(locale):
        if get_user_by_email(email) is not None:
            return queue_email(email, _("You already have an account"),
                               render_template("mail/already_registered.txt"))
        token = _serializer(secret_key, "register").dumps({"email": email})
        return queue_email(email, _("Finish your registration"),
                           render_template("mail/register.txt", link=link_for(token), minutes=minutes))


def email_for_registration_token(token: str, *, secret_key: str, minutes: int) -> str:
    """Return the email a registration link was sent to; raise InvalidToken when bad or expired."""
    try:
        data = _serializer(secret_key, "register").loads(token, max_age=minutes * 60)
    except (BadSignature, SignatureExpired):
        raise InvalidToken() from None
    if not isinstance(data, dict) or not isinstance(data.get("email"), str):
        raise InvalidToken()
    return data["email"]


def complete_registration(token: str, full_name: str, password: str, *, domains: dict[str, str],
                          secret_key: str, minutes: int, min_length: int, locale: str) -> User:
    """Create the learner account a registration link was sent for; return it.

    Raises InvalidToken, RegistrationClosed, EmailTaken (the link was used already) or WeakPassword.
    """
    email = email_for_registration_token(token, secret_key=secret_key, minutes=minutes)
    agency = registration_agency(email, domains)
    # Self-registration is not audited (no actor acts on someone else's account).
    return _add_users(
        [NewUser(email=email, full_name=full_name, agency_code=agency.code, locale=locale, password=password)],
        min_length=min_length,
    )[0]
