"""Export files: the detail rows (one per enrolment) as CSV or XLSX, plus per-agency summary and overdue sheets in
XLSX. Rows stream from the database to the file, so memory does not grow with the number of rows.

CSV: UTF-8 with a byte order mark (Excel then reads Kazakh letters correctly), RFC 4180 quoting, and text cells
that start with = + - @ or a tab/carriage return prefixed with an apostrophe, so that a spreadsheet shows them as
text instead of running them as formulas. XLSX cells are written as typed strings, never as formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import func, select

from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.i18n import localized
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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BATCH = 5000


def neutralise(value):
    """Make a text cell inert in spreadsheets: prefix an apostrophe when it starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class RowContext:
    """What turning database rows into report rows needs, loaded once per export (agencies, courses)."""

    tree: AgencyTree
    courses: dict[int, tuple[str, str, int]]  # id -> (key, title, live lessons)
    locale: str
    timezone: ZoneInfo
    now: datetime
    statuses: dict[str, str]
    certificate_statuses: dict[str, str]

    @classmethod
    def load(cls, *, locale: str, timezone: str, now: datetime, tree: AgencyTree | None = None) -> RowContext:
        """Read agencies and courses; translate the status names into `locale`."""
        lessons = dict(db.session.execute(select(Lesson.course_id, func.count()).where(Lesson.is_retired.is_(False))
                                          .group_by(Lesson.course_id)).all())
        courses = {course.id: (course.key, localized(course.title, locale), lessons.get(course.id, 0))
                   for course in db.session.scalars(select(Course))}
        with force_locale(locale):
            statuses = {key: str(name) for key, name in STATUS_NAMES.items()}
            certificate_statuses = {key: str(name) for key, name in CERTIFICATE_STATUS_NAMES.items()}
        return cls(tree or AgencyTree.load(), courses, locale, ZoneInfo(timezone), now, statuses,
                   certificate_statuses)

    def day(self, moment: datetime | None) -> str:
        """A date in the platform's time zone, as YYYY-MM-DD (empty when None)."""
        return moment.astimezone(self.timezone).date().isoformat() if moment is not None else ""

    def row(self, r) -> dict:
        """One detail row (a row of queries.detail_query) as a dict keyed by COLUMNS."""
        node = self.tree.nodes.get(r.agency_id)
        key, title, total = self.courses[r.course_id]
        now = self.now
        if r.serial is None:
            certificate = ""
        elif r.revoked_at is not None:
            certificate = "revoked"
        elif r.expires_at is not None and r.expires_at <= now:
            certificate = "expired"
        else:
            certificate = "valid"
        if certificate == "valid":
            status = "certified"
        elif r.completed_at is not None:
            status = "completed"
        else:
            status = "in_progress" if r.lessons_completed else "not_started"
        return {
            "agency_code": node.code if node else "", "agency": node.name_in(self.locale) if node else "",
            "learner": r.full_name, "email": r.email, "position": r.position or "", "course_id": key,
            "course": title, "enrolled_on": self.day(r.enrolled_at), "status": self.statuses[status],
            "lessons_done": r.lessons_completed, "lessons_total": total, "completed_on": self.day(r.completed_at),
            "completion_language": r.completion_language or "", "certificate_serial": r.serial or "",
            "certificate_status": self.certificate_statuses.get(certificate, ""),
            "certificate_expires_on": self.day(r.expires_at),
        }


def iter_rows(filters: ReportFilters, context: RowContext) -> Iterator[dict]:
    """The detail rows of `filters`, streamed from the database in batches."""
    ids = queries.agency_ids(filters, context.tree)
    query = queries.detail_query(filters, ids, now=context.now).execution_options(yield_per=BATCH)
    for r in db.session.execute(query):
        yield context.row(r)


def headings(columns, locale: str) -> list[str]:
    """Column headings in `locale`."""
    with force_locale(locale):
        return [str(label) for _, label in columns]


Progress = Callable[[int], None]


def write_csv(path: Path, filters: ReportFilters, context: RowContext, *, progress: Progress | None = None) -> int:
    """Write the detail rows to `path` as CSV; return the number of rows."""
    keys = [key for key, _ in COLUMNS]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings(COLUMNS, context.locale))
        for row in iter_rows(filters, context):
            writer.writerow([neutralise(row[key]) for key in keys])
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
        bold = workbook.add_format({"bold": True})
        count = _sheet(workbook.add_worksheet(names[0]), COLUMNS, iter_rows(filters, context), context, bold,
                       progress)
        _sheet(workbook.add_worksheet(names[1]), SUMMARY_COLUMNS, summary_rows(filters, context), context, bold)
        _sheet(workbook.add_worksheet(names[2]), OVERDUE_COLUMNS, overdue_rows(filters, context), context, bold)
    finally:
        workbook.close()
    return count


def _sheet(sheet, columns, rows, context: RowContext, bold, progress: Progress | None = None) -> int:
    keys = [key for key, _ in columns]
    sheet.write_row(0, 0, headings(columns, context.locale), bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, key in enumerate(keys):
            value = row[key]
            if isinstance(value, str):
                sheet.write_string(count, column, value)
            else:
                sheet.write_number(count, column, value)
        if progress is not None and count % BATCH == 0:
            progress(count)
    return count


def summary_rows(filters: ReportFilters, context: RowContext) -> Iterator[dict]:
    """Per agency in the report's scope: its counts rolled up with everything below it."""
    tree = context.tree
    ids = queries.agency_ids(filters, tree)
    per_agency, _, _ = dashboard.base_counts(filters, ids, tree, now=context.now)
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
    overdue = queries.overdue_query(filters, queries.agency_ids(filters, tree), tree, now=context.now)
    if overdue is None:
        return
    courses = {course.id: course for course in db.session.scalars(select(Course))}
    for item in dashboard.list_overdue(overdue, tree, courses, limit=None):
        yield {"agency_code": item.agency.code if item.agency else "", "learner": item.full_name,
               "email": item.email, "course_id": item.course.key, "due_on": context.day(item.due_at)}
