"""The competency heat map as a file: one row per agency (rolled up) and competency, with the people and share at
each level, as CSV (formula-neutralised, UTF-8 with BOM) or XLSX (typed cells, never formulas)."""

from __future__ import annotations

import csv
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _

from lms.exports.files import new_workbook, sheet_formats, write_sheet
from lms.exports.models import ExportFormat
from lms.imports import neutralise
from lms.reports.competencies import HeatMap


def heat_map_columns(heat_map: HeatMap, locale: str) -> list[tuple[str, str]]:
    """(key, heading in `locale`) of the heat map's columns."""
    with force_locale(locale):
        columns = [("agency_code", _("Agency code")), ("agency", _("Agency")), ("area", _("Competency area")),
                   ("competency_id", _("Competency id")), ("competency", _("Competency")),
                   ("headcount", _("People")), ("none", _("No level evidenced"))]
        for level in heat_map.levels:
            columns += [(f"level_{level.level}", _("Level %(level)s: people", level=level.level)),
                        (f"level_{level.level}_share", _("Level %(level)s: share (%%)", level=level.level))]
    return columns


def heat_map_rows(heat_map: HeatMap, locale: str) -> list[list]:
    """The rows of the file, in `columns` order: every agency row, then the total."""
    rows = []
    with force_locale(locale):
        whole = _("Whole country")
    for row in [*heat_map.rows, heat_map.total]:
        code = row.node.code if row.node else ""
        name = row.node.name_in(locale) if row.node else whole
        for competency, area in heat_map.competencies:
            cell = row.cells[competency.id]
            values = [code, name, area.title_in(locale), competency.key, competency.title_in(locale), cell.headcount,
                      cell.headcount - sum(cell.by_level.values())]
            for level in heat_map.levels:
                share = cell.share(level.level)
                values += [cell.by_level.get(level.level, 0), round(share, 1) if share is not None else ""]
            rows.append(values)
    return rows


def write_heat_map(path: Path, fmt: str, heat_map: HeatMap, *, locale: str) -> int:
    """Write the heat map to `path` in `fmt`; return the number of rows."""
    columns = heat_map_columns(heat_map, locale)
    rows = heat_map_rows(heat_map, locale)
    if fmt == ExportFormat.CSV:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([label for _key, label in columns])
            for row in rows:
                writer.writerow([neutralise(value) if isinstance(value, str) else value for value in row])
        return len(rows)
    workbook = new_workbook(path)
    try:
        with force_locale(locale):
            sheet = workbook.add_worksheet(_("Competencies")[:31])
        write_sheet(sheet, columns, rows, locale, sheet_formats(workbook))
    finally:
        workbook.close()
    return len(rows)
