"""The programme report: per agency (rolled up the tree like the other dashboards) how many people a programme is
assigned to, how many are in progress, have completed it, or are overdue. A fixed number of statements whatever the
number of people: the tree, the programme's assignments and named people, the people in scope, their course
completions in the programme's courses and whether they started one; the rest is worked out here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from lms.accounts.models import User
from lms.assignments.models import Assignment, AssignmentUser, TargetKind
from lms.courses.models import Course, Programme
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.programmes.progress import CourseDone, programme_progress
from lms.reports.tree import AgencyTree, Node
from lms.timeutil import aware


@dataclass
class ProgrammeCounts:
    """People in one agency (with those below it, once rolled up)."""

    people: int = 0
    assigned: int = 0
    in_progress: int = 0
    completed: int = 0
    overdue: int = 0

    def add(self, other: ProgrammeCounts) -> None:
        """Add `other`'s figures to these."""
        for name in ("people", "assigned", "in_progress", "completed", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def completion_rate(self) -> float | None:
        """Completed as a share of the assigned, in percent (None with nobody assigned)."""
        return 100 * self.completed / self.assigned if self.assigned else None


@dataclass(frozen=True)
class AgencyRow:
    """One agency's row: its node and its figures rolled up over its subtree."""

    node: Node
    counts: ProgrammeCounts


@dataclass
class ProgrammeReport:
    """The report of one programme over the agencies in view."""

    programme: Programme
    total: ProgrammeCounts
    rows: list[AgencyRow] = field(default_factory=list)


def _applies(assignment: Assignment, user: tuple, tree: AgencyTree, named: dict[int, set[int]]) -> bool:
    user_id, agency_id, position = user
    if assignment.target_kind == TargetKind.USERS:
        return user_id in named.get(assignment.id, set())
    if agency_id is None or assignment.agency_id is None:
        return False
    in_agency = agency_id == assignment.agency_id or (
        assignment.include_subagencies and agency_id in tree.nodes
        and any(node.id == assignment.agency_id for node in tree.ancestors(agency_id)))
    if not in_agency:
        return False
    return assignment.target_kind == TargetKind.AGENCY or \
        (position or "").strip().lower() == (assignment.position or "").strip().lower()


def programme_report(programme: Programme, *, tree: AgencyTree, agency_ids: list[int] | None,
                     parent_id: int | None, now: datetime) -> ProgrammeReport:
    """The figures of `programme` for the people in `agency_ids` (None: the whole country), with one row per agency
    directly under `parent_id` (the top-level agencies for None) rolled up over its subtree."""
    users_query = select(User.id, User.agency_id, User.position).where(User.is_active.is_(True))
    if agency_ids is not None:
        users_query = users_query.where(User.agency_id.in_(agency_ids))
    users = db.session.execute(users_query).all()
    assignments = list(db.session.scalars(select(Assignment).where(
        Assignment.programme_id == programme.id, Assignment.cancelled_at.is_(None))))
    named: dict[int, set[int]] = defaultdict(set)
    if any(a.target_kind == TargetKind.USERS for a in assignments):
        for assignment_id, user_id in db.session.execute(select(AssignmentUser.assignment_id, AssignmentUser.user_id)
                                                         .where(AssignmentUser.assignment_id.in_(
                                                             [a.id for a in assignments]))):
            named[assignment_id].add(user_id)
    keys = programme.course_keys
    rows = db.session.execute(
        select(Enrollment.user_id, Course.key, Course.has_certificate, Enrollment.completed_at,
               Enrollment.lessons_completed, Enrollment.certified_at, Enrollment.certificate_expires_at)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Course.key.in_(keys), or_(Enrollment.completed_at.is_not(None), Enrollment.lessons_completed > 0),
               *([Enrollment.user_id.in_(select(User.id).where(User.agency_id.in_(agency_ids)))]
                 if agency_ids is not None else [])))
    done: dict[int, dict[str, CourseDone]] = defaultdict(dict)
    started: set[int] = set()
    for user_id, key, has_certificate, completed_at, _lessons, certified_at, expires_at in rows:
        started.add(user_id)
        if completed_at is None:
            continue
        if has_certificate and (certified_at is None or (expires_at is not None and aware(expires_at) <= now)):
            continue
        done[user_id][key] = CourseDone(key, aware(completed_at))
    by_agency: dict[int | None, ProgrammeCounts] = defaultdict(ProgrammeCounts)
    for user in users:
        user_id, agency_id, _position = user
        counts = by_agency[agency_id]
        counts.people += 1
        due = [aware(a.due_at) for a in assignments if _applies(a, user, tree, named)]
        complete = programme_progress(programme.structure, done.get(user_id, {})).is_complete
        counts.assigned += bool(due)
        counts.completed += complete
        counts.in_progress += (user_id in started and not complete)
        counts.overdue += bool(due) and not complete and min(due) < now
    total = ProgrammeCounts()
    for counts in by_agency.values():
        total.add(counts)
    report = ProgrammeReport(programme, total)
    for node in tree.child_nodes(parent_id):
        rolled = ProgrammeCounts()
        for agency_id in tree.subtree(node.id):
            if agency_id in by_agency:
                rolled.add(by_agency[agency_id])
        report.rows.append(AgencyRow(node, rolled))
    return report
