"""The competency heat map: per agency (rolled up the tree) and competency, the share of people at each level.

Counts active people by the highest level evidenced (lms.competencies); one statement for the counts and one for
the headcounts, whatever the number of people or agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.competencies.models import CompetencyEvidence
from lms.competencies.services import list_live_competencies, list_live_levels
from lms.courses.framework_models import Competency, CompetencyAreaRecord, CompetencyLevel
from lms.extensions import db
from lms.reports import queries
from lms.reports.filters import ReportFilters
from lms.reports.tree import AgencyTree, Node

#: Colour bands of the share of people at the chosen level or above (the page prints the figure too).
BANDS = (0, 25, 50, 75)


@dataclass
class Cell:
    """People in an agency (with its sub-agencies) by the highest level they have evidenced in one competency."""

    headcount: int = 0
    by_level: dict[int, int] = field(default_factory=dict)

    def share(self, level: int) -> float | None:
        """Percentage of the headcount at exactly `level` (None without people)."""
        return 100 * self.by_level.get(level, 0) / self.headcount if self.headcount else None

    def share_at_least(self, level: int) -> float | None:
        """Percentage of the headcount at `level` or above (None without people)."""
        if not self.headcount:
            return None
        return 100 * sum(n for lvl, n in self.by_level.items() if lvl >= level) / self.headcount

    def band(self, level: int) -> int:
        """The colour band (0-4) of share_at_least(level): 0 for none or nobody."""
        share = self.share_at_least(level)
        if not share:
            return 0
        return sum(1 for bound in BANDS if share > bound)


@dataclass
class HeatRow:
    """One agency (its subtree, when rolled up) with a cell per competency."""

    node: Node | None
    cells: dict[int, Cell]
    has_children: bool = False
    #: The agency's own people only (not its sub-agencies): the "directly in" row.
    is_own: bool = False


@dataclass
class HeatMap:
    """The heat map of one scope: competencies in framework order, the levels, and a row per child agency."""

    competencies: list[tuple[Competency, CompetencyAreaRecord]]
    levels: list[CompetencyLevel]
    rows: list[HeatRow]
    total: HeatRow


def _counts(ids: list[int] | None) -> dict[tuple[int | None, int, int], int]:
    """{(agency id, competency id, highest level): people}, active people only (one statement)."""
    best = (select(CompetencyEvidence.user_id, CompetencyEvidence.competency_id,
                   func.max(CompetencyEvidence.level).label("level"))
            .group_by(CompetencyEvidence.user_id, CompetencyEvidence.competency_id).subquery())
    query = (select(User.agency_id, best.c.competency_id, best.c.level, func.count())
             .join(User, User.id == best.c.user_id).where(User.is_active.is_(True))
             .group_by(User.agency_id, best.c.competency_id, best.c.level))
    if ids is not None:
        query = query.where(User.agency_id.in_(ids))
    return {(agency, competency, level): count for agency, competency, level, count in db.session.execute(query)}


def _row(node, agency_ids, counts, headcounts, competency_ids, **flags) -> HeatRow:
    people = sum(headcounts.get(agency_id, 0) for agency_id in agency_ids)
    cells = {competency_id: Cell(headcount=people) for competency_id in competency_ids}
    wanted = set(agency_ids)
    for (agency, competency, level), count in counts.items():
        if agency in wanted and competency in cells:
            cells[competency].by_level[level] = cells[competency].by_level.get(level, 0) + count
    return HeatRow(node, cells, **flags)


def build_heat_map(filters: ReportFilters, tree: AgencyTree) -> HeatMap:
    """The heat map for `filters` (checked against the user's scope): a row per agency directly under the chosen
    one (the top-level agencies for the whole country), each rolled up over its subtree, the chosen agency's own
    people, and the total. Five statements whatever the data size."""
    competencies, levels = list_live_competencies(), list_live_levels()
    ids = queries.agency_ids(ReportFilters(agency=filters.agency, include_sub=True), tree)
    counts, headcounts = _counts(ids), queries.headcounts(ids)
    competency_ids = [competency.id for competency, _area in competencies]
    agency_id = filters.agency.id if filters.agency else None
    rows = [_row(child, tree.subtree(child.id), counts, headcounts, competency_ids,
                 has_children=bool(tree.children.get(child.id))) for child in tree.child_nodes(agency_id)]
    if agency_id is not None and rows:
        rows.append(_row(tree.nodes.get(agency_id), [agency_id], counts, headcounts, competency_ids, is_own=True))
    everyone = ids if ids is not None else [*tree.nodes, None]
    total = _row(tree.nodes.get(agency_id) if agency_id else None, everyone, counts, headcounts, competency_ids)
    return HeatMap(competencies, levels, rows, total)
