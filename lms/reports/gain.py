"""Learning gain: each learner's final-quiz score minus their pre-test score, in percentage points, averaged per
course and per agency (rolled up the tree as the dashboard is). Set-based SQL: the number of queries does not grow
with the number of learners.

Which scores: the pre-test as submitted (a skipped or half-done one has no score), and the learner's FIRST PASSED
final-quiz attempt (the one that counts for the course; previews never count) when it started after the pre-test
was submitted. A learner with a pre-test and no such attempt yet counts among the pre-tests taken, not in the gain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.pretests.models import PretestAttempt, PretestStatus
from lms.quizzes.models import QuizAttempt
from lms.reports.filters import ReportFilters
from lms.reports.tree import AgencyTree, Node


@dataclass
class Gain:
    """Counts and sums that add up across agencies and courses; the averages are worked out from them."""

    #: Pre-tests submitted, and skipped.
    taken: int = 0
    skipped: int = 0
    #: Learners with both scores (a pre-test and a later passed final quiz), and the sums of their scores.
    n: int = 0
    pre_sum: float = 0.0
    post_sum: float = 0.0

    def add(self, other: Gain) -> None:
        """Add `other`'s counts and sums to these."""
        self.taken += other.taken
        self.skipped += other.skipped
        self.n += other.n
        self.pre_sum += other.pre_sum
        self.post_sum += other.post_sum

    @property
    def pre(self) -> float | None:
        """The average pre-test score of the learners with both scores, in %."""
        return self.pre_sum / self.n if self.n else None

    @property
    def post(self) -> float | None:
        """Their average final-quiz score, in %."""
        return self.post_sum / self.n if self.n else None

    @property
    def gain(self) -> float | None:
        """The average gain, in percentage points (post minus pre)."""
        return (self.post_sum - self.pre_sum) / self.n if self.n else None


@dataclass(frozen=True)
class CourseGain:
    course: Course
    gain: Gain


@dataclass(frozen=True)
class AgencyGain:
    node: Node
    gain: Gain
    has_children: bool


@dataclass
class GainReport:
    """The learning-gain page: the total, per course, per agency below the chosen one (rolled up)."""

    total: Gain
    courses: list[CourseGain]
    agencies: list[AgencyGain]
    #: The chosen agency's own people (not in a sub-agency), when it has sub-agencies.
    own: Gain | None
    ancestors: list[Node] = field(default_factory=list)


def _pairs(filters: ReportFilters, ids: list[int] | None, *, user_id: int | None = None) -> Select:
    """Pre-test score against first-passed final score, one row per learner and course (columns: user_id,
    agency_id, course_id, pre, pre_at, post, post_at), within the filters (the period: when the final quiz was
    submitted)."""
    first = (select(QuizAttempt.user_id, QuizAttempt.course_id, func.min(QuizAttempt.number).label("number"))
             .where(QuizAttempt.is_preview.is_(False), QuizAttempt.passed.is_(True))
             .group_by(QuizAttempt.user_id, QuizAttempt.course_id).subquery())
    final = aliased(QuizAttempt)
    query = (select(User.id.label("user_id"), User.agency_id, PretestAttempt.course_id,
                    PretestAttempt.score_percent.label("pre"), PretestAttempt.submitted_at.label("pre_at"),
                    final.score_percent.label("post"), final.submitted_at.label("post_at"))
             .select_from(PretestAttempt).join(User, User.id == PretestAttempt.user_id)
             .join(first, and_(first.c.user_id == PretestAttempt.user_id,
                               first.c.course_id == PretestAttempt.course_id))
             .join(final, and_(final.user_id == first.c.user_id, final.course_id == first.c.course_id,
                               final.number == first.c.number, final.is_preview.is_(False)))
             .where(PretestAttempt.status == PretestStatus.SUBMITTED, PretestAttempt.submitted_at <= final.started_at))
    if user_id is not None:
        return query.where(User.id == user_id)
    query = query.where(User.is_active.is_(True))
    if ids is not None:
        query = query.where(User.agency_id.in_(ids))
    if filters.course is not None:
        query = query.where(PretestAttempt.course_id == filters.course.id)
    if filters.since is not None:
        query = query.where(final.submitted_at >= filters.since)
    if filters.until is not None:
        query = query.where(final.submitted_at < filters.until)
    return query


def _taken(filters: ReportFilters, ids: list[int] | None) -> Select:
    """(agency_id, course_id, submitted, skipped) per agency and course (the period: when taken or skipped)."""
    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))
    query = (select(User.agency_id, PretestAttempt.course_id,
                    count_if(PretestAttempt.status == PretestStatus.SUBMITTED),
                    count_if(PretestAttempt.status == PretestStatus.SKIPPED))
             .select_from(PretestAttempt).join(User, User.id == PretestAttempt.user_id)
             .where(User.is_active.is_(True)).group_by(User.agency_id, PretestAttempt.course_id))
    if ids is not None:
        query = query.where(User.agency_id.in_(ids))
    if filters.course is not None:
        query = query.where(PretestAttempt.course_id == filters.course.id)
    if filters.since is not None:
        query = query.where(PretestAttempt.submitted_at >= filters.since)
    if filters.until is not None:
        query = query.where(PretestAttempt.submitted_at < filters.until)
    return query


def gain_cells(filters: ReportFilters, ids: list[int] | None) -> dict[tuple[int | None, int], Gain]:
    """Gain per (agency_id, course_id) of the people within `ids` (None: everyone): two aggregate queries."""
    cells: dict[tuple[int | None, int], Gain] = {}
    pairs = _pairs(filters, ids).subquery()
    for agency_id, course_id, n, pre_sum, post_sum in db.session.execute(
            select(pairs.c.agency_id, pairs.c.course_id, func.count(), func.sum(pairs.c.pre), func.sum(pairs.c.post))
            .group_by(pairs.c.agency_id, pairs.c.course_id)):
        cells[(agency_id, course_id)] = Gain(n=n, pre_sum=float(pre_sum or 0), post_sum=float(post_sum or 0))
    for agency_id, course_id, taken, skipped in db.session.execute(_taken(filters, ids)):
        cell = cells.setdefault((agency_id, course_id), Gain())
        cell.taken, cell.skipped = taken or 0, skipped or 0
    return cells


def build_gain_report(filters: ReportFilters, tree: AgencyTree) -> GainReport:
    """The learning-gain report for `filters` (checked against the user's scope by parse_filters)."""
    ids = None if filters.agency is None else (tree.subtree(filters.agency.id) if filters.include_sub
                                               else [filters.agency.id])
    cells = gain_cells(filters, ids)
    total, per_agency, per_course = Gain(), {}, {}
    for (agency_id, course_id), gain in cells.items():
        total.add(gain)
        per_agency.setdefault(agency_id, Gain()).add(gain)
        per_course.setdefault(course_id, Gain()).add(gain)
    # Always one query, data or none: the page's statements do not depend on what it finds.
    courses = {course.id: course for course in db.session.scalars(select(Course).where(
        Course.id.in_(list(per_course))))}
    course_rows = sorted((CourseGain(courses[cid], gain) for cid, gain in per_course.items() if cid in courses),
                         key=lambda row: (row.course.is_retired, row.course.key))
    agency_id = filters.agency.id if filters.agency else None
    rows, own = [], None
    if filters.include_sub or filters.agency is None:
        for child in tree.child_nodes(agency_id):
            rolled = Gain()
            for member in tree.subtree(child.id):
                if member in per_agency:
                    rolled.add(per_agency[member])
            rows.append(AgencyGain(child, rolled, bool(tree.children.get(child.id))))
        if rows:
            own = per_agency.get(agency_id, Gain())
    return GainReport(total=total, courses=course_rows, agencies=rows, own=own,
                      ancestors=tree.ancestors(agency_id) if agency_id else [])


@dataclass(frozen=True)
class LearnerGain:
    """One learner's pre-test in one course, and the final score it is compared with (None: none yet)."""

    course_id: int
    status: str
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        """Post minus pre, in percentage points (None until both exist)."""
        return self.post - self.pre if self.pre is not None and self.post is not None else None


def learner_gains(user_id: int) -> dict[int, LearnerGain]:
    """One person's pre-tests by course id, with their final scores (two queries)."""
    posts = {row.course_id: row.post for row in db.session.execute(_pairs(ReportFilters(), None, user_id=user_id))}
    rows = db.session.execute(select(PretestAttempt.course_id, PretestAttempt.status, PretestAttempt.score_percent)
                              .where(PretestAttempt.user_id == user_id))
    return {course_id: LearnerGain(course_id, status, score if status == PretestStatus.SUBMITTED else None,
                                   posts.get(course_id)) for course_id, status, score in rows}


def gain_rows_query(filters: ReportFilters, ids: list[int] | None) -> Select:
    """The export's rows: one per learner and course with both scores, with the learner (ordered, streamable).

    Columns: user_id, full_name, email, position, agency_id, course_id, pre, pre_at, post, post_at.
    """
    pairs = _pairs(filters, ids).subquery()
    return (select(pairs.c.user_id, User.full_name, User.email, User.position, pairs.c.agency_id, pairs.c.course_id,
                   pairs.c.pre, pairs.c.pre_at, pairs.c.post, pairs.c.post_at)
            .join(User, User.id == pairs.c.user_id).order_by(pairs.c.course_id, pairs.c.user_id))


def count_gain_rows(filters: ReportFilters, ids: list[int] | None) -> int:
    """How many rows the export of `filters` has."""
    return db.session.scalar(select(func.count()).select_from(_pairs(filters, ids).subquery())) or 0
