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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import func, select

from lms.certificates.serials import display as grouped_serial
from lms.courses.ai_marks import source_type
from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.i18n import localized
from lms.imports import FORMULA_STARTS, neutralise  # noqa: F401 - neutralise: the guard, re-exported
from lms.reports import dashboard, queries
from lms.reports.filters import STATUS_NAMES, ReportFilters
from lms.reports.tree import AgencyTree

#: (key, heading) of the detail columns, in order; the keys are also the JSON API's field names.
COLUMNS = [
    ("agency_code", _l("Agency code")),
    ("agency", _l("Agency")),
    ("learner", _l("Learner")),
    ("email", _l("Email")),
    ("position", _l("Position")),
    ("course_id", _l("Course ID")),
    ("course", _l("Course")),
    # The IPTC digital source type of the course's AI-content declaration ("" when none): its title is AI-made.
    ("course_ai_generated", _l("Course AI content (IPTC)")),
    ("enrolled_on", _l("Enrolled on")),
    ("status", _l("Status")),
    ("lessons_done", _l("Lessons done")),
    ("lessons_total", _l("Lessons in course")),
    ("completed_on", _l("Completed on")),
    ("completion_language", _l("Completion language")),
    ("certificate_serial", _l("Certificate")),
    ("certificate_status", _l("Certificate status")),
    ("certificate_expires_on", _l("Certificate valid until")),
]
CERTIFICATE_STATUS_NAMES = {"valid": _l("valid"), "revoked": _l("revoked"), "expired": _l("expired")}
SUMMARY_COLUMNS = [
    ("agency_code", _l("Agency code")), ("agency", _l("Agency")), ("parent_code", _l("Parent agency code")),
    ("headcount", _l("Headcount")), ("enrolled", _l("Enrolled")),
    ("not_started", _lp("report status", "Not started")), ("in_progress", _lp("report status", "In progress")),
    ("completed", _lp("report status", "Completed")), ("certified", _lp("report status", "Certified")),
    ("certified_people", _l("People certified")), ("overdue", _l("Overdue")),
]
OVERDUE_COLUMNS = [("agency_code", _l("Agency code")), ("learner", _l("Learner")), ("email", _l("Email")),
                   ("course_id", _l("Course ID")), ("due_on", _l("Due date"))]
BATCH = 5000
#: Columns holding days (YYYY-MM-DD text in CSV and JSON, date cells in XLSX).
DATE_KEYS = frozenset({"enrolled_on", "completed_on", "certificate_expires_on", "due_on"})
#: XLSX column widths, in characters: room for the longest value or heading, between these bounds.
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_TEXT_LENGTH = len("2026-12-03")


@dataclass(frozen=True)
class RowContext:
    """What turning database rows into report rows needs, loaded once per export (agencies, courses)."""

    tree: AgencyTree
    courses: dict[int, tuple[str, str, str, int]]  # id -> (key, title, AI source type or "", live lessons)
    locale: str
    timezone: ZoneInfo
    now: datetime
    statuses: dict[str, str]
    certificate_statuses: dict[str, str]
    #: (code, name in `locale`) of each agency, by id.
    agencies: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: Dates already converted, by hour (see day()).
    days: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, *, locale: str, timezone: str, now: datetime, tree: AgencyTree | None = None) -> RowContext:
        """Read agencies and courses; translate the status names into `locale`."""
        lessons = dict(db.session.execute(select(Lesson.course_id, func.count()).where(Lesson.is_retired.is_(False))
                                          .group_by(Lesson.course_id)).all())
        courses = {course.id: (course.key, localized(course.title, locale), source_type(course.ai_content),
                               lessons.get(course.id, 0)) for course in db.session.scalars(select(Course))}
        with force_locale(locale):
            statuses = {key: str(name) for key, name in STATUS_NAMES.items()}
            certificate_statuses = {key: str(name) for key, name in CERTIFICATE_STATUS_NAMES.items()}
        tree = tree or AgencyTree.load()
        return cls(tree, courses, locale, ZoneInfo(timezone), now, statuses, certificate_statuses,
                   {node.id: (node.code, node.name_in(locale)) for node in tree.nodes.values()})

    @cached_property
    def now_text(self) -> str:
        """`now` as SQLite stores times (naive UTC text), to compare with raw times."""
        return self.now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, moment) -> str:
        """A date in the platform's time zone, as YYYY-MM-DD (empty when None), from an aware datetime or from
        SQLite's text (UTC). Cached by the hour: exports convert millions of timestamps that fall on a few thousand
        distinct hours."""
        if moment is None:
            return ""
        key = moment[:13] if isinstance(moment, str) else int(moment.timestamp()) // 3600
        found = self.days.get(key)
        if found is None:
            if isinstance(moment, str):
                moment = datetime.fromisoformat(moment[:19]).replace(tzinfo=UTC)
            found = self.days[key] = moment.astimezone(self.timezone).date().isoformat()
        return found

    def values(self, r) -> list:
        """One detail row (a row of queries.detail_query) as a list in COLUMNS order."""
        (_id, _user_id, name, email, position, agency_id, course_id, enrolled_at, lessons, completed_at, language,
         serial, expires_at, revoked_at) = r
        key, title, ai_generated, total = self.courses[course_id]
        if serial is None:
            certificate = ""
        elif revoked_at is not None:
            certificate = "revoked"
        elif expires_at is not None and expires_at <= (self.now_text if isinstance(expires_at, str) else self.now):
            certificate = "expired"
        else:
            certificate = "valid"
        if certificate == "valid":
            status = "certified"
        elif completed_at is not None:
            status = "completed"
        else:
            status = "in_progress" if lessons else "not_started"
        code, agency = self.agencies.get(agency_id, ("", ""))
        return [
            code, agency, name, email, position or "", key, title, ai_generated, self.day(enrolled_at),
            self.statuses[status],
            lessons, total, self.day(completed_at), language or "", grouped_serial(serial) if serial else "",
            self.certificate_statuses.get(certificate, ""), self.day(expires_at),
        ]

    def row(self, r) -> dict:
        """One detail row as a dict keyed by COLUMNS (the JSON API and the pages)."""
        return dict(zip(KEYS, self.values(r), strict=True))


KEYS = [key for key, _ in COLUMNS]
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
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
    try:
        formats = (workbook.add_format({"bold": True}), workbook.add_format({"num_format": "yyyy-mm-dd"}))
        count = _sheet(workbook.add_worksheet(names[0]), COLUMNS,
                       (context.values(r) for r in detail_rows(filters, context)), context, formats, progress)
        _sheet(workbook.add_worksheet(names[1]), SUMMARY_COLUMNS, summary_rows(filters, context), context, formats)
        _sheet(workbook.add_worksheet(names[2]), OVERDUE_COLUMNS, overdue_rows(filters, context), context, formats)
    finally:
        workbook.close()
    return count


def _sheet(sheet, columns, rows, context: RowContext, formats, progress: Progress | None = None) -> int:
    """Write rows (lists in `columns` order, or dicts keyed by them) below a frozen heading row, dates as date
    cells; then size the columns to their content. Return how many rows."""
    bold, day_format = formats
    keys = [key for key, _ in columns]
    names = headings(columns, context.locale)
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
