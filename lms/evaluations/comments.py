"""The comments of a course's questionnaire for its authors: no names, newest first, grouped so that no comment
can be traced to a person.

A comment is shown with a period, not its month alone: months are put together, newest first, until the period
holds at least the threshold of responses (the EVALUATION_MIN_RESPONDENTS setting), so a month in which one person
answered does not single that person out (the audit log says who answered when). Within a period the order is the
responses' random ids, not the order they came in. The agency is shown only for an agency with at least the
threshold of respondents to the course. Nothing is shown while the course has fewer respondents than the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.courses.models import Course
from lms.evaluations.models import EvaluationResponse
from lms.extensions import db
from lms.reports.tree import Node


@dataclass(frozen=True)
class Comment:
    """One comment, with the agency only when it has enough respondents."""

    text: str
    agency: Node | None


@dataclass(frozen=True)
class Period:
    """Consecutive months (first and last, "YYYY-MM") holding at least the threshold of responses."""

    first: str
    last: str
    comments: list[Comment]


def group_months(counts: list[tuple[str, int]], minimum: int) -> list[tuple[str, str]]:
    """Months with their response counts, newest first, into periods of at least `minimum` responses each
    ((first, last) months); what is left at the end joins the last period (pure, for tests)."""
    periods: list[list] = []
    current: list = []
    total = 0
    for month, count in counts:
        current.append(month)
        total += count
        if total >= minimum:
            periods.append(current)
            current, total = [], 0
    if current:
        if periods:
            periods[-1].extend(current)
        else:
            periods.append(current)
    return [(months[-1], months[0]) for months in periods]


def count_respondents(course: Course) -> int:
    """How many people answered the course's questionnaire."""
    return db.session.scalar(select(func.count()).select_from(EvaluationResponse)
                             .where(EvaluationResponse.course_id == course.id)) or 0


def list_comment_periods(course: Course, nodes: dict[int, Node], *, minimum: int) -> list[Period] | None:
    """The course's comments by period, newest first; None while the course has fewer than `minimum`
    respondents. `nodes` are the agencies by id (reports.tree.AgencyTree.nodes). Three statements."""
    minimum = max(1, minimum)
    months = list(db.session.execute(
        select(EvaluationResponse.month, func.count()).where(EvaluationResponse.course_id == course.id)
        .group_by(EvaluationResponse.month).order_by(EvaluationResponse.month.desc())).all())
    if sum(count for _, count in months) < minimum:
        return None
    per_agency = dict(db.session.execute(
        select(EvaluationResponse.agency_id, func.count()).where(EvaluationResponse.course_id == course.id)
        .group_by(EvaluationResponse.agency_id)).all())
    shown_agencies = {agency_id for agency_id, count in per_agency.items()
                      if agency_id is not None and count >= minimum}
    periods = group_months(months, minimum)
    found: dict[tuple[str, str], list[Comment]] = {period: [] for period in periods}
    rows = db.session.execute(
        select(EvaluationResponse.month, EvaluationResponse.agency_id, EvaluationResponse.comment)
        .where(EvaluationResponse.course_id == course.id, EvaluationResponse.comment.is_not(None))
        .order_by(EvaluationResponse.id))  # within a period: not the order they came in
    for month, agency_id, text in rows:
        period = next(p for p in periods if p[0] <= month <= p[1])
        found[period].append(Comment(text, nodes.get(agency_id) if agency_id in shown_agencies else None))
    return [Period(first, last, found[(first, last)]) for first, last in periods if found[(first, last)]]
