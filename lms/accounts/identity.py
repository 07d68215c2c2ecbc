"""Sign-in through an identity provider (OpenID Connect or SAML): the one use case both protocols end in.

A protocol module checks what the provider sent (signatures, audience, expiry, replay) and turns it into an
ExternalProfile; sign_in_external then finds or creates the account by the same rules for every provider:

1. the link made at an earlier sign-in: ExternalIdentity(provider, subject);
2. the stable person id (User.employee_id) the provider maps, e.g. the IIN or an employee number;
3. the e-mail address, but only when the provider says it has verified it (an unverified address could be anyone's);
4. otherwise a new learner in the mapped agency, only when the provider's settings allow creation.

Services take explicit inputs (now, ip), never read the request, and only flush.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.managers import ManagerCycle, set_manager
from lms.accounts.models import ExternalIdentity, User
from lms.accounts.people import UserChanges, update_user
from lms.accounts.services import NewUser, create_user, get_user_by_email, normalise_email
from lms.agencies.services import get_agency_by_code
from lms.audit.services import audit
from lms.errors import DomainError
from lms.extensions import db

PROTOCOLS = ("oidc", "saml")


@dataclass(frozen=True)
class ExternalProfile:
    """What an identity provider said about the person signing in, already checked by the protocol module."""

    protocol: str  # "oidc" | "saml"
    provider: str  # the provider's key in the settings
    subject: str  # OIDC `sub`, SAML NameID
    email: str | None = None
    email_verified: bool = False
    full_name: str | None = None
    person_id: str | None = None  # the stable person id (IIN, employee number): User.employee_id
    agency_code: str | None = None
    position: str | None = None
    manager_person_id: str | None = None
    manager_email: str | None = None


#: Why a sign-in through a provider was refused: the reason code (kept in the audit log) and what the person reads.
REFUSAL_MESSAGES = {
    # Refused by sign_in_external
    "inactive": _l("Your account has been deactivated. Contact your HR officer."),
    "no_account": _l("There is no account for you on this platform yet. Contact your HR officer."),
    "unverified_email": _l("An account with your e-mail address exists, but your identity provider has not "
                           "verified the address, so it cannot be linked. Contact your HR officer."),
    "person_id_mismatch": _l("The account with your e-mail address belongs to another person id. Contact your "
                             "HR officer."),
    "missing_claims": _l("Your identity provider did not send the e-mail address and name needed for a new "
                         "account. Contact your HR officer."),
    "unknown_agency": _l("Your identity provider named an agency this platform does not know. Contact your HR "
                         "officer."),
    # Refused by the protocol modules before a profile exists
    "provider_error": _l("The identity provider refused or cancelled the sign-in. Try again."),
    "state": _l("This sign-in link has expired or was already used. Start the sign-in again."),
    "token": _l("The identity provider's answer could not be verified. Start the sign-in again."),
    "unavailable": _l("The identity provider cannot be reached. Try again later."),
}


class ExternalSignInRefused(DomainError):
    """The person may not sign in through this provider; `reason` is a REFUSAL_MESSAGES key, `message` its text."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail  # for the audit log only (e.g. which check failed), never shown

    @property
    def message(self):
        """The translated explanation for the person signing in."""
        return REFUSAL_MESSAGES.get(self.reason, REFUSAL_MESSAGES["token"])


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _find_user(profile: ExternalProfile) -> tuple[User | None, ExternalIdentity | None, str]:
    """(user, existing link, how they were matched) by the rules in the module docstring."""
    identity = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider == profile.provider, ExternalIdentity.subject == profile.subject))
    if identity is not None:
        return identity.user, identity, "identity"
    person_id = _clean(profile.person_id)
    if person_id:
        user = db.session.scalar(select(User).where(User.employee_id == person_id))
        if user is not None:
            return user, None, "person_id"
    email = _clean(profile.email)
    if email:
        user = get_user_by_email(email)
        if user is not None:
            if not profile.email_verified:
                raise ExternalSignInRefused("unverified_email")
            if person_id and user.employee_id and user.employee_id != person_id:
                raise ExternalSignInRefused("person_id_mismatch")
            return user, None, "email"
    return None, None, ""


def _create(profile: ExternalProfile, *, now: datetime, ip: str) -> User:
    email, full_name = _clean(profile.email), _clean(profile.full_name)
    if not email or not full_name:
        raise ExternalSignInRefused("missing_claims")
    code = _clean(profile.agency_code)
    if code and get_agency_by_code(code) is None:
        raise ExternalSignInRefused("unknown_agency", code)
    return create_user(NewUser(email=email, full_name=full_name, agency_code=code,
                               position=_clean(profile.position) or "", employee_id=_clean(profile.person_id)),
                       now=now, ip=ip)


def _update_mapped_fields(user: User, profile: ExternalProfile, *, now: datetime, ip: str) -> None:
    """Keep name, position, agency and verified e-mail in step with the provider, and fill in a missing person id
    (recorded as `user.changed` by people.update_user); a value another account holds is left alone."""
    email = _clean(profile.email)
    if email and (not profile.email_verified or normalise_email(email) == user.email
                  or get_user_by_email(email) is not None):
        email = None
    agency = get_agency_by_code(code) if (code := _clean(profile.agency_code)) else None
    person_id = _clean(profile.person_id)
    if person_id and (user.employee_id is not None or db.session.scalar(
            select(User.id).where(User.employee_id == person_id)) is not None):
        person_id = None  # a person id once set is the directory's to change, never a sign-in's
    update_user(user, UserChanges(email=email, full_name=_clean(profile.full_name), position=_clean(profile.position),
                                  agency_id=agency.id if agency else None, employee_id=person_id),
                actor=None, now=now, ip=ip)


def _apply_manager(user: User, profile: ExternalProfile, *, now: datetime, ip: str) -> None:
    """Set the line manager the provider names (by person id, else e-mail) when the platform knows them; a manager
    it does not know, or one that would make a cycle, leaves the manager as it is (the sign-in goes on)."""
    manager = None
    if person_id := _clean(profile.manager_person_id):
        manager = db.session.scalar(select(User).where(User.employee_id == person_id))
    if manager is None and (email := _clean(profile.manager_email)):
        manager = get_user_by_email(email)
    if manager is None or manager.id == user.id:
        return
    with suppress(ManagerCycle):  # raised before anything changed
        set_manager(user, manager, actor=None, now=now, ip=ip)


def sign_in_external(profile: ExternalProfile, *, allow_create: bool, now: datetime, ip: str) -> User:
    """Find (or, when `allow_create`, create) the account `profile` belongs to, link it to the provider's subject,
    update the mapped fields and record `auth.external_sign_in`; return the user, ready for a session.

    Raises ExternalSignInRefused (the caller rolls back, then records the refusal with record_refusal).
    """
    if profile.protocol not in PROTOCOLS or not profile.provider or not profile.subject:
        raise ValueError("a profile needs a protocol, a provider and a subject")
    user, identity, matched_by = _find_user(profile)
    if user is None:
        if not allow_create:
            raise ExternalSignInRefused("no_account")
        user, matched_by = _create(profile, now=now, ip=ip), "created"
    elif not user.is_active:
        raise ExternalSignInRefused("inactive")
    else:
        _update_mapped_fields(user, profile, now=now, ip=ip)
    _apply_manager(user, profile, now=now, ip=ip)
    if identity is None:
        identity = ExternalIdentity(user_id=user.id, protocol=profile.protocol, provider=profile.provider,
                                    subject=profile.subject)
        db.session.add(identity)
        audit("identity.linked", actor=None, now=now, ip=ip, object_type="user", object_id=user.id,
              details={"protocol": profile.protocol, "provider": profile.provider, "subject": profile.subject,
                       "matched_by": matched_by})
    identity.last_login_at = now
    user.last_login_at = now
    audit("auth.external_sign_in", actor=user, now=now, ip=ip, object_type="user", object_id=user.id,
          details={"protocol": profile.protocol, "provider": profile.provider, "subject": profile.subject,
                   "matched_by": matched_by})
    db.session.flush()
    return user


def record_refusal(*, protocol: str, provider: str, reason: str, now: datetime, ip: str, subject: str = "",
                   detail: str = "") -> None:
    """Record `auth.external_sign_in_refused` with its reason (in its own transaction: the caller rolled back)."""
    audit("auth.external_sign_in_refused", actor=None, now=now, ip=ip, object_type="provider", object_id=provider,
          details={"protocol": protocol, "provider": provider, "subject": subject, "reason": reason,
                   "detail": detail[:300]})


def list_identities(user: User) -> list[ExternalIdentity]:
    """The provider accounts linked to `user`, by provider."""
    return list(db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)
                                   .order_by(ExternalIdentity.provider, ExternalIdentity.id)))


def unlink_identity(identity: ExternalIdentity, *, actor: User | None, now: datetime, ip: str = "") -> None:
    """Remove the link between a person and a provider account, recording `identity.unlinked` by `actor` (None:
    the command line). The next sign-in through that provider is matched afresh (person id, verified e-mail)."""
    audit("identity.unlinked", actor=actor, now=now, ip=ip, object_type="user", object_id=identity.user_id,
          details={"protocol": identity.protocol, "provider": identity.provider, "subject": identity.subject})
    db.session.delete(identity)
    db.session.flush()
