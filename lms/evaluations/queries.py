"""Satisfaction figures: respondents and scale answers grouped by agency, course and question in two statements,
rolled up through the agency tree in Python (as the dashboards are). A group with fewer respondents than the
threshold (the EVALUATION_MIN_RESPONDENTS setting) shows no figure; the arithmetic is plain and tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from sqlalchemy import case, func, select

from lms.courses.models import Course
from lms.evaluations.models import EvaluationResponse, EvaluationScore
from lms.extensions import db
from lms.reports.tree import AgencyTree, Node

#: Points at or above this count as favourable (4 and 5 of 5).
FAVOURABLE = 4


@dataclass
class Tally:
    """Respondents and their scale answers; rolled-up tallies are sums."""

    respondents: int = 0
    answers: int = 0
    points: int = 0
    favourable: int = 0

    def add(self, other: Tally) -> None:
        """Add `other` into this tally."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def shown(self, minimum: int) -> bool:
        """Enough respondents for the figures to be shown."""
        return self.respondents >= max(1, minimum)

    @property
    def average(self) -> float | None:
        """The mean point (1-5) of every answer, None when there is none."""
        return self.points / self.answers if self.answers else None

    @property
    def favourable_share(self) -> float | None:
        """Answers of FAVOURABLE or more as a percentage of the answers."""
        return 100 * self.favourable / self.answers if self.answers else None


@dataclass
class Cells:
    """The grouped figures: (agency_id, course_id) -> tally, and (agency_id, course_id, question) -> tally."""

    courses: dict[tuple[int | None, int], Tally] = field(default_factory=dict)
    questions: dict[tuple[int | None, int, str], Tally] = field(default_factory=dict)


def _scoped(query, ids: list[int] | None, course_id: int | None):
    if ids is not None:
        query = query.where(EvaluationResponse.agency_id.in_(ids))
    if course_id is not None:
        query = query.where(EvaluationResponse.course_id == course_id)
    return query


def load_cells(ids: list[int] | None, *, course_id: int | None = None) -> Cells:
    """The figures of the agencies `ids` (None: all, including people without an agency), of one course or all
    (two statements)."""
    cells = Cells()
    counted = _scoped(select(EvaluationResponse.agency_id, EvaluationResponse.course_id, func.count())
                      .group_by(EvaluationResponse.agency_id, EvaluationResponse.course_id), ids, course_id)
    for agency_id, course, count in db.session.execute(counted):
        cells.courses[(agency_id, course)] = Tally(respondents=count)
    scored = _scoped(
        select(EvaluationResponse.agency_id, EvaluationResponse.course_id, EvaluationScore.question_key,
               func.count(), func.sum(EvaluationScore.score),
               func.sum(case((EvaluationScore.score >= FAVOURABLE, 1), else_=0)))
        .join(EvaluationScore, EvaluationScore.response_id == EvaluationResponse.id)
        .group_by(EvaluationResponse.agency_id, EvaluationResponse.course_id, EvaluationScore.question_key),
        ids, course_id)
    for agency_id, course, key, count, points, favourable in db.session.execute(scored):
        tally = cells.courses.setdefault((agency_id, course), Tally())
        tally.answers += count
        tally.points += int(points or 0)
        tally.favourable += int(favourable or 0)
        cells.questions[(agency_id, course, key)] = Tally(respondents=count, answers=count, points=int(points or 0),
                                                          favourable=int(favourable or 0))
    return cells


@dataclass(frozen=True)
class CourseSatisfaction:
    """One course's figures within the scope."""

    course: Course
    tally: Tally


@dataclass(frozen=True)
class AgencySatisfaction:
    """One agency's figures, its sub-agencies included."""

    node: Node
    tally: Tally
    has_children: bool


@dataclass
class Satisfaction:
    """What the satisfaction page shows."""

    total: Tally
    courses: list[CourseSatisfaction]
    agencies: list[AgencySatisfaction]
    #: The selected course's figures per question (question id -> tally), when one is selected.
    questions: dict[str, Tally]


def by_course(cells: Cells) -> dict[int, Tally]:
    """Tallies per course, over every agency in `cells`."""
    totals: dict[int, Tally] = {}
    for (_agency, course_id), tally in cells.courses.items():
        totals.setdefault(course_id, Tally()).add(tally)
    return totals


def build_satisfaction(cells: Cells, tree: AgencyTree, *, agency_id: int | None, include_sub: bool,
                       course_id: int | None) -> Satisfaction:
    """The page's figures from `cells` (already limited to the scope): total, per course, per agency directly
    under `agency_id` (None: the top-level agencies) rolled up through the tree, per question of `course_id`."""
    total = Tally()
    for tally in cells.courses.values():
        total.add(tally)
    per_agency: dict[int | None, Tally] = {}
    for (agency, _course), tally in cells.courses.items():
        per_agency.setdefault(agency, Tally()).add(tally)
    courses = {course.id: course for course in db.session.scalars(select(Course))}
    course_rows = sorted((CourseSatisfaction(courses[cid], tally) for cid, tally in by_course(cells).items()
                          if cid in courses), key=lambda row: (row.course.is_retired, row.course.key))
    agencies = []
    if include_sub or agency_id is None:
        for child in tree.child_nodes(agency_id):
            rolled = Tally()
            for member in tree.subtree(child.id):
                if member in per_agency:
                    rolled.add(per_agency[member])
            agencies.append(AgencySatisfaction(child, rolled, bool(tree.children.get(child.id))))
    questions: dict[str, Tally] = {}
    if course_id is not None:
        for (_agency, course, key), tally in cells.questions.items():
            if course == course_id:
                questions.setdefault(key, Tally()).add(tally)
    return Satisfaction(total=total, courses=course_rows, agencies=agencies, questions=questions)


def course_tallies(ids: list[int] | None, *, course_id: int | None = None) -> dict[int, Tally]:
    """Each course's tally within the agencies `ids` (None: all): for the dashboard's course table."""
    return by_course(load_cells(ids, course_id=course_id))
