"""Import files and spreadsheet safety: reading uploaded and command-line CSV files (UTF-8 with or without BOM, comma or
semicolon separated), row errors and reports, and the one guard against spreadsheet formulas in cells."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _


class CSVFormatError(ValueError):
    """The file as a whole cannot be read (encoding, header, size); the message says why."""


@dataclass(frozen=True)
class CSVRow:
    """One data row: its line number in the file (the header is line 1) and its cells by column name."""

    line: int
    cells: dict[str, str]


def read_rows(data: bytes, *, required: set[str], optional: set[str], max_bytes: int) -> list[CSVRow]:
    """Parse `data` into rows keyed by lower-cased column names.

    Raises CSVFormatError for a file over `max_bytes`, not in UTF-8, without the required columns,
    with unknown or repeated columns, or with a row that has more cells than the header.
    """
    if len(data) > max_bytes:
        raise CSVFormatError(_("The file is larger than %(size)d MB.", size=max_bytes // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CSVFormatError(
            _("The file is not UTF-8 text (byte %(offset)d). Save it as \"CSV UTF-8\".", offset=exc.start)
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in Russian and Kazakh locales save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CSVFormatError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise CSVFormatError(_("Line %(line)d: %(error)s", line=1, error=exc)) from None
    columns = [name.strip().lower() for name in header]
    missing = sorted(required - set(columns))
    if missing:
        raise CSVFormatError(_("Line 1: missing columns: %(columns)s.", columns=", ".join(missing)))
    if "" in columns:
        raise CSVFormatError(_("Line 1: column %(number)d has no name.", number=columns.index("") + 1))
    unknown = sorted(set(columns) - required - optional)
    if unknown:
        raise CSVFormatError(_("Line 1: unknown columns: %(columns)s.", columns=", ".join(unknown)))
    if len(set(columns)) != len(columns):
        raise CSVFormatError(_("Line 1: a column appears twice."))
    rows: list[CSVRow] = []
    next_line = reader.line_num + 1
    try:
        for cells in reader:
            # A quoted cell may span lines: name the line the record starts on, not the one it ends on.
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are allowed
            if len(cells) > len(columns):
                raise CSVFormatError(_("Line %(line)d: %(cells)d cells, but the header has %(columns)d columns.",
                                        line=line, cells=len(cells), columns=len(columns)))
            values = [cell.strip() for cell in cells] + [""] * (len(columns) - len(cells))
            rows.append(CSVRow(line=line, cells=dict(zip(columns, values, strict=True))))
    except csv.Error as exc:
        raise CSVFormatError(_("Line %(line)d: %(error)s", line=reader.line_num, error=exc)) from None
    return rows


#: How a cell that a spreadsheet runs as a formula can begin (OWASP's CSV injection list): =, +, -, @, and a tab or a
#: carriage return, which some spreadsheets strip before reading what follows. The one list every import refuses and
#: every export (reports, the audit log) neutralises.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """True when a spreadsheet could run `value` as a formula (it starts with one of FORMULA_STARTS)."""
    return value.startswith(FORMULA_STARTS)


def neutralise(value):
    """Make a text cell inert in spreadsheets: prefix an apostrophe when it starts like a formula. Other values
    (numbers, dates, None, text that does not start like a formula) come back as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_columns(row: CSVRow) -> list[str]:
    """The columns of `row` whose cell looks like a spreadsheet formula (see FORMULA_STARTS): refused, since such a
    value would run as a formula when a report is opened in Excel."""
    return [name for name, value in row.cells.items() if looks_like_formula(value)]


def parse_flag(value: str) -> bool | None:
    """Read yes/no cells ("yes", "no", "1", "0", "true", "false", "да", "нет", "иә", "жоқ"); None when not one."""
    value = value.strip().lower()
    if value in {"1", "yes", "y", "true", "да", "иә", "ия"}:
        return True
    if value in {"0", "no", "n", "false", "нет", "жоқ"}:
        return False
    return None


@dataclass(frozen=True)
class RowError:
    """A problem with one row of an import file."""

    line: int
    message: str


@dataclass
class ImportReport:
    """What an import did, or would do with --dry-run. Nothing is written when `errors` is not empty."""

    created: list[str]
    updated: list[tuple[str, list[str]]]  # (key, names of the changed fields)
    unchanged: int
    errors: list[RowError]

    @classmethod
    def empty(cls) -> ImportReport:
        """A report with nothing in it."""
        return cls(created=[], updated=[], unchanged=0, errors=[])

    @property
    def ok(self) -> bool:
        """True when the file had no bad rows."""
        return not self.errors
