"""Satisfaction export files (lms.evaluations): per course, per question of each course and per agency (rolled up
with its sub-agencies), as CSV or XLSX with the report files' guards (lms.exports.files). A group with fewer
respondents than the threshold has no figures: its respondents read "<N" and its averages are empty, as on the page.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.courses.models import Course
from lms.evaluations import queries as satisfaction
from lms.evaluations.questions import questionnaire_of
from lms.exports.files import headings, new_workbook, sheet_formats, write_sheet
from lms.extensions import db
from lms.imports import neutralise
from lms.reports.filters import ReportFilters
from lms.reports.queries import agency_ids
from lms.reports.tree import AgencyTree

SATISFACTION_COLUMNS = [
    ("group", _l("Group")),
    ("course_id", _l("Course ID")),
    ("course", _l("Course")),
    ("question_id", _l("Question ID")),
    ("question", _l("Question")),
    ("agency_code", _l("Agency code")),
    ("agency", _l("Agency")),
    ("respondents", _l("Respondents")),
    ("average", _l("Average (1-5)")),
    ("favourable_percent", _l("Rated 4 or 5, %")),
]
GROUP_NAMES = {"course": _l("Course"), "question": _l("Question"), "agency": _l("Agency")}

Progress = Callable[[int], None]


def _figures(tally: satisfaction.Tally, minimum: int) -> list:
    if not tally.shown(minimum):
        return [f"<{minimum}", "", ""]
    return [tally.respondents, round(tally.average or 0, 2), round(tally.favourable_share or 0, 1)]


def satisfaction_rows(filters: ReportFilters, *, locale: str, minimum: int) -> Iterator[list]:
    """The rows of the export of `filters` (agency scope and course), in SATISFACTION_COLUMNS order."""
    tree = AgencyTree.load()
    ids = agency_ids(filters, tree)
    course_id = filters.course.id if filters.course else None
    cells = satisfaction.load_cells(ids, course_id=course_id)
    courses = {course.id: course for course in db.session.scalars(select(Course).order_by(Course.key))}
    with force_locale(locale):
        groups = {key: str(name) for key, name in GROUP_NAMES.items()}
    per_course = satisfaction.by_course(cells)
    per_question: dict[tuple[int, str], satisfaction.Tally] = {}
    for (_agency, cid, key), tally in cells.questions.items():
        per_question.setdefault((cid, key), satisfaction.Tally()).add(tally)
    for cid, course in courses.items():
        if cid not in per_course:
            continue
        title = course.title_in(locale)
        yield [groups["course"], course.key, title, "", "", "", "", *_figures(per_course[cid], minimum)]
        questionnaire = questionnaire_of(course)
        keys = list(questionnaire.keys) + sorted({k for c, k in per_question if c == cid} - set(questionnaire.keys))
        for key in keys:
            if (cid, key) in per_question:
                yield [groups["question"], course.key, title, key, questionnaire.text(key, locale), "", "",
                       *_figures(per_question[(cid, key)], minimum)]
    per_agency: dict[int | None, satisfaction.Tally] = {}
    for (agency, _cid), tally in cells.courses.items():
        per_agency.setdefault(agency, satisfaction.Tally()).add(tally)
    scope = set(ids) if ids is not None else set(tree.nodes)
    for agency in sorted(scope, key=lambda i: tree.nodes[i].code):
        node = tree.nodes[agency]
        rolled = satisfaction.Tally()
        for member in (tree.subtree(agency) if filters.include_sub else [agency]):
            if member in scope and member in per_agency:
                rolled.add(per_agency[member])
        if rolled.respondents:
            yield [groups["agency"], "", "", "", "", node.code, node.name_in(locale), *_figures(rolled, minimum)]


def write_satisfaction_csv(path: Path, filters: ReportFilters, *, locale: str, minimum: int,
                           progress: Progress | None = None) -> int:
    """Write the satisfaction rows to `path` as CSV (text formula-neutralised); return the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings(SATISFACTION_COLUMNS, locale))
        for row in satisfaction_rows(filters, locale=locale, minimum=minimum):
            writer.writerow([neutralise(value) if isinstance(value, str) else value for value in row])
            count += 1
    return count


def write_satisfaction_xlsx(path: Path, filters: ReportFilters, *, locale: str, minimum: int,
                            progress: Progress | None = None) -> int:
    """Write the satisfaction rows to `path` as an XLSX workbook of one sheet; return the number of rows."""
    with force_locale(locale):
        name = str(_l("Satisfaction"))
    workbook = new_workbook(path)
    try:
        return write_sheet(workbook.add_worksheet(name), SATISFACTION_COLUMNS,
                           satisfaction_rows(filters, locale=locale, minimum=minimum), locale,
                           sheet_formats(workbook), progress)
    finally:
        workbook.close()
