"""Import employees from CSV: an idempotent, all-or-nothing upsert by email.

Columns: email, full_name, agency_code (required); position, language (kk/ru/en), roles (separated by
";" or spaces: learner, author, hr, programme, admin), active (yes/no), employee_id (the stable person id),
manager_email (the line manager: a person already on the platform or a row of the same file, in any order)
optional. An empty roles cell gives a new user the learner role and leaves an existing user's roles as they are; a
filled one sets exactly those roles. Other empty optional cells leave a field as it is. A manager that would make a
cycle (someone managing themselves, directly or down the chain) is a row error like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms.accounts import policy
from lms.accounts.managers import find_cycle, set_managers
from lms.accounts.models import Role, User
from lms.accounts.people import UserChanges, changed_fields, update_user
from lms.accounts.services import NewUser, create_users, normalise_email
from lms.agencies.models import Agency
from lms.config import LOCALES
from lms.db import utcnow
from lms.extensions import db
from lms.imports import CSVRow, ImportReport, RowError, formula_columns, parse_flag, read_rows

REQUIRED = {"email", "full_name", "agency_code"}
OPTIONAL = {"position", "language", "roles", "active", "employee_id", "manager_email"}
NAME_MAX = 200
POSITION_MAX = 200
EMPLOYEE_ID_MAX = 64
_ROLE_SPLIT = re.compile(r"[;,\s|]+")
_CHUNK = 500


@dataclass(frozen=True)
class EmployeeRow:
    """A valid row of the employees file."""

    line: int
    email: str
    full_name: str
    agency_code: str
    agency_id: int
    position: str | None
    locale: str | None
    roles: frozenset[Role] | None
    is_active: bool | None
    employee_id: str | None = None
    manager_email: str | None = None

    def changes(self) -> UserChanges:
        """The row as changes to an existing account: empty optional cells leave a field as it is."""
        return UserChanges(full_name=self.full_name, agency_id=self.agency_id, position=self.position,
                           locale=self.locale, is_active=self.is_active, roles=self.roles,
                           employee_id=self.employee_id)

    def new_user(self) -> NewUser:
        """The row as a new account: learner unless the row gives roles, active unless it says no."""
        return NewUser(email=self.email, full_name=self.full_name, agency_code=self.agency_code,
                       position=self.position or "", locale=self.locale,
                       roles=self.roles or frozenset({Role.LEARNER}), is_active=self.is_active is not False,
                       employee_id=self.employee_id)


def import_users(data: bytes, *, dry_run: bool, max_bytes: int, allowed_roles: frozenset[Role] = frozenset(Role),
                 scope_agency_ids: set[int] | None = None, actor: User | None = None, now: datetime | None = None,
                 ip: str = "", progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update users from CSV bytes; return the report. Writes (flushes) only when no row is bad.

    `allowed_roles` limits the roles the file may give; `scope_agency_ids` (None: all) limits the agencies
    the file may touch, for HR officers. `actor` (None: the command line) may change only the people
    policy.can_manage_user lets them manage; each person created or changed is audited as on the admin pages
    (services.create_users, people.update_user). Raises CSVFormatError when the file as a whole cannot be read.
    """
    rows = read_rows(data, required=REQUIRED, optional=OPTIONAL, max_bytes=max_bytes)
    agencies: dict[str, int] = {row.code: row.id for row in db.session.execute(select(Agency.code, Agency.id))}
    report = ImportReport.empty()
    parsed: list[EmployeeRow] = []
    first_line: dict[str | tuple[str, str], int] = {}  # emails and ("employee_id", id)
    for row in rows:
        employee = _parse_row(row, agencies, allowed_roles, scope_agency_ids, first_line, report.errors)
        if employee is not None:
            parsed.append(employee)
    existing = _load_users([employee.email for employee in parsed])
    _check_employee_ids(parsed, report.errors)
    managers, current = _check_managers(parsed, scope_agency_ids, report.errors)
    new: list[EmployeeRow] = []
    updates: list[tuple[User, EmployeeRow]] = []
    for done, employee in enumerate(parsed, start=1):
        user = existing.get(employee.email)
        if user is None:
            report.created.append(employee.email)
            new.append(employee)
        elif scope_agency_ids is not None and user.agency_id not in scope_agency_ids:
            report.errors.append(RowError(employee.line, _("%(email)s belongs to an agency outside your scope",
                                                           email=employee.email)))
        elif changed := changed_fields(user, employee.changes(), actor=actor) + (
                ["manager"] if employee.manager_email and employee.manager_email != current.get(user.email) else []):
            if actor is not None and not policy.can_manage_user(actor, user):
                report.errors.append(RowError(employee.line, _("you may not change %(email)s",
                                                               email=employee.email)))
            report.updated.append((employee.email, changed))
            updates.append((user, employee))
        else:
            report.unchanged += 1
        if progress and (done % 100 == 0 or done == len(parsed)):
            progress(done)
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        report.created.clear()
        report.updated.clear()
        report.unchanged = 0
        return report
    if not dry_run:
        now = now or utcnow()
        created = create_users([employee.new_user() for employee in new], actor=actor, now=now, ip=ip)
        for user, employee in updates:
            update_user(user, employee.changes(), actor=actor, now=now, ip=ip)
        people = existing | managers | {user.email: user for user in created}
        set_managers([(people[employee.email], people[employee.manager_email]) for employee in parsed
                      if employee.manager_email], actor=actor, now=now, ip=ip)
        db.session.flush()
    return report


def _check_employee_ids(parsed: list[EmployeeRow], errors: list[RowError]) -> None:
    """A row error for each employee id another person already holds."""
    wanted = {employee.employee_id: employee for employee in parsed if employee.employee_id}
    ids = sorted(wanted)
    for start in range(0, len(ids), _CHUNK):
        for employee_id, email in db.session.execute(
                select(User.employee_id, User.email).where(User.employee_id.in_(ids[start:start + _CHUNK]))):
            if email != wanted[employee_id].email:
                errors.append(RowError(wanted[employee_id].line, _(
                    "employee_id %(id)s already belongs to another person", id=employee_id)))


def _check_managers(parsed: list[EmployeeRow], scope: set[int] | None,
                    errors: list[RowError]) -> tuple[dict[str, User], dict[str, str]]:
    """Check each row's manager_email: a person of the file or one on the platform (within `scope`), making no
    cycle with the managers stored or given by other rows. Return the managers found on the platform by e-mail,
    and every stored person -> manager by e-mail (to tell which rows change their manager)."""
    in_file = {employee.email for employee in parsed}
    outside = sorted({employee.manager_email for employee in parsed if employee.manager_email} - in_file)
    managers = {email: user for email, user in _load_users(outside).items()
                if scope is None or user.agency_id in scope}
    boss = aliased(User)
    current: dict[str, str] = dict(db.session.execute(
        select(User.email, boss.email).join(boss, boss.id == User.manager_id)).all())
    graph: dict[str, str | None] = dict(current)
    rows: dict[str, EmployeeRow] = {}
    for employee in parsed:
        if not employee.manager_email:
            continue
        if employee.manager_email not in in_file and employee.manager_email not in managers:
            errors.append(RowError(employee.line, _(
                "manager_email %(email)s is neither in this file nor a person you may see on the platform",
                email=employee.manager_email)))
            continue
        graph[employee.email] = employee.manager_email
        rows[employee.email] = employee
    # Every cycle is reported (each row in it), not only the first one found.
    while (cycle := find_cycle(graph)) is not None:
        for email in cycle:
            graph[email] = None
            if email in rows:
                errors.append(RowError(rows[email].line, _(
                    "manager_email %(manager)s would make a cycle: %(manager)s already reports to %(email)s, "
                    "directly or through others", manager=rows[email].manager_email, email=email)))
    return managers, current


def _load_users(emails: list[str]) -> dict[str, User]:
    users: dict[str, User] = {}
    for start in range(0, len(emails), _CHUNK):
        chunk = emails[start:start + _CHUNK]
        users.update((user.email, user) for user in db.session.scalars(select(User).where(User.email.in_(chunk))))
    return users


def _parse_row(row: CSVRow, agencies: dict[str, int], allowed_roles: frozenset[Role],
               scope: set[int] | None, first_line: dict, errors: list[RowError]) -> EmployeeRow | None:
    cells = row.cells
    problems: list[str] = [_("%(column)s looks like a spreadsheet formula", column=column)
                           for column in formula_columns(row)]
    email = normalise_email(cells["email"])
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        problems.append(_("%(email)r is not a valid email address", email=cells["email"]))
    else:
        if email in first_line:
            problems.append(_("%(email)s already appears on line %(line)d", email=email, line=first_line[email]))
        else:
            first_line[email] = row.line
    full_name = " ".join(cells["full_name"].split())
    if not full_name:
        problems.append(_("full_name is empty"))
    elif len(full_name) > NAME_MAX:
        problems.append(_("full_name is longer than %(max)d characters", max=NAME_MAX))
    agency_id = agencies.get(cells["agency_code"])
    if agency_id is None:
        problems.append(_("unknown agency_code %(code)r", code=cells["agency_code"]))
    elif scope is not None and agency_id not in scope:
        problems.append(_("agency %(code)s is outside your scope", code=cells["agency_code"]))
    position = cells.get("position") or None
    if position and len(position) > POSITION_MAX:
        problems.append(_("position is longer than %(max)d characters", max=POSITION_MAX))
    locale = cells.get("language", "").lower() or None
    if locale is not None and locale not in LOCALES:
        problems.append(_("language must be kk, ru or en, not %(value)r", value=cells["language"]))
    roles = None
    if cells.get("roles"):
        names = [name for name in _ROLE_SPLIT.split(cells["roles"].lower()) if name]
        unknown = [name for name in names if name not in {role.value for role in Role}]
        if unknown:
            problems.append(_("unknown role(s): %(roles)s", roles=", ".join(unknown)))
        else:
            roles = frozenset(Role(name) for name in names)
            if not roles <= allowed_roles:
                problems.append(_("you may not give the role(s): %(roles)s",
                                  roles=", ".join(sorted(roles - allowed_roles))))
    is_active = None
    if cells.get("active"):
        is_active = parse_flag(cells["active"])
        if is_active is None:
            problems.append(_("active must be yes or no, not %(value)r", value=cells["active"]))
    employee_id = cells.get("employee_id", "").strip() or None
    if employee_id is not None:
        if len(employee_id) > EMPLOYEE_ID_MAX:
            problems.append(_("employee_id is longer than %(max)d characters", max=EMPLOYEE_ID_MAX))
        elif ("employee_id", employee_id) in first_line:
            problems.append(_("employee_id %(id)s already appears on line %(line)d", id=employee_id,
                              line=first_line["employee_id", employee_id]))
        else:
            first_line["employee_id", employee_id] = row.line
    manager_email = normalise_email(cells.get("manager_email", "")) or None
    if manager_email is not None:
        try:
            validate_email(manager_email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(_("manager_email %(email)r is not a valid email address", email=cells["manager_email"]))
        else:
            if manager_email == email:
                problems.append(_("%(email)s cannot be their own manager", email=email))
    if problems:
        errors.extend(RowError(row.line, problem) for problem in problems)
        return None
    return EmployeeRow(row.line, email, full_name, cells["agency_code"], agency_id, position, locale, roles,
                       is_active, employee_id, manager_email)
