"""Export files: the detail rows (one per enrolment) as CSV or XLSX, plus per-agency summary and overdue sheets in
XLSX. Rows stream from the database to the file, so memory does not grow with the number of rows.

CSV: UTF-8 with a byte order mark (Excel then reads Kazakh letters correctly), RFC 4180 quoting, and text cells
that start with = + - @ or a tab/carriage return prefixed with an apostrophe, so that a spreadsheet shows them as
text instead of running them as formulas; dates as YYYY-MM-DD. XLSX cells are written as typed strings, numbers and
dates (date cells shown as YYYY-MM-DD), never as formulas; each sheet keeps its heading row frozen and its columns
as wide as their heading and content (up to MAX_WIDTH characters). Dates are days in the platform's time zone;
certificate serials are grouped as people see them (lms.certificates.serials.display).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import xlsxwriter
from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.extensions import db
from lms.imports import FORMULA_STARTS, neutralise  # noqa: F401 - neutralise: the guard, re-exported
from lms.reports import dashboard, queries
from lms.reports.filters import ReportFilters
from lms.reports.rows import COLUMNS, DATE_KEYS, KEYS, OVERDUE_COLUMNS, SUMMARY_COLUMNS, RowContext

BATCH = 5000
#: XLSX column widths, in characters: room for the longest value or heading, between these bounds.
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_TEXT_LENGTH = len("2026-12-03")


def export_dir(app: Flask) -> Path:
    """Where finished export files are kept."""
    return Path(app.config["EXPORT_DIR"])


#: Positions of the columns holding text that people typed (names, emails, positions, agency and course names):
#: the ones that could start like a formula. Codes, dates, statuses and serials never do.
TEXT_POSITIONS = [KEYS.index(key) for key in ("agency_code", "agency", "learner", "email", "position", "course")]


def detail_rows(filters: ReportFilters, context: RowContext) -> Iterator:
    """The database rows of `filters`, streamed in batches."""
    ids = queries.agency_ids(filters, context.tree)
    query = queries.detail_query(filters, ids, now=context.now, raw_times=True)
    # Core execution on the session's connection: plain rows, no ORM loading; streamed in batches.
    return iter(db.session.connection().execute(query, execution_options={"yield_per": BATCH}))


def iter_rows(filters: ReportFilters, context: RowContext) -> Iterator[dict]:
    """The detail rows of `filters` as dicts keyed by COLUMNS."""
    for r in detail_rows(filters, context):
        yield context.row(r)


def headings(columns, locale: str) -> list[str]:
    """Column headings in `locale`."""
    with force_locale(locale):
        return [str(label) for _, label in columns]


Progress = Callable[[int], None]


def write_csv(path: Path, filters: ReportFilters, context: RowContext, *, progress: Progress | None = None) -> int:
    """Write the detail rows to `path` as CSV; return the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings(COLUMNS, context.locale))
        values, starts = context.values, FORMULA_STARTS
        for r in detail_rows(filters, context):
            row = values(r)
            for position in TEXT_POSITIONS:
                if row[position].startswith(starts):
                    row[position] = "'" + row[position]
            writer.writerow(row)
            count += 1
            if progress is not None and count % BATCH == 0:
                progress(count)
    return count


def write_xlsx(path: Path, filters: ReportFilters, context: RowContext, *, progress: Progress | None = None) -> int:
    """Write the detail rows, a per-agency summary and the overdue list to `path` as XLSX (constant memory)."""
    with force_locale(context.locale):
        names = [str(_l("Detail")), str(_l("Summary by agency")), str(_l("Overdue"))]
    workbook = new_workbook(path)
    try:
        formats = sheet_formats(workbook)
        count = write_sheet(workbook.add_worksheet(names[0]), COLUMNS,
                            (context.values(r) for r in detail_rows(filters, context)), context.locale, formats,
                            progress)
        write_sheet(workbook.add_worksheet(names[1]), SUMMARY_COLUMNS, summary_rows(filters, context), context.locale,
                    formats)
        write_sheet(workbook.add_worksheet(names[2]), OVERDUE_COLUMNS, overdue_rows(filters, context), context.locale,
                    formats)
    finally:
        workbook.close()
    return count


def new_workbook(path: Path) -> xlsxwriter.Workbook:
    """An XLSX workbook written with constant memory that never turns text into formulas, links or numbers."""
    return xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})


def sheet_formats(workbook) -> tuple:
    """The (bold heading, YYYY-MM-DD day) cell formats write_sheet() uses."""
    return workbook.add_format({"bold": True}), workbook.add_format({"num_format": "yyyy-mm-dd"})


def write_sheet(sheet, columns, rows, locale: str, formats, progress: Progress | None = None) -> int:
    """Write rows (lists in `columns` order, or dicts keyed by them) below a frozen heading row (headings in
    `locale`), dates (DATE_KEYS) as date cells; then size the columns to their content. Return how many rows.
    `formats`: (bold, day) formats of the workbook (sheet_formats())."""
    bold, day_format = formats
    keys = [key for key, _ in columns]
    names = headings(columns, locale)
    sheet.write_row(0, 0, names, bold)
    sheet.freeze_panes(1, 0)
    #: Longest text per column (a bold heading is about a character wider than plain text).
    longest = [len(name) + 1 for name in names]
    is_day = [key in DATE_KEYS for key in keys]
    for column, day_column in enumerate(is_day):
        if day_column:
            longest[column] = max(longest[column], DATE_TEXT_LENGTH)
    days: dict[str, date] = {}
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row if isinstance(row, list) else [row[key] for key in keys]):
            if is_day[column]:
                if value:  # empty: no cell at all, so the spreadsheet sees no date rather than ""
                    day = days.get(value)
                    if day is None:
                        day = days[value] = date.fromisoformat(value)
                    write_datetime(count, column, day, day_format)
            elif isinstance(value, str):
                write_string(count, column, value)
                if len(value) > longest[column]:
                    longest[column] = len(value)
            else:
                write_number(count, column, value)
                if len(str(value)) > longest[column]:
                    longest[column] = len(str(value))
        if progress is not None and count % BATCH == 0:
            progress(count)
    for column, length in enumerate(longest):
        sheet.set_column(column, column, min(MAX_WIDTH, max(MIN_WIDTH, length + 1)))
    return count


def summary_rows(filters: ReportFilters, context: RowContext) -> Iterator[dict]:
    """Per agency in the report's scope: its counts rolled up with everything below it."""
    tree = context.tree
    ids = queries.agency_ids(filters, tree)
    figures, _ = dashboard.live_figures(filters, ids, tree, now=context.now)
    per_agency, _ = figures.split()
    scope = set(ids) if ids is not None else set(tree.nodes)
    for agency_id in sorted(scope, key=lambda i: tree.nodes[i].code):
        node = tree.nodes[agency_id]
        below = [i for i in tree.subtree(agency_id) if i in scope] if filters.include_sub else [agency_id]
        counts = dashboard.rolled(per_agency, below)
        parent = tree.nodes.get(node.parent_id) if node.parent_id else None
        yield {"agency_code": node.code, "agency": node.name_in(context.locale),
               "parent_code": parent.code if parent else "", **counts.as_dict()}


def overdue_rows(filters: ReportFilters, context: RowContext) -> Iterator[dict]:
    """Every overdue mandatory course in the report's scope, earliest due date first."""
    tree = context.tree
    for item in dashboard.find_overdue(filters, tree, now=context.now):
        yield {"agency_code": item.agency.code if item.agency else "", "learner": item.full_name,
               "email": item.email, "course_id": item.course.key, "due_on": context.day(item.due_at)}
