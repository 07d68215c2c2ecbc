"""Import the agency tree from CSV: an idempotent, all-or-nothing upsert by agency code.

Columns: code (required), parent_code, name_kk, name_ru, name_en (at least one name), active (yes/no).
Without a parent_code column, existing agencies keep their place in the tree and new ones become top-level.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select

from lms.agencies.models import Agency
from lms.extensions import db
from lms.imports import CSVRow, ImportReport, RowError, formula_columns, parse_flag, read_rows

REQUIRED = {"code"}
OPTIONAL = {"parent_code", "name_kk", "name_ru", "name_en", "active"}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NAME_MAX = 300


def import_agencies(data: bytes, *, dry_run: bool, max_bytes: int,
                    progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update agencies from CSV bytes; return the report. Flushes only when there are no errors.

    Raises CSVFormatError when the file as a whole cannot be read.
    """
    rows = read_rows(data, required=REQUIRED, optional=OPTIONAL, max_bytes=max_bytes)
    report = ImportReport.empty()
    existing = {agency.code: agency for agency in db.session.scalars(select(Agency))}
    wanted: dict[str, dict] = {}
    lines: dict[str, int] = {}
    for row in rows:
        parsed = _parse_row(row, report.errors, lines)
        if parsed is not None:
            wanted[parsed["code"]] = parsed
            lines[parsed["code"]] = row.line
    _check_parents(wanted, existing, lines, report.errors)
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report

    by_code = dict(existing)
    for done, (code, fields) in enumerate(wanted.items(), start=1):
        agency = by_code.get(code)
        if agency is None:
            report.created.append(code)
            if not dry_run:
                agency = Agency(code=code)
                db.session.add(agency)
                by_code[code] = agency
        changed = [name for name in ("name_kk", "name_ru", "name_en", "is_active")
                   if fields.get(name) is not None and (agency is None or getattr(agency, name) != fields[name])]
        parent_code = fields["parent_code"]
        current_parent = agency.parent.code if agency is not None and agency.parent is not None else None
        if agency is None or (fields["has_parent"] and current_parent != parent_code):
            changed.append("parent")
        if code not in report.created:
            if changed:
                report.updated.append((code, changed))
            else:
                report.unchanged += 1
        if not dry_run:
            for name in ("name_kk", "name_ru", "name_en", "is_active"):
                if fields.get(name) is not None:
                    setattr(agency, name, fields[name])
        if progress:
            progress(done)
    if not dry_run:
        for code, fields in wanted.items():
            if fields["has_parent"] or code in report.created:
                by_code[code].parent = by_code[fields["parent_code"]] if fields["parent_code"] else None
        db.session.flush()
    return report


def _parse_row(row: CSVRow, errors: list[RowError], seen: dict[str, int]) -> dict | None:
    cells = row.cells
    code = cells["code"]
    problems = [_("%(column)s looks like a spreadsheet formula", column=column) for column in formula_columns(row)]
    if not CODE_RE.match(code):
        problems.append(_("code %(code)r must be 1-64 letters, digits, dots, dashes or underscores", code=code))
    elif code in seen:
        problems.append(_("code %(code)s already appears on line %(line)d", code=code, line=seen[code]))
    parent_code = cells.get("parent_code", "")
    if parent_code and parent_code == code:
        problems.append(_("an agency cannot be its own parent"))
    names = {f"name_{lang}": cells.get(f"name_{lang}", "") for lang in ("kk", "ru", "en")}
    if not any(names.values()):
        problems.append(_("give at least one of name_kk, name_ru, name_en"))
    for column, value in names.items():
        if len(value) > NAME_MAX:
            problems.append(_("%(column)s is longer than %(max)d characters", column=column, max=NAME_MAX))
    active = None  # not given: a new agency is active, an existing one keeps its state
    if cells.get("active"):
        active = parse_flag(cells["active"])
        if active is None:
            problems.append(_("active must be yes or no, not %(value)r", value=cells["active"]))
    if problems:
        errors.extend(RowError(row.line, problem) for problem in problems)
        return None
    # An empty name cell in the file leaves the stored name as it is (None = "not given").
    fields = {name: (value or None) for name, value in names.items()}
    return {"code": code, "parent_code": parent_code or None, "has_parent": "parent_code" in cells,
            "is_active": active, **fields}


def _check_parents(wanted: dict[str, dict], existing: dict[str, Agency], lines: dict[str, int],
                   errors: list[RowError]) -> None:
    parent_of = {code: (agency.parent.code if agency.parent else None) for code, agency in existing.items()}
    for code, fields in wanted.items():
        if not fields["has_parent"] and code in existing:
            continue  # stays where it is
        parent = fields["parent_code"]
        if parent and parent not in wanted and parent not in existing:
            errors.append(RowError(lines[code], _("unknown parent_code %(code)s", code=parent)))
        parent_of[code] = parent
    for code in wanted:
        seen = {code}
        node = parent_of.get(code)
        while node is not None:
            if node in seen:
                errors.append(RowError(lines[code], _("parent_code %(code)s would make a cycle in the tree",
                                                      code=wanted[code]["parent_code"])))
                break
            seen.add(node)
            node = parent_of.get(node)
