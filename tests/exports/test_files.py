"""Export files: CSV (UTF-8 with BOM, Kazakh intact, formula injection neutralised) and XLSX (three sheets, typed
string cells, never formulas)."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates import serials
from lms.certificates.models import Certificate
from lms.exports.files import neutralise, write_csv, write_xlsx
from lms.extensions import db
from lms.reports.filters import parse_filters
from lms.reports.rows import COLUMNS, OVERDUE_COLUMNS, SUMMARY_COLUMNS, RowContext
from tests import factories
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL

KEYS = [key for key, _ in COLUMNS]
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)", "\t=1+2", "\r=3"]
KAZAKH_NAME = "Әсел Құрманғазықызы"


@pytest.fixture
def tricky(app, courses):
    """Agency KZ (named in Kazakh) with a Kazakh-named learner, learners named like formulas, and an overdue one."""
    with app.app_context():
        admin = b.new_user("admin@example.kz", roles={Role.ADMIN})
        kz = b.new_agency("KZ", name_kk="Ақпарат және қоғамдық даму министрлігі", name_ru="Министерство",
                          name_en="Ministry of Information")
        b.complete(b.new_user("asel@example.kz", agency=kz, full_name=KAZAKH_NAME, position="Бас маман"), "alpha",
                   language="kk", commit=False)
        for n, name in enumerate(FORMULAS):
            b.enrol(b.new_user(f"f{n}@example.kz", agency=kz, full_name=name, position="=1+1"), "alpha", lessons=1,
                    commit=False)
        b.new_user("late@example.kz", agency=kz, full_name="+Late")
        b.assign("alpha", by=admin, target=kz, due=b.BASE + timedelta(days=10))


def export_csv(tmp_path, args: dict | None = None, *, locale: str = "en", email: str = "admin@example.kz"):
    filters = parse_filters(args or {}, actor=b.person(email), timezone="Asia/Almaty")
    path = tmp_path / "export.csv"
    count = write_csv(path, filters, RowContext.load(locale=locale, timezone=filters.timezone, now=b.NOW))
    return path, count


def export_xlsx(tmp_path, args: dict | None = None, *, locale: str = "en", email: str = "admin@example.kz"):
    filters = parse_filters(args or {}, actor=b.person(email), timezone="Asia/Almaty")
    path = tmp_path / "export.xlsx"
    count = write_xlsx(path, filters, RowContext.load(locale=locale, timezone=filters.timezone, now=b.NOW))
    return openpyxl.load_workbook(path), count


def as_text(value) -> str:
    """An XLSX cell's value as the CSV writes it (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else str(value)


def raw_csv(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


# --- neutralise -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [*FORMULAS, "=", "-", "@"])
def test_neutralise_prefixes_formula_starts_with_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Әсел", "a=b", " =1", "1-2", "", 5, 0, None, "'already"])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) == value


# --- CSV --------------------------------------------------------------------------------------------------------

def test_csv_has_a_bom_crlf_lines_a_heading_row_and_one_row_per_enrolment(world, ctx, tmp_path):
    path, count = export_csv(tmp_path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == count + 1
    table = raw_csv(path)
    assert table[0] == [str(label) for _, label in COLUMNS]
    assert len(table) - 1 == count == WORLD_TOTAL["enrolled"]
    assert all(len(row) == len(COLUMNS) for row in table)


def test_csv_keeps_kazakh_text_intact(tricky, ctx, tmp_path):
    path, _count = export_csv(tmp_path, locale="kk")
    rows = [dict(zip(KEYS, row, strict=True)) for row in raw_csv(path)[1:]]
    asel = next(row for row in rows if row["email"] == "asel@example.kz")
    assert asel["learner"] == KAZAKH_NAME
    assert asel["agency"] == "Ақпарат және қоғамдық даму министрлігі"
    assert asel["position"] == "Бас маман"
    assert asel["course"] == "Альфа курсы"
    assert asel["completion_language"] == "kk"
    assert KAZAKH_NAME.encode("utf-8") in path.read_bytes()


def test_csv_agency_names_follow_the_export_language(tricky, ctx, tmp_path):
    path, _count = export_csv(tmp_path, locale="ru")
    assert {row[KEYS.index("agency")] for row in raw_csv(path)[1:]} == {"Министерство"}


def test_csv_neutralises_formula_names(tricky, ctx, tmp_path):
    path, _count = export_csv(tmp_path)
    rows = [dict(zip(KEYS, row, strict=True)) for row in raw_csv(path)[1:]]
    for name in FORMULAS:
        [row] = [row for row in rows if row["learner"].lstrip("'") == name]
        assert row["learner"] == "'" + name
        assert row["position"] == "'=1+1"
    assert next(row for row in rows if row["email"] == "asel@example.kz")["learner"] == KAZAKH_NAME


def test_csv_row_values(world, ctx, tmp_path):
    path, _count = export_csv(tmp_path)
    rows = {(row["email"], row["course_id"]): row
            for row in (dict(zip(KEYS, r, strict=True)) for r in raw_csv(path)[1:])}
    certified = rows[("m-cert@example.kz", "alpha")]
    assert certified["agency_code"] == "MID"
    assert certified["status"] == "Certified"
    assert certified["enrolled_on"] == "2025-01-06"
    assert certified["completed_on"] == "2025-01-07"
    assert (certified["lessons_done"], certified["lessons_total"]) == ("3", "3")
    assert certified["certificate_status"] == "valid" and len(certified["certificate_serial"]) > 10
    assert certified["certificate_expires_on"] == ""
    revoked = rows[("m-revoked@example.kz", "alpha")]
    assert (revoked["status"], revoked["certificate_status"], revoked["completion_language"]) == \
        ("Completed", "revoked", "ru")
    half = rows[("r-half@example.kz", "alpha")]
    assert (half["status"], half["lessons_done"], half["completed_on"], half["certificate_status"]) == \
        ("In progress", "1", "", "")
    assert rows[("o-beta@example.kz", "beta")]["status"] == "Completed"
    assert rows[("r-new@example.kz", "alpha")]["status"] == "Not started"
    assert ("l-gone@example.kz", "alpha") not in rows


def test_csv_and_xlsx_rows_say_whether_the_course_is_ai_made(world, ctx, tmp_path):
    path, _count = export_csv(tmp_path)
    table = raw_csv(path)
    assert table[0][KEYS.index("course_ai_generated")] == "Course AI content (IPTC)"
    from_csv = {(row["email"], row["course_id"]): row["course_ai_generated"]
                for row in (dict(zip(KEYS, r, strict=True)) for r in table[1:])}
    assert from_csv[("m-cert@example.kz", "alpha")] == COMPOSITE  # alpha: ai_content kind assisted
    assert from_csv[("m-cert@example.kz", "beta")] == ""  # beta declares nothing
    book, _count = export_xlsx(tmp_path)
    from_xlsx = {(row[KEYS.index("email")], row[KEYS.index("course_id")]): row[KEYS.index("course_ai_generated")]
                 for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert {key: value or "" for key, value in from_xlsx.items()} == from_csv


def test_csv_status_filter_and_scope(world, ctx, tmp_path):
    path, count = export_csv(tmp_path, {"status": "not_started"})
    assert count == 3 and {row[KEYS.index("email")] for row in raw_csv(path)[1:]} == {
        "r-new@example.kz", "hr-other@example.kz", "o-beta@example.kz"}  # the last two: by the assignment
    path, count = export_csv(tmp_path, {}, email="hr-root@example.kz")
    assert count == 6
    assert {row[KEYS.index("agency_code")] for row in raw_csv(path)[1:]} == {"ROOT", "MID", "LEAF"}


def test_empty_csv_has_only_the_heading_row(app, courses, ctx, tmp_path):
    factories.user("admin@example.kz", roles={Role.ADMIN})
    path, count = export_csv(tmp_path)
    assert count == 0 and len(raw_csv(path)) == 1


# --- XLSX -------------------------------------------------------------------------------------------------------

def test_xlsx_has_detail_summary_and_overdue_sheets(world, ctx, tmp_path):
    book, count = export_xlsx(tmp_path)
    assert len(book.worksheets) == 3
    detail, summary, overdue = book.worksheets
    assert [c.value for c in next(detail.iter_rows(max_row=1))] == [str(label) for _, label in COLUMNS]
    assert [c.value for c in next(summary.iter_rows(max_row=1))] == [str(label) for _, label in SUMMARY_COLUMNS]
    assert [c.value for c in next(overdue.iter_rows(max_row=1))] == [str(label) for _, label in OVERDUE_COLUMNS]
    assert detail.max_row - 1 == count == WORLD_TOTAL["enrolled"]


def test_xlsx_detail_rows_match_the_csv(world, ctx, tmp_path):
    path, _count = export_csv(tmp_path)
    from_csv = sorted(tuple(row) for row in raw_csv(path)[1:])
    book, _count = export_xlsx(tmp_path)
    from_xlsx = sorted(tuple(as_text(v) for v in row) for row in book.worksheets[0].iter_rows(min_row=2,
                                                                                              values_only=True))
    assert from_xlsx == from_csv


def test_xlsx_numbers_are_numbers(world, ctx, tmp_path):
    book, _count = export_xlsx(tmp_path)
    detail = book.worksheets[0]
    first = list(detail[2])
    assert first[KEYS.index("lessons_done")].data_type == "n"
    assert first[KEYS.index("lessons_total")].value == 3


def test_xlsx_summary_rolls_up_every_agency(world, ctx, tmp_path):
    book, _count = export_xlsx(tmp_path)
    keys = [key for key, _ in SUMMARY_COLUMNS]
    rows = {row[0]: dict(zip(keys, row, strict=True)) for row in book.worksheets[1].iter_rows(min_row=2,
                                                                                              values_only=True)}
    assert list(rows) == ["LEAF", "MID", "OTHER", "ROOT"]
    assert rows["ROOT"]["parent_code"] is None or rows["ROOT"]["parent_code"] == ""
    assert rows["LEAF"]["parent_code"] == "MID"
    assert (rows["ROOT"]["headcount"], rows["ROOT"]["enrolled"], rows["ROOT"]["certified"]) == (6, 6, 2)
    assert (rows["MID"]["headcount"], rows["MID"]["enrolled"], rows["MID"]["completed"]) == (3, 4, 3)
    assert (rows["OTHER"]["overdue"], rows["OTHER"]["certified_people"]) == (2, 1)


def test_xlsx_overdue_sheet_lists_the_overdue_people(world, ctx, tmp_path):
    book, _count = export_xlsx(tmp_path)
    rows = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert sorted(row[2] for row in rows) == ["hr-other@example.kz", "o-beta@example.kz"]
    assert {(row[0], row[3], row[4]) for row in rows} == {("OTHER", "alpha", datetime(2025, 1, 16))}


def test_xlsx_formula_names_are_plain_string_cells(tricky, ctx, tmp_path):
    book, _count = export_xlsx(tmp_path)
    detail = book.worksheets[0]
    cells = {cell.value: cell for cell in detail["C"][1:]}
    # (a carriage return is stored as the OOXML escape _x000D_, which openpyxl does not decode: left out here)
    for name in [name for name in FORMULAS if "\r" not in name]:
        cell = cells[name]
        assert cell.data_type == "s", name
        assert cell.value == name  # typed string: no apostrophe needed
    positions = [cell for cell in detail["E"][1:] if cell.value == "=1+1"]
    assert positions and all(cell.data_type == "s" for cell in positions)
    overdue = book.worksheets[2]
    [late] = [cell for cell in overdue["B"][1:] if cell.value == "+Late"]
    assert late.data_type == "s"


def test_xlsx_can_be_written_in_every_language(tricky, ctx, tmp_path):
    for locale in ("kk", "ru", "en"):
        book, count = export_xlsx(tmp_path, locale=locale)
        assert len(book.worksheets) == 3 and count == len(FORMULAS) + 2  # + asel, and +Late enrolled by assignment
        names = [sheet.title for sheet in book.worksheets]
        assert len(set(names)) == 3 and all(len(name) <= 31 for name in names)
        values = [cell.value for row in book.worksheets[0].iter_rows(min_row=2) for cell in row]
        assert KAZAKH_NAME in values


def widths(sheet) -> list[float | None]:
    """The width set for each used column (None: not set). openpyxl keeps each <col min max> range under the
    letter of its first column."""
    found: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():
        for n in range(dimension.min, dimension.max + 1):
            found[n] = dimension.width
    return [found.get(n) for n in range(1, sheet.max_column + 1)]


def test_xlsx_columns_are_as_wide_as_their_content_and_headings(world, ctx, tmp_path):
    book, _count = export_xlsx(tmp_path)
    for sheet in book.worksheets:
        columns = list(zip(*sheet.iter_rows(values_only=True), strict=True))
        for column, width in zip(columns, widths(sheet), strict=True):
            longest = max(len(as_text(value)) for value in column)
            if longest >= 60:  # the widest a column gets (an IPTC URI, a long title): see the bounds test
                assert 60 <= width <= 61, (sheet.title, column[0], width)
            else:
                assert longest + 1 <= width <= max(longest + 3, 6), (sheet.title, column[0], width)
    detail = book.worksheets[0]
    email = widths(detail)[KEYS.index("email")]
    assert len("m-revoked@example.kz") + 1 <= email <= len("m-revoked@example.kz") + 4
    serial = widths(detail)[KEYS.index("certificate_serial")]
    assert len("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX-C") + 1 <= serial <= 40


def test_xlsx_column_widths_are_bounded(app, courses, ctx, tmp_path):
    b.new_user("admin@example.kz", roles={Role.ADMIN})
    long_agency = b.new_agency("LONG", name_en="Agency " * 40)
    b.enrol(b.new_user("long@example.kz", agency=long_agency, position="Chief " * 30), "alpha")
    book, _count = export_xlsx(tmp_path)
    detail = book.worksheets[0]
    assert max(widths(detail)) <= 61
    assert widths(detail)[KEYS.index("position")] >= 50


def test_xlsx_keeps_the_heading_row_frozen_on_every_sheet(world, ctx, tmp_path):
    book, _count = export_xlsx(tmp_path)
    assert [sheet.freeze_panes for sheet in book.worksheets] == ["A2", "A2", "A2"]


def test_xlsx_dates_are_date_cells_on_the_day_in_the_platform_time_zone(world, ctx, tmp_path):
    late = b.new_user("night@example.kz", agency=b.agency("OTHER"), full_name="Night Owl")
    # 20:30 UTC on 6 January is already 01:30 on 7 January in Almaty (UTC+5).
    b.complete(late, "alpha", at=datetime(2025, 1, 5, 21, 0, tzinfo=UTC),
               done_at=datetime(2025, 1, 6, 20, 30, tzinfo=UTC))
    book, _count = export_xlsx(tmp_path)
    detail = book.worksheets[0]
    [row] = [row for row in detail.iter_rows(min_row=2) if row[KEYS.index("email")].value == "night@example.kz"]
    enrolled, completed = row[KEYS.index("enrolled_on")], row[KEYS.index("completed_on")]
    assert (enrolled.value, completed.value) == (datetime(2025, 1, 6), datetime(2025, 1, 7))
    for cell in (enrolled, completed):
        assert cell.is_date and cell.data_type == "d" and cell.number_format == "yyyy-mm-dd"  # a number, read as date
    assert row[KEYS.index("certificate_expires_on")].value is None  # no expiry: an empty cell, not ""
    due = book.worksheets[2]["E2"]
    assert due.is_date and due.number_format == "yyyy-mm-dd" and due.value == datetime(2025, 1, 16)


def test_exports_show_certificate_serials_grouped_as_on_screen(world, ctx, tmp_path):
    m_cert = b.person("m-cert@example.kz")
    serial = db.session.scalar(select(Certificate.serial).where(Certificate.user_id == m_cert.id))
    grouped = re.compile(r"^([0-9A-Z]{4}-){6}[0-9A-Z]{2}-[0-9A-Z*~$=]$")
    path, _count = export_csv(tmp_path)
    from_csv = [row[KEYS.index("certificate_serial")] for row in raw_csv(path)[1:]
                if row[KEYS.index("certificate_serial")]]
    book, _count = export_xlsx(tmp_path)
    from_xlsx = [row[KEYS.index("certificate_serial")] for row in book.worksheets[0].iter_rows(min_row=2,
                                                                                               values_only=True)
                 if row[KEYS.index("certificate_serial")]]
    assert len(from_csv) == 4 and sorted(from_csv) == sorted(from_xlsx)  # m-cert, m-revoked, l-cert, o-cert
    assert all(grouped.match(serial) and serials.parse(serial) for serial in from_csv)
    assert serials.display(serial) in from_csv and serial not in from_csv
