"""Team export files: one row per person and course of a line manager's team ("My team"), as CSV or XLSX, with the
same guards as the report files (lms.exports.files): a byte order mark and formula-neutralised text in CSV, typed
cells and no formulas in XLSX, days in the platform's time zone.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.certificates.serials import display as grouped_serial
from lms.exports.files import BATCH, headings, new_workbook, sheet_formats, write_sheet
from lms.imports import neutralise
from lms.reports.filters import STATUS_NAMES as ROW_STATUS_NAMES
from lms.reports.rows import CERTIFICATE_STATUS_NAMES
from lms.team.services import EXPIRING, EXPIRING_NAME, TeamExport

#: (key, heading) of the team export's columns, in order.
TEAM_COLUMNS = [
    ("learner", _l("Learner")),
    ("email", _l("Email")),
    ("position", _l("Position")),
    ("agency_code", _l("Agency code")),
    ("agency", _l("Agency")),
    ("manager", _l("Line manager")),
    ("course_id", _l("Course ID")),
    ("course", _l("Course")),
    ("due_on", _l("Due date")),
    ("overdue", _l("Overdue")),
    ("status", _l("Status")),
    ("lessons_done", _l("Lessons done")),
    ("lessons_total", _l("Lessons in course")),
    ("progress_percent", _l("Progress, %")),
    ("completed_on", _l("Completed on")),
    ("certificate_serial", _l("Certificate")),
    ("certificate_status", _l("Certificate status")),
    ("certificate_expires_on", _l("Certificate valid until")),
]

Progress = Callable[[int], None]


def team_rows(export: TeamExport, *, locale: str, timezone: str) -> Iterator[list]:
    """The rows of `export` as lists in TEAM_COLUMNS order, names and titles in `locale`."""
    zone = ZoneInfo(timezone)

    def day(moment: datetime | None) -> str:
        return moment.astimezone(zone).date().isoformat() if moment is not None else ""

    with force_locale(locale):
        statuses = {key: str(name) for key, name in ROW_STATUS_NAMES.items()}
        certificates = {**{key: str(name) for key, name in CERTIFICATE_STATUS_NAMES.items()},
                        EXPIRING: str(EXPIRING_NAME)}
        yes = str(_l("yes"))
    for member in export.members():
        agency_code, agency = (member.agency.code, member.agency.name_in(locale)) if member.agency else ("", "")
        for row in member.rows:
            yield [
                member.full_name, member.email, member.position, agency_code, agency, member.manager_name or "",
                row.course.key, row.course.title_in(locale), day(row.due_at), yes if row.is_overdue else "",
                statuses[row.status], row.lessons_total if row.completed_at else row.lessons_done, row.lessons_total,
                row.percent, day(row.completed_at),
                grouped_serial(row.certificate_serial) if row.certificate_serial else "",
                certificates.get(row.certificate_state, "") if row.certificate_state else "",
                day(row.certificate_expires_at),
            ]


def write_team_csv(path: Path, export: TeamExport, *, locale: str, timezone: str,
                   progress: Progress | None = None) -> int:
    """Write the team rows to `path` as CSV; return the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings(TEAM_COLUMNS, locale))
        for row in team_rows(export, locale=locale, timezone=timezone):
            writer.writerow([neutralise(value) for value in row])
            count += 1
            if progress is not None and count % BATCH == 0:
                progress(count)
    return count


def write_team_xlsx(path: Path, export: TeamExport, *, locale: str, timezone: str,
                    progress: Progress | None = None) -> int:
    """Write the team rows to `path` as an XLSX workbook of one sheet; return the number of rows."""
    with force_locale(locale):
        name = str(_l("My team"))
    workbook = new_workbook(path)
    try:
        return write_sheet(workbook.add_worksheet(name), TEAM_COLUMNS,
                           team_rows(export, locale=locale, timezone=timezone), locale, sheet_formats(workbook),
                           progress)
    finally:
        workbook.close()
