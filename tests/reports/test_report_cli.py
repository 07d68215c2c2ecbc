"""`lms report export`: the same exports as the pages, for the operator (the whole country or one agency)."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL


def export(runner, *args: str):
    return runner.invoke(args=["report", "export", *args])


@pytest.fixture
def out(tmp_path):
    """An empty folder for the exported files."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_csv_of_the_whole_country(runner, world, out):
    path = out / "country.csv"
    result = export(runner, "--format", "csv", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert f"{WORLD_TOTAL['enrolled']} rows written to {path}" in result.output
    rows = b.csv_rows(path.read_bytes())
    assert len(rows) == WORLD_TOTAL["enrolled"]
    assert {row["Agency code"] for row in rows} == {"ROOT", "MID", "LEAF", "OTHER"}
    assert not path.with_name(path.name + ".part").exists()


def test_one_agency_with_and_without_its_sub_agencies(runner, world, out):
    path = out / "root.csv"
    result = export(runner, "--format", "csv", "--agency", "ROOT", "--include-sub", "-o", str(path))
    assert result.exit_code == 0, result.output
    rows = b.csv_rows(path.read_bytes())
    assert len(rows) == 6 and {row["Agency code"] for row in rows} == {"ROOT", "MID", "LEAF"}
    assert "6 rows written" in result.output
    result = export(runner, "--format", "csv", "--agency", "ROOT", "-o", str(path))
    assert result.exit_code == 0, result.output
    rows = b.csv_rows(path.read_bytes())
    assert sorted(row["Email"] for row in rows) == ["r-half@example.kz", "r-new@example.kz"]


def test_filters_narrow_the_rows(runner, world, out):
    path = out / "certified.csv"
    result = export(runner, "--format", "csv", "--status", "certified", "--course", "alpha", "--language", "ru",
                    "-o", str(path))
    assert result.exit_code == 0, result.output
    assert [row["Email"] for row in b.csv_rows(path.read_bytes())] == ["l-cert@example.kz"]


def test_unknown_agency_fails_with_a_message_and_no_file(runner, world, out):
    path = out / "nope.csv"
    result = export(runner, "--format", "csv", "--agency", "NOPE", "-o", str(path))
    assert result.exit_code != 0
    assert "There is no agency 'NOPE'" in result.output
    assert list(out.iterdir()) == []


def test_bad_filter_fails_with_a_message_and_no_file(runner, world, out):
    path = out / "bad.csv"
    for args in (["--from", "31.12.2025"], ["--status", "lost"], ["--course", "nope"]):
        result = export(runner, "--format", "csv", *args, "-o", str(path))
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_format_and_output_are_required(runner, world, out):
    assert export(runner, "-o", str(out / "x.csv")).exit_code != 0
    assert export(runner, "--format", "csv").exit_code != 0
    assert export(runner, "--format", "pdf", "-o", str(out / "x.pdf")).exit_code != 0
    assert list(out.iterdir()) == []


def test_xlsx_in_kazakh(runner, world, out):
    path = out / "country.xlsx"
    result = export(runner, "--format", "xlsx", "--lang", "kk", "-o", str(path))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    detail, summary, overdue = book.worksheets
    assert detail.max_row - 1 == WORLD_TOTAL["enrolled"]
    assert overdue.max_row - 1 == WORLD_TOTAL["overdue"]
    agencies = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert agencies["ROOT"] == "Цифрлық даму министрлігі"


def test_export_is_audited(app, runner, world, out):
    path = out / "root.csv"
    result = export(runner, "--format", "csv", "--agency", "MID", "--include-sub", "-o", str(path))
    assert result.exit_code == 0, result.output
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.cli"))
        assert entry.actor_id is None
        assert entry.summary == {"format": "csv", "filters": {"agency": "MID"}, "file": str(path)}
