"""Line managers: who reports to whom, never in a cycle, every change audited; and reading the lines (a manager's
team, directly or down the chain) for the "My team" pages and the access policy.

The employees import, the People page, directory sync and sign-in through an identity provider all set a manager
through set_manager (one person) or set_managers (many at once, checked together), so each leaves the same
`user.manager_changed` entry.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.audit.services import audit, audit_each
from lms.errors import DomainError
from lms.extensions import db


class ManagerCycle(DomainError):
    """The manager would make a cycle: a person would manage themselves, directly or down the chain.

    `user` and `manager` are the e-mail addresses of the person and the refused manager.
    """

    def __init__(self, user: str, manager: str):
        self.user = user
        self.manager = manager
        if user == manager:
            message = _("%(user)s cannot be their own manager.", user=user)
        else:
            message = _("%(manager)s cannot manage %(user)s: %(manager)s already reports to %(user)s, directly or "
                        "through others.", manager=manager, user=user)
        super().__init__(message)


def find_cycle(managers: Mapping[Hashable, Hashable | None]) -> list | None:
    """The first cycle in the graph person -> manager (`managers`, keys of any kind), as the list of people in it
    starting at one of them, or None when there is none. Pure; each person is walked once."""
    done: set = set()
    for start in managers:
        path: list = []
        on_path: dict = {}
        node = start
        while node is not None and node not in done:
            if node in on_path:
                return path[on_path[node]:]
            on_path[node] = len(path)
            path.append(node)
            node = managers.get(node)
        done.update(path)
    return None


def _chain_reaches(start: int | None, target: int) -> bool:
    """True when walking up the manager chain from `start` reaches `target` (stops at a cycle already stored)."""
    seen: set[int] = set()
    node = start
    while node is not None and node not in seen:
        if node == target:
            return True
        seen.add(node)
        node = db.session.scalar(select(User.manager_id).where(User.id == node))
    return False


def _summary(manager: User | None) -> dict:
    return {"manager": manager.email if manager is not None else None}


def _store(user: User, manager_id: int | None) -> None:
    # The column, not the relationship: swapping two people's places in one flush would otherwise be a dependency
    # cycle for the unit of work. The relationship is read again when next used.
    user.manager_id = manager_id
    db.session.expire(user, ["manager"])


def set_manager(user: User, manager: User | None, *, actor: User | None, now: datetime, ip: str = "") -> bool:
    """Make `manager` (None: nobody) `user`'s line manager, recording `user.manager_changed` by `actor` (None: the
    command line or a sync); return False when it was already so. Raises ManagerCycle when `manager` is `user` or
    reports to `user`, directly or through others."""
    new_id = manager.id if manager is not None else None
    if user.manager_id == new_id:
        return False
    if manager is not None and (manager.id == user.id or _chain_reaches(manager.manager_id, user.id)):
        raise ManagerCycle(user.email, manager.email)
    before = _summary(user.manager)
    _store(user, new_id)
    audit("user.manager_changed", actor=actor, now=now, ip=ip, object_type="user", object_id=user.id,
          before=before, after=_summary(manager))
    return True


def set_managers(changes: Sequence[tuple[User, User | None]], *, actor: User | None, now: datetime,
                 ip: str = "") -> int:
    """Set many managers at once (an import or a sync): each (person, manager or None), checked together against
    every manager already stored, so their order does not matter; return how many changed.

    Records `user.manager_changed` for each change in one statement. Raises ManagerCycle (naming a person and
    manager in the cycle) before changing anything.
    """
    wanted = {user.id: (manager.id if manager else None) for user, manager in changes}
    if not any(wanted[user.id] != user.manager_id for user, _manager in changes):
        return 0
    graph: dict[int, int | None] = dict(db.session.execute(
        select(User.id, User.manager_id).where(User.manager_id.is_not(None))).all())
    graph.update(wanted)
    cycle = find_cycle(graph)
    if cycle is not None:
        emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(cycle))).all())
        person = next((pid for pid in cycle if pid in wanted), cycle[0])
        raise ManagerCycle(emails[person], emails[graph[person]])
    rows = []
    for user, manager in changes:
        new_id = manager.id if manager is not None else None
        if user.manager_id == new_id:
            continue
        before = _summary(user.manager)
        _store(user, new_id)
        rows.append((user.id, {"before": before, "after": _summary(manager)}))
    audit_each("user.manager_changed", rows, actor=actor, now=now, ip=ip, object_type="user")
    return len(rows)


def without_cycles(changes: Sequence[tuple[User, User | None]]) -> tuple[list[tuple[User, User | None]],
                                                                        list[ManagerCycle]]:
    """Split `changes` into those set_managers may apply together and one ManagerCycle for each change left out
    because it would close a cycle (a directory whose managers loop must not stop the rest of a sync)."""
    graph: dict[int, int | None] = dict(db.session.execute(
        select(User.id, User.manager_id).where(User.manager_id.is_not(None))).all())
    wanted = {user.id: (user, manager) for user, manager in changes}
    graph.update({user_id: (manager.id if manager else None) for user_id, (_user, manager) in wanted.items()})
    refused: list[ManagerCycle] = []
    while (cycle := find_cycle(graph)) is not None:
        person = next((pid for pid in cycle if pid in wanted), None)
        if person is None:  # a cycle already stored (never made here): leave it to the People page
            for pid in cycle:
                graph[pid] = None
            continue
        user, manager = wanted.pop(person)
        refused.append(ManagerCycle(user.email, manager.email if manager else user.email))
        graph[person] = user.manager_id  # what stays; if that still closes the cycle, another change goes
    return [pair for pair in changes if pair[0].id in wanted], refused


# --- reading the lines: who reports to whom ------------------------------------------------------------------------

def reports_query(manager_id: int, *, chain: bool) -> Select:
    """A SELECT of the ids of the active people who report to `manager_id`: directly, or with `chain` anywhere down
    the line (one statement: a recursive CTE, usable in IN (...)).

    The walk goes through everyone recorded, deactivated people included (a deactivated team lead's people still
    report through them until the directory says otherwise), but only active people are listed. UNION, not UNION
    ALL: a cycle stored before cycles were refused ends the walk instead of looping; the manager is never their own
    report.
    """
    # Aliases and a CTE, never the plain users table: the SELECT goes inside queries about users (IN (...)), where
    # SQLAlchemy would otherwise correlate it with the outer query's users.
    report = aliased(User)
    if not chain:
        return select(report.id).where(report.manager_id == manager_id, report.is_active.is_(True))
    below = (select(report.id, report.is_active).where(report.manager_id == manager_id)
             .cte("team_below", recursive=True))
    further = aliased(User)
    below = below.union(select(further.id, further.is_active).join(below, further.manager_id == below.c.id))
    return select(below.c.id).where(below.c.is_active.is_(True), below.c.id != manager_id)


def reports_to(user_id: int, manager_id: int) -> bool:
    """True when `manager_id` is on the line above `user_id`: their manager, their manager's manager, and so on
    (one statement walking up; it ends at a stored cycle)."""
    up = select(User.manager_id.label("id")).where(User.id == user_id).cte("line_above", recursive=True)
    up = up.union(select(User.manager_id).join(up, User.id == up.c.id).where(User.manager_id.is_not(None)))
    return bool(db.session.scalar(select(exists().where(up.c.id == manager_id))))


def has_active_reports_clause(manager=User):
    """SQL condition: `manager` (the User entity or an alias of it) has at least one active direct report; the
    sign-in check selects it with the user (User.has_active_reports), so the menu needs no statement of its own."""
    report = aliased(User)
    return exists().where(report.manager_id == manager.id, report.is_active.is_(True))


def has_active_reports(manager_id: int) -> bool:
    """True when someone active reports directly to `manager_id`."""
    report = aliased(User)
    return bool(db.session.scalar(select(exists().where(report.manager_id == manager_id,
                                                         report.is_active.is_(True)))))


def count_reports_among(manager_id: int, user_ids: Sequence[int], *, chain: bool) -> int:
    """How many of `user_ids` are active people reporting to `manager_id` (see reports_query)."""
    if not user_ids:
        return 0
    members = reports_query(manager_id, chain=chain)
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.id.in_(members), User.id.in_(list(user_ids)))) or 0
