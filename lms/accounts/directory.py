"""Directory sync with LDAP / Active Directory: people, their agencies and line managers kept in step.

One run binds, reads every person under the configured base DNs with paged search, and creates, updates,
deactivates or reactivates accounts (never deletes) through the services the employees import uses
(services.create_users, people.update_user and set_user_active, managers.set_managers), so each change leaves its
usual audit entry; the run itself records `directory.sync` (or `directory.sync_refused`). Each person's directory
entry is linked to the account as an ExternalIdentity (protocol "ldap", provider "directory", subject the entry's
stable id), so a person who leaves the directory is found and deactivated, their sessions ended at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.managers import set_managers, without_cycles
from lms.accounts.models import ExternalIdentity, Role, User
from lms.accounts.people import UserChanges, changed_fields, set_user_active, update_user
from lms.accounts.services import NewUser, create_users, normalise_email
from lms.agencies.models import Agency
from lms.audit.services import audit
from lms.config_directory import DirectorySettings
from lms.errors import DomainError
from lms.extensions import db

PROTOCOL = "ldap"
PROVIDER = "directory"
#: Active Directory's userAccountControl ACCOUNTDISABLE bit.
ACCOUNT_DISABLED = 0x2
_CHUNK = 500


class DirectoryUnavailable(DomainError):
    """The directory could not be reached, bound to or searched; nothing was changed."""


class MassDeactivationRefused(DomainError):
    """The run would deactivate more than the allowed share of the directory's people (a broken filter or base DN
    must not empty an agency); nothing was changed. Run again with force to apply it."""

    def __init__(self, count: int, total: int, share: float):
        self.count, self.total, self.share = count, total, share
        super().__init__(_("Refused: the sync would deactivate %(count)d of %(total)d people from the directory, more "
                           "than the allowed share of %(share)d%%. Check the filter and base DNs, or force it.",
                           count=count, total=total, share=round(share * 100)))


@dataclass(frozen=True)
class DirectoryEntry:
    """One person as the directory describes them, mapped to the platform's fields."""

    subject: str
    dn: str
    email: str
    full_name: str
    position: str
    employee_id: str | None
    agency_code: str
    manager_dn: str | None
    disabled: bool


@dataclass
class SyncReport:
    """What a run changed (or, refused, would have)."""

    seen: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    #: Active in the directory but deactivated on the platform by a person: left deactivated.
    kept_deactivated: list[str] = field(default_factory=list)
    managers_changed: int = 0
    problems: list[str] = field(default_factory=list)
    refused: MassDeactivationRefused | None = None

    def counts(self) -> dict[str, int]:
        """The figures the run's audit entry records."""
        return {"seen": self.seen, "created": len(self.created), "updated": len(self.updated),
                "deactivated": len(self.deactivated), "reactivated": len(self.reactivated),
                "kept_deactivated": len(self.kept_deactivated),
                "managers_changed": self.managers_changed, "problems": len(self.problems)}


def dn_key(dn: str) -> str:
    """A DN as compared here: lower-cased, spaces around the separators dropped."""
    return ",".join("=".join(part.strip() for part in rdn.split("=", 1)) for rdn in dn.split(",")).lower()


# --- reading --------------------------------------------------------------------------------------------------

def read_directory(settings: DirectorySettings) -> list[tuple[str, dict]]:
    """Bind and read every entry the filter matches under each base DN, a page at a time; return (DN, attributes)
    pairs. Raises DirectoryUnavailable when the server cannot be reached, refuses the bind or the search."""
    import ldap3  # loaded by the sync only
    from ldap3.core.exceptions import LDAPException

    wanted = sorted({name for name in settings.attributes.values() if name})
    try:
        server = ldap3.Server(settings.url, connect_timeout=settings.timeout, get_info=ldap3.SCHEMA)
        connection = ldap3.Connection(server, user=settings.bind_dn or None, password=settings.password() or None,
                                      receive_timeout=settings.timeout, raise_exceptions=True, read_only=True)
        entries: list[tuple[str, dict]] = []
        try:
            connection.open()
            if settings.start_tls:
                connection.start_tls()
            connection.bind()
            for base in settings.base_dns:
                for item in connection.extend.standard.paged_search(
                        base, settings.filter, search_scope=ldap3.SUBTREE, attributes=wanted,
                        paged_size=settings.page_size, generator=True):
                    if item.get("type") == "searchResEntry":
                        entries.append((item["dn"], dict(item["attributes"])))
        finally:
            if not connection.closed:
                connection.unbind()
    except LDAPException as exc:
        raise DirectoryUnavailable(_("The directory at %(url)s could not be read: %(reason)s", url=settings.url,
                                     reason=str(exc) or type(exc).__name__)) from None
    return entries


def _first(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.hex()
    return "" if value is None else str(value).strip()


def _agency_for(dn: str, department: str, settings: DirectorySettings) -> str:
    if department and dn_key(department) in settings.agencies:
        return settings.agencies[dn_key(department)]
    parts = dn_key(dn).split(",")
    for start in range(1, len(parts)):  # the longest OU (or any parent) DN first
        code = settings.agencies.get(",".join(parts[start:]))
        if code:
            return code
    return settings.default_agency


def parse_entries(raw: list[tuple[str, dict]], settings: DirectorySettings,
                  agency_codes: set[str]) -> tuple[list[DirectoryEntry], list[str]]:
    """The people in `raw` (pure), and a problem line for each entry left out: no e-mail or name, an unmapped or
    unknown agency, an e-mail, id or employee id seen twice."""
    names = settings.attributes
    entries: list[DirectoryEntry] = []
    problems: list[str] = []
    seen: dict[str, set[str]] = {"subject": set(), "email": set(), "employee_id": set()}
    for dn, attributes in raw:
        def read(key: str, attrs=attributes) -> str:
            return _first(attrs.get(names[key])) if names[key] else ""
        subject = read("id") or dn_key(dn)
        email = normalise_email(read("email"))
        full_name = " ".join(read("full_name").split())[:200]
        employee_id = read("employee_id")[:64] or None
        code = _agency_for(dn, read("department"), settings)
        if not email or "@" not in email or not full_name:
            problems.append(_("%(dn)s: no e-mail address or name", dn=dn))
            continue
        if not code or code not in agency_codes:
            problems.append(_("%(dn)s: no agency is mapped to this entry (%(code)s)", dn=dn, code=code or "-"))
            continue
        keys = {"subject": subject, "email": email, "employee_id": employee_id}
        twice = [key for key, value in keys.items() if value and value in seen[key]]
        if twice:
            problems.append(_("%(dn)s: %(field)s appears twice in the directory", dn=dn, field=twice[0]))
            continue
        for key, value in keys.items():
            if value:
                seen[key].add(value)
        control = read("account_control")
        disabled = settings.ad_disabled and control.lstrip("-").isdigit() and bool(int(control) & ACCOUNT_DISABLED)
        entries.append(DirectoryEntry(subject=subject, dn=dn, email=email, full_name=full_name,
                                      position=read("position")[:200], employee_id=employee_id, agency_code=code,
                                      manager_dn=read("manager") or None, disabled=disabled))
    return entries, problems


# --- the sync -----------------------------------------------------------------------------------------------

def _by(column, values) -> dict:
    values = sorted(v for v in values if v)
    found = {}
    for start in range(0, len(values), _CHUNK):
        for user in db.session.scalars(select(User).where(column.in_(values[start:start + _CHUNK]))):
            found[getattr(user, column.key)] = user
    return found


def sync_directory(settings: DirectorySettings, *, force: bool = False, now: datetime, ip: str = "",
                   raw: list[tuple[str, dict]] | None = None) -> SyncReport:
    """Bring the platform's people in line with the directory (read now unless `raw` is given); return the report.

    Only flushes: the caller commits, or rolls back for a dry run. When the run would deactivate more than
    settings.max_deactivate_share of the people linked to the directory and `force` is false, it changes nothing,
    records `directory.sync_refused` and returns a report whose `refused` says why. Raises DirectoryUnavailable.
    """
    raw = read_directory(settings) if raw is None else raw
    agencies = dict(db.session.execute(select(Agency.code, Agency.id)).all())
    entries, problems = parse_entries(raw, settings, set(agencies))
    report = SyncReport(seen=len(raw), problems=problems)
    links = {link.subject: link for link in db.session.scalars(
        select(ExternalIdentity).where(ExternalIdentity.provider == PROVIDER))}
    linked_users = {user.id: user for user in _by(User.id, [link.user_id for link in links.values()]).values()}
    by_employee_id = _by(User.employee_id, [entry.employee_id for entry in entries])
    by_email = _by(User.email, [entry.email for entry in entries])
    linked_ids = {link.user_id for link in links.values()}

    matched: list[tuple[DirectoryEntry, User]] = []
    new: list[DirectoryEntry] = []
    for entry in entries:
        link = links.get(entry.subject)
        user = linked_users.get(link.user_id) if link else None
        if user is None:
            user = by_employee_id.get(entry.employee_id) or by_email.get(entry.email)
            if user is not None and user.id in linked_ids:
                problems.append(_("%(dn)s: %(email)s is already linked to another directory entry", dn=entry.dn,
                                  email=user.email))
                continue
        if user is None:
            if entry.email in by_email or (entry.employee_id and entry.employee_id in by_employee_id):
                problems.append(_("%(dn)s: the e-mail or employee id belongs to another person", dn=entry.dn))
                continue
            new.append(entry)
        else:
            matched.append((entry, user))

    seen_subjects = {entry.subject for entry in entries}
    leaving = [linked_users[link.user_id] for subject, link in links.items()
               if subject not in seen_subjects and link.user_id in linked_users
               and linked_users[link.user_id].is_active]
    disabled = [user for entry, user in matched if entry.disabled and user.is_active]
    active_linked = sum(1 for user in linked_users.values() if user.is_active)
    to_deactivate = len(leaving) + len(disabled)
    if active_linked and to_deactivate > settings.max_deactivate_share * active_linked and not force:
        report.refused = MassDeactivationRefused(to_deactivate, active_linked, settings.max_deactivate_share)
        audit("directory.sync_refused", actor=None, now=now, ip=ip, object_type="directory",
              object_id=settings.url, details={"would_deactivate": to_deactivate, "people": active_linked,
                                               "max_share": settings.max_deactivate_share, **report.counts()})
        return report

    # Create, then update, then (de)activate, then managers: the services the employees import uses.
    created = create_users([NewUser(email=entry.email, full_name=entry.full_name, agency_code=entry.agency_code,
                                    position=entry.position, roles=frozenset({Role.LEARNER}),
                                    is_active=not entry.disabled, employee_id=entry.employee_id)
                            for entry in new], actor=None, now=now, ip=ip)
    report.created = [user.email for user in created]
    people: dict[str, User] = {}
    for entry, user in [*matched, *zip(new, created, strict=True)]:
        people[dn_key(entry.dn)] = user
        link = links.get(entry.subject)
        if link is None:
            db.session.add(ExternalIdentity(user_id=user.id, protocol=PROTOCOL, provider=PROVIDER,
                                            subject=entry.subject))
    for entry, user in matched:
        taken = entry.email != user.email and entry.email in by_email
        changes = UserChanges(email=None if taken else entry.email, full_name=entry.full_name,
                              agency_id=agencies[entry.agency_code], position=entry.position,
                              employee_id=entry.employee_id if entry.employee_id not in by_employee_id
                              or by_employee_id[entry.employee_id].id == user.id else None)
        if changed_fields(user, changes, actor=None):
            report.updated.append((user.email, update_user(user, changes, actor=None, now=now, ip=ip)))
        if entry.disabled and user.is_active:
            set_user_active(user, False, actor=None, now=now, ip=ip)
            report.deactivated.append(user.email)
        elif not entry.disabled and not user.is_active:
            if user.is_deactivated_by_hand:  # a person's decision outranks the directory's "active"
                report.kept_deactivated.append(user.email)
            else:
                set_user_active(user, True, actor=None, now=now, ip=ip)
                report.reactivated.append(user.email)
    for user in leaving:
        set_user_active(user, False, actor=None, now=now, ip=ip)
        report.deactivated.append(user.email)

    if settings.attributes["manager"]:
        report.managers_changed = _sync_managers([*matched, *zip(new, created, strict=True)], people, report,
                                                 now=now, ip=ip)
    db.session.flush()
    audit("directory.sync", actor=None, now=now, ip=ip, object_type="directory", object_id=settings.url,
          details={**report.counts(), "forced": force})
    return report


def _sync_managers(pairs: list[tuple[DirectoryEntry, User]], people: dict[str, User], report: SyncReport, *,
                   now: datetime, ip: str) -> int:
    changes: list[tuple[User, User | None]] = []
    for entry, user in pairs:
        manager = people.get(dn_key(entry.manager_dn)) if entry.manager_dn else None
        if entry.manager_dn and manager is None:
            report.problems.append(_("%(dn)s: the manager %(manager)s is not among the people synced",
                                     dn=entry.dn, manager=entry.manager_dn))
            continue
        changes.append((user, manager))
    kept, refused = without_cycles(changes)
    report.problems.extend(str(cycle) for cycle in refused)
    return set_managers(kept, actor=None, now=now, ip=ip)
