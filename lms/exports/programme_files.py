"""Programme report files: one row per agency (rolled up over its sub-agencies) with the programme's figures, as CSV
or XLSX, with the same guards as the report files (lms.exports.files): formula-neutralised text in CSV, typed cells
and no formulas in XLSX."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.exports.files import headings, new_workbook, sheet_formats, write_sheet
from lms.exports.models import ExportFormat
from lms.imports import neutralise
from lms.programmes.services import get_live_programme
from lms.reports import queries
from lms.reports.filters import ReportFilters
from lms.reports.programmes import programme_report
from lms.reports.tree import AgencyTree

#: (key, heading) of the programme export's columns, in order.
PROGRAMME_COLUMNS = [
    ("programme_id", _l("Programme ID")),
    ("programme", _l("Programme")),
    ("agency_code", _l("Agency code")),
    ("agency", _l("Agency")),
    ("people", _l("People")),
    ("assigned", _l("Assigned")),
    ("in_progress", _l("In progress")),
    ("completed", _l("Completed")),
    ("overdue", _l("Overdue")),
]


def programme_rows(filters: ReportFilters, key: str, *, locale: str, now: datetime) -> list[list]:
    """The rows of the programme report of `filters`' agencies: one per agency below the chosen one, then the total.
    Raises LookupError when the programme is not offered any more."""
    programme = get_live_programme(key)
    if programme is None:
        raise LookupError(key)
    tree = AgencyTree.load()
    report = programme_report(programme, tree=tree, agency_ids=queries.agency_ids(filters, tree),
                              parent_id=filters.agency.id if filters.agency else None, now=now)
    title = programme.title_in(locale)

    def row(code, name, c):
        return [programme.key, title, code, name, c.people, c.assigned, c.in_progress, c.completed, c.overdue]

    rows = [row(r.node.code, r.node.name_in(locale), r.counts) for r in report.rows]
    with force_locale(locale):
        total_name = str(filters.agency.name_in(locale)) if filters.agency else str(_l("Whole country"))
    rows.append(row(filters.agency.code if filters.agency else "", total_name, report.total))
    return rows


def write_programme_file(path: Path, fmt: str, filters: ReportFilters, key: str, *, locale: str,
                         now: datetime) -> int:
    """Write the programme report to `path` as CSV or XLSX; return the number of rows."""
    rows = programme_rows(filters, key, locale=locale, now=now)
    if fmt == ExportFormat.CSV:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headings(PROGRAMME_COLUMNS, locale))
            for row in rows:
                writer.writerow([neutralise(value) for value in row])
        return len(rows)
    with force_locale(locale):
        name = str(_l("Programme report"))
    workbook = new_workbook(path)
    try:
        return write_sheet(workbook.add_worksheet(name[:31]), PROGRAMME_COLUMNS, rows, locale,
                           sheet_formats(workbook))
    finally:
        workbook.close()
