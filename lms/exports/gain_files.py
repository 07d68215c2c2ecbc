"""Learning-gain export files: one row per learner and course with a pre-test and a later passed final quiz, as CSV
or XLSX, with the report files' guards (lms.exports.files): a byte order mark and formula-neutralised text in CSV,
typed cells and no formulas in XLSX, days in the platform's time zone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.exports.files import BATCH, Progress, headings, new_workbook, sheet_formats, write_sheet
from lms.extensions import db
from lms.imports import neutralise
from lms.reports import queries
from lms.reports.filters import ReportFilters
from lms.reports.gain import gain_rows_query
from lms.reports.rows import RowContext

#: (key, heading) of the gain export's columns, in order.
GAIN_COLUMNS = [
    ("learner", _l("Learner")),
    ("email", _l("Email")),
    ("position", _l("Position")),
    ("agency_code", _l("Agency code")),
    ("agency", _l("Agency")),
    ("course_id", _l("Course ID")),
    ("course", _l("Course")),
    ("pretest_on", _l("Pre-test taken on")),
    ("pretest_percent", _l("Pre-test score, %")),
    ("final_quiz_on", _l("Final quiz passed on")),
    ("final_percent", _l("Final quiz score, %")),
    ("gain_points", _l("Gain, percentage points")),
]


def gain_rows(filters: ReportFilters, context: RowContext) -> Iterator[list]:
    """The rows of the gain export of `filters`, as lists in GAIN_COLUMNS order (streamed in batches)."""
    query = gain_rows_query(filters, queries.agency_ids(filters, context.tree))
    for r in db.session.connection().execute(query, execution_options={"yield_per": BATCH}):
        code, agency = context.agencies.get(r.agency_id, ("", ""))
        key, title = context.courses[r.course_id][:2] if r.course_id in context.courses else ("", "")
        pre, post = round(r.pre, 2), round(r.post, 2)
        yield [r.full_name, r.email, r.position or "", code, agency, key, title, context.day(r.pre_at), pre,
               context.day(r.post_at), post, round(post - pre, 2)]


def write_gain_csv(path: Path, filters: ReportFilters, context: RowContext, *, progress: Progress | None = None) -> int:
    """Write the gain rows to `path` as CSV; return the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings(GAIN_COLUMNS, context.locale))
        for row in gain_rows(filters, context):
            writer.writerow([neutralise(value) for value in row])
            count += 1
            if progress is not None and count % BATCH == 0:
                progress(count)
    return count


def write_gain_xlsx(path: Path, filters: ReportFilters, context: RowContext, *,
                    progress: Progress | None = None) -> int:
    """Write the gain rows to `path` as an XLSX workbook of one sheet; return the number of rows."""
    with force_locale(context.locale):
        name = str(_l("Learning gain"))
    workbook = new_workbook(path)
    try:
        return write_sheet(workbook.add_worksheet(name[:31]), GAIN_COLUMNS, gain_rows(filters, context),
                           context.locale, sheet_formats(workbook), progress)
    finally:
        workbook.close()
