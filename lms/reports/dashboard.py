"""Dashboards: counts per agency and course rolled up through the hierarchy, the agency's own target, overdue
mandatory training, and the national target with its projection. A fixed number of queries, whatever the number of
learners: the arithmetic on the grouped rows is plain Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.reports import queries
from lms.reports.filters import ReportFilters
from lms.reports.models import AgencyTarget
from lms.reports.tree import AgencyTree, Node
from lms.timeutil import aware


@dataclass
class Counts:
    """Enrolments by status, with the people behind them. Rolled-up counts are sums of these."""

    headcount: int = 0
    enrolled: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    certified: int = 0
    #: People holding at least one valid certificate (a person counts once however many they hold).
    certified_people: int = 0
    #: Overdue mandatory courses (a person with two overdue courses counts twice).
    overdue: int = 0

    def add(self, other: Counts) -> None:
        """Add `other` into these counts."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def as_dict(self) -> dict[str, int]:
        """The counts by name."""
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @property
    def completion_rate(self) -> float | None:
        """Completed enrolments as a percentage of enrolments (None when nobody is enrolled)."""
        return 100 * self.completed / self.enrolled if self.enrolled else None

    @property
    def certified_share(self) -> float | None:
        """People with a valid certificate as a percentage of the headcount."""
        return 100 * self.certified_people / self.headcount if self.headcount else None


@dataclass(frozen=True)
class AgencyRow:
    """An agency with the counts of its people and of everyone below it."""

    node: Node
    counts: Counts
    has_children: bool


@dataclass(frozen=True)
class CourseRow:
    """One course's counts."""

    course: Course
    counts: Counts


@dataclass(frozen=True)
class OverdueItem:
    """A learner who has not completed a mandatory course by its due date."""

    user_id: int
    full_name: str
    email: str
    agency: Node | None
    course: Course
    due_at: datetime


@dataclass(frozen=True)
class TargetProgress:
    """An agency's own target and where it stands."""

    target: AgencyTarget
    headcount: int
    certified_people: int

    @property
    def share(self) -> float:
        """The certified share now, in percent."""
        return 100 * self.certified_people / self.headcount if self.headcount else 0.0

    @property
    def needed(self) -> int:
        """People still to certify to reach the target."""
        return max(0, math.ceil(self.target.percent * self.headcount / 100) - self.certified_people)


@dataclass
class Dashboard:
    """Everything one dashboard page shows."""

    filters: ReportFilters
    total: Counts
    courses: list[CourseRow]
    agencies: list[AgencyRow]
    #: The selected agency's own people, when it also has sub-agencies (None otherwise).
    own: Counts | None
    overdue: list[OverdueItem]
    target: TargetProgress | None
    ancestors: list[Node] = field(default_factory=list)
    #: When the counts were computed (a snapshot's time, or now).
    computed_at: datetime | None = None


@dataclass
class Figures:
    """What a dashboard adds up: enrolment counts (with overdue) per agency and course, and people counts
    (headcount, people certified) per agency. Computed now, or read from the worker's snapshot."""

    #: (agency_id, course_id) -> enrolled, not_started, in_progress, completed, certified, overdue.
    cells: dict[tuple[int | None, int], Counts] = field(default_factory=dict)
    #: agency_id -> headcount, certified_people.
    people: dict[int | None, Counts] = field(default_factory=dict)
    #: When the figures were computed.
    computed_at: datetime | None = None

    def cell(self, agency_id: int | None, course_id: int) -> Counts:
        """The counts of one agency's people in one course (created empty)."""
        return self.cells.setdefault((agency_id, course_id), Counts())

    def person_counts(self, agency_id: int | None) -> Counts:
        """One agency's people counts (created empty)."""
        return self.people.setdefault(agency_id, Counts())

    def split(self, ids: list[int] | None = None) -> tuple[dict[int | None, Counts], dict[int, Counts]]:
        """Counts per agency (its own people only) and per course, over the agencies `ids` (None: all)."""
        within = None if ids is None else set(ids)
        per_agency: dict[int | None, Counts] = {}
        per_course: dict[int, Counts] = {}
        for agency_id, counts in self.people.items():
            if within is None or agency_id in within:
                per_agency.setdefault(agency_id, Counts()).add(counts)
        for (agency_id, course_id), counts in self.cells.items():
            if within is None or agency_id in within:
                per_agency.setdefault(agency_id, Counts()).add(counts)
                row = Counts()
                row.add(counts)
                row.certified_people = counts.certified  # within one course, one enrolment per person
                per_course.setdefault(course_id, Counts()).add(row)
        return per_agency, per_course


def live_figures(filters: ReportFilters, ids: list[int] | None, tree: AgencyTree, *, now: datetime):
    """The Figures for `filters` computed now (a fixed number of aggregate queries), and the overdue query (None
    when nothing is due)."""
    figures = Figures(computed_at=now)
    for agency_id, count in queries.headcounts(ids).items():
        figures.person_counts(agency_id).headcount = count
    for agency_id, course_id, enrolled, not_started, in_progress, completed, certified in \
            queries.summary_rows(filters, ids, now=now):
        figures.cells[(agency_id, course_id)] = Counts(
            enrolled=enrolled, not_started=not_started or 0, in_progress=in_progress or 0, completed=completed or 0,
            certified=certified or 0)
    for agency_id, people in queries.certified_people(filters, ids, now=now):
        figures.person_counts(agency_id).certified_people = people
    overdue = queries.overdue_query(filters, ids, tree, now=now)
    if overdue is not None:
        rows = db.session.execute(select(User.agency_id, overdue.c.course_id, func.count())
                                  .join(User, User.id == overdue.c.user_id)
                                  .group_by(User.agency_id, overdue.c.course_id)).all()
        for agency_id, course_id, count in rows:
            figures.cell(agency_id, course_id).overdue += count
    return figures, overdue


def rolled(per_agency: dict[int | None, Counts], agency_ids: list[int]) -> Counts:
    """The sum of the counts of `agency_ids`."""
    total = Counts()
    for agency_id in agency_ids:
        if agency_id in per_agency:
            total.add(per_agency[agency_id])
    return total


def list_overdue(overdue, tree: AgencyTree, courses: dict[int, Course], *, limit: int | None,
                 offset: int = 0) -> list[OverdueItem]:
    """The overdue items of an overdue_query(), earliest due date first."""
    query = (select(User.id, User.full_name, User.email, User.agency_id, overdue.c.course_id, overdue.c.due_at)
             .join(User, User.id == overdue.c.user_id)
             .order_by(overdue.c.due_at, User.full_name, User.id, overdue.c.course_id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return [OverdueItem(user_id, name, email, tree.nodes.get(agency_id), courses[course_id], aware(due_at))
            for user_id, name, email, agency_id, course_id, due_at in db.session.execute(query)]


def find_overdue(filters: ReportFilters, tree: AgencyTree, *, now: datetime, limit: int | None = None,
                 offset: int = 0, user_id: int | None = None) -> list[OverdueItem]:
    """Overdue mandatory training within `filters` (only `user_id`'s, when given), earliest due date first."""
    ids = None if user_id is not None else queries.agency_ids(filters, tree)
    overdue = queries.overdue_query(filters, ids, tree, now=now, user_id=user_id)
    if overdue is None:
        return []
    courses = {course.id: course for course in db.session.scalars(select(Course))}
    return list_overdue(overdue, tree, courses, limit=limit, offset=offset)


def get_target_progress(agency, tree: AgencyTree, *, now: datetime) -> TargetProgress | None:
    """The agency's own target, measured over the agency and its sub-agencies; None when it has none."""
    target = db.session.scalar(select(AgencyTarget).where(AgencyTarget.agency_id == agency.id))
    if target is None:
        return None
    ids = tree.subtree(agency.id)
    people = queries.certified_people(ReportFilters(agency=agency), ids, now=now, course_id=target.course_id)
    return TargetProgress(target, sum(queries.headcounts(ids).values()), sum(count for _, count in people))


def build_dashboard(filters: ReportFilters, *, now: datetime, overdue_limit: int = 50,
                    snapshot: Figures | None = None, tree: AgencyTree | None = None) -> Dashboard:
    """The dashboard for `filters` (already checked against the user's scope by parse_filters).

    With `snapshot` (the whole country's figures, for filters that select agencies only) the counts come from it
    instead of being computed now; the overdue list and the agency's target are always computed now. `tree`, when
    the caller has loaded it already, saves a query.
    """
    tree = tree or AgencyTree.load()
    ids = queries.agency_ids(filters, tree)
    if snapshot is not None:
        figures = snapshot
        overdue = queries.overdue_query(filters, ids, tree, now=now) if overdue_limit else None
    else:
        figures, overdue = live_figures(filters, ids, tree, now=now)
    per_agency, per_course = figures.split(ids)
    total = Counts()
    for counts in per_agency.values():
        total.add(counts)
    courses = {course.id: course for course in db.session.scalars(select(Course))}
    course_rows = sorted((CourseRow(courses[course_id], counts) for course_id, counts in per_course.items()
                          if course_id in courses), key=lambda row: (row.course.is_retired, row.course.key))
    agency_id = filters.agency.id if filters.agency else None
    rows, own = [], None
    if filters.include_sub or filters.agency is None:
        for child in tree.child_nodes(agency_id):
            counts = rolled(per_agency, tree.subtree(child.id))
            rows.append(AgencyRow(child, counts, bool(tree.children.get(child.id))))
        if rows:
            own = per_agency.get(agency_id, Counts())
    return Dashboard(
        filters=filters, total=total, courses=course_rows, agencies=rows, own=own,
        overdue=list_overdue(overdue, tree, courses, limit=overdue_limit) if overdue is not None else [],
        target=get_target_progress(filters.agency, tree, now=now) if filters.agency else None,
        ancestors=tree.ancestors(agency_id) if agency_id else [], computed_at=figures.computed_at or now,
    )


@dataclass(frozen=True)
class NationalProgress:
    """The country against the national target: people trained (holding at least one valid certificate)."""

    target: int
    trained: int
    #: (week start, people newly trained that week, cumulative), oldest first.
    weeks: list[tuple[str, int, int]]
    #: People newly trained per week over the last complete weeks.
    pace: float
    #: The week the target was reached, or the projected date at the current pace (None: no pace yet).
    reached_on: date | None
    projected_on: date | None
    #: (week start, projected cumulative) from the last week on, for the chart.
    projection: list[tuple[str, float]]

    @property
    def share(self) -> float:
        """Trained people as a percentage of the target."""
        return 100 * self.trained / self.target if self.target else 0.0


PACE_WEEKS = 4
PROJECTION_WEEKS_SHOWN = 52


def national_progress(*, target: int, now: datetime,
                      weekly: list[tuple[str, int]] | None = None) -> NationalProgress:
    """Weekly newly trained people, the total, the pace of the last PACE_WEEKS complete weeks and the projection.
    `weekly` (from a snapshot) saves computing the weekly series now."""
    if weekly is None:
        weekly = queries.weekly_newly_trained(now=now)
    return project(weekly, target=target, today=now.date())


def project(weekly: list[tuple[str, int]], *, target: int, today: date) -> NationalProgress:
    """The arithmetic of national_progress() (pure, for tests): cumulative series, pace and projection."""
    weeks, cumulative, reached_on = [], 0, None
    for week, count in weekly:
        cumulative += count
        weeks.append((week, count, cumulative))
        if reached_on is None and target and cumulative >= target:
            reached_on = date.fromisoformat(week)
    this_week = today - timedelta(days=today.weekday())
    counts = {date.fromisoformat(week): count for week, count, _ in weeks}
    recent = [counts.get(this_week - timedelta(weeks=n), 0) for n in range(1, PACE_WEEKS + 1)]
    pace = sum(recent) / PACE_WEEKS
    projected_on, projection = None, []
    if reached_on is None and pace > 0:
        needed = math.ceil((target - cumulative) / pace)
        projected_on = this_week + timedelta(weeks=needed)
        for n in range(0, min(needed, PROJECTION_WEEKS_SHOWN) + 1):
            projection.append(((this_week + timedelta(weeks=n)).isoformat(), min(target, cumulative + pace * n)))
    return NationalProgress(target=target, trained=cumulative, weeks=weeks, pace=pace, reached_on=reached_on,
                            projected_on=projected_on, projection=projection)
