"""Managing people: changing, deactivating and reactivating accounts, and finding them.

Each change records its own audit entry with the actor (None: the command line) and ip it is given, so the admin
pages, the employees import and the `lms users` commands leave the same trail for the same act. Creating people is
services.create_user / create_users.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from lms.accounts import policy
from lms.accounts.models import Role, User, UserRole
from lms.accounts.services import (
    EmailTaken,
    EmployeeIdTaken,
    UnknownAgency,
    deactivate_user,
    get_user_by_email,
    normalise_email,
    snapshot,
)
from lms.agencies.models import Agency
from lms.audit.services import audit
from lms.extensions import db


@dataclass(frozen=True)
class UserChanges:
    """Input for update_user: the new value of each field; None leaves a field as it is.

    The field names are the ones an import report lists as changed.
    """

    email: str | None = None
    full_name: str | None = None
    agency_id: int | None = None
    position: str | None = None
    #: A language code, or "" for none (the browser decides).
    locale: str | None = None
    is_active: bool | None = None
    #: Exactly these roles (learner when empty), except the ones the actor may not grant: those stay as they are.
    roles: frozenset[Role] | None = None
    #: The stable person id; "" for none.
    employee_id: str | None = None


def _grantable(actor: User | None) -> frozenset[Role]:
    # The command line (no actor) is the operator of the machine: every role.
    return frozenset(Role) if actor is None else policy.grantable_roles(actor)


def _wanted(user: User, changes: UserChanges, actor: User | None) -> dict:
    """The new value of each field `changes` gives, in the form stored on `user`."""
    wanted = {}
    for field in fields(UserChanges):
        value = getattr(changes, field.name)
        if value is None:
            continue
        if field.name == "email":
            value = normalise_email(value)
        elif field.name == "full_name":
            value = value.strip()
        elif field.name == "locale":
            value = value or None
        elif field.name == "employee_id":
            value = value.strip() or None
        elif field.name == "roles":
            kept = user.roles - _grantable(actor)
            value = frozenset(kept | value) or frozenset({Role.LEARNER})
        wanted[field.name] = value
    return wanted


def changed_fields(user: User, changes: UserChanges, *, actor: User | None) -> list[str]:
    """The names of the fields `changes` would change on `user` (what update_user would do), changing nothing."""
    return [name for name, value in _wanted(user, changes, actor).items() if getattr(user, name) != value]


def update_user(user: User, changes: UserChanges, *, actor: User | None, now: datetime, ip: str = "") -> list[str]:
    """Apply `changes` to `user` as `actor` may (None: the command line); return the names of the changed fields.

    Records `user.roles_changed` (when the roles changed) or `user.changed` with the fields before and after, and
    `user.deactivated` / `user.reactivated` when the account's state changed (deactivation ends the person's
    sessions at once). Raises EmailTaken when another account has the new email, EmployeeIdTaken when another has
    the new employee id, UnknownAgency for an agency id
    that names no agency.
    """
    wanted = _wanted(user, changes, actor)
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    if not changed:
        return []
    if "email" in changed and get_user_by_email(wanted["email"]) is not None:
        raise EmailTaken()
    if "employee_id" in changed and wanted["employee_id"] is not None and db.session.scalar(
            select(User.id).where(User.employee_id == wanted["employee_id"], User.id != user.id)) is not None:
        raise EmployeeIdTaken()
    before = snapshot(user)
    for name in changed:
        if name == "agency_id":
            agency = db.session.get(Agency, wanted[name])
            if agency is None:
                raise UnknownAgency()
            user.agency = agency
        elif name == "roles":
            user.set_roles(wanted[name])
        elif name != "is_active":
            setattr(user, name, wanted[name])
    after = snapshot(user)
    if after != before:
        audit("user.roles_changed" if after["roles"] != before["roles"] else "user.changed", actor=actor, now=now,
              ip=ip, object_type="user", object_id=user.id, before=before, after=after)
    if "is_active" in changed:
        set_user_active(user, wanted["is_active"], actor=actor, now=now, ip=ip)
    return changed


def set_user_active(user: User, active: bool, *, actor: User | None, now: datetime, ip: str = "") -> bool:
    """Deactivate (ending every session at once; records stay) or reactivate `user`, recording `user.deactivated`
    or `user.reactivated`; return False when the account was already in that state."""
    if user.is_active == active:
        return False
    if active:
        user.is_active = True
    else:
        deactivate_user(user)
    user.is_deactivated_by_hand = not active and actor is not None
    audit("user.reactivated" if active else "user.deactivated", actor=actor, now=now, ip=ip, object_type="user",
          object_id=user.id, before={"active": not active}, after={"active": active})
    return True


def search_users(actor: User, *, text: str = "", role: Role | None = None, active: bool | None = None) -> Select:
    """The people `actor` may see (their agency scope), by name; narrowed to `text` in the name or email, holding
    `role`, and active or not. Raises PermissionError for an actor with no agency scope."""
    query = select(User).order_by(User.full_name, User.id)
    scope = policy.agency_scope(actor)
    if scope is not None:
        query = query.where(User.agency_id.in_(scope))
    if text:
        like = f"%{text.lower()}%"
        query = query.where(or_(func.lower(User.full_name).like(like), User.email.like(like)))
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return query
