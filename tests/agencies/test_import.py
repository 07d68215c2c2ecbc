"""`lms agencies import` and lms.agencies.importer.import_agencies: all-or-nothing upsert by agency code."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

import lms.agencies.importer as importer
from lms.agencies.importer import import_agencies
from lms.agencies.models import Agency
from lms.extensions import db
from lms.imports import CSVFormatError
from tests import factories

HEADER = ["code", "parent_code", "name_kk", "name_ru", "name_en", "active"]
MAX_BYTES = 20 * 1024 * 1024

MDAI = ("Цифрлық даму және жасанды интеллект министрлігі",
        "Министерство цифрового развития и искусственного интеллекта",
        "Ministry of Digital Development and Artificial Intelligence")
MDAI_IT = ("Ақпараттық технологиялар департаменті", "Департамент информационных технологий",
           "Information Technology Department")
MDAI_IT_DEV = ("Бағдарламалық қамтамасыз ету басқармасы", "Управление программного обеспечения",
               "Software Division")


# --- helpers ---------------------------------------------------------------------------------------

def agency(code: str, parent: str = "", names: tuple[str, str, str] = MDAI_IT, active: str = "") -> list[str]:
    """One row of an agencies file, in HEADER order."""
    return [code, parent, *names, active]


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ",",
              encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: list[list[str]], **options) -> Path:
    path.write_bytes(csv_bytes(rows, **options))
    return path


def run_import(runner, path: Path, *options: str):
    return runner.invoke(args=["agencies", "import", str(path), *options])


def problems(result) -> list[str]:
    """The "line N: ..." messages the command printed."""
    return [line for line in result.stderr.splitlines() if line.startswith("line ")]


def agencies_state(app) -> dict[str, tuple]:
    """Every agency with its parent, names, state and updated_at: equal snapshots mean nothing changed."""
    with app.app_context():
        return {
            a.code: (a.parent.code if a.parent else None, a.name_kk, a.name_ru, a.name_en, a.is_active,
                     a.updated_at)
            for a in db.session.scalars(select(Agency).order_by(Agency.code))
        }


def parents(app) -> dict[str, str | None]:
    return {code: fields[0] for code, fields in agencies_state(app).items()}


def agency_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Agency))


TREE = [agency("MDAI", names=MDAI), agency("MDAI-IT", "MDAI"), agency("MDAI-IT-DEV", "MDAI-IT", MDAI_IT_DEV)]


# --- CLI: creating and updating ----------------------------------------------------------------------

def test_valid_file_creates_the_tree_and_prints_counts(app, runner, tmp_path):
    result = run_import(runner, write_csv(tmp_path / "agencies.csv", TREE))

    assert result.exit_code == 0, result.output
    for code in ("MDAI", "MDAI-IT", "MDAI-IT-DEV"):
        assert f"  + agency {code}\n" in result.stdout
    assert "3 created, 0 updated, 0 unchanged (were written)." in result.stdout
    assert parents(app) == {"MDAI": None, "MDAI-IT": "MDAI", "MDAI-IT-DEV": "MDAI-IT"}
    assert agencies_state(app)["MDAI"][1:5] == (*MDAI, True)


def test_second_run_creates_and_updates_nothing(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [*TREE, agency("OLD", active="no")])
    assert run_import(runner, path).exit_code == 0
    before = agencies_state(app)

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 4 unchanged (were written)." in result.stdout
    assert "+ agency" not in result.stdout and "~ agency" not in result.stdout
    assert agencies_state(app) == before


def test_dry_run_lists_new_agencies_and_writes_nothing(app, runner, tmp_path):
    result = run_import(runner, write_csv(tmp_path / "agencies.csv", TREE), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "  + agency MDAI-IT-DEV\n" in result.stdout
    assert "3 created, 0 updated, 0 unchanged (would be written - dry run)." in result.stdout
    assert agency_count(app) == 0


def test_dry_run_lists_changed_fields_and_writes_nothing(app, runner, tmp_path):
    with app.app_context():
        factories.agency("MDAI", name_kk=MDAI[0], name_ru=MDAI[1], name_en="Old name")
    before = agencies_state(app)
    path = write_csv(tmp_path / "agencies.csv", [agency("MDAI", names=MDAI)])

    result = run_import(runner, path, "--dry-run")

    assert "  ~ agency MDAI: name_en\n" in result.stdout
    assert "0 created, 1 updated, 0 unchanged (would be written - dry run)." in result.stdout
    assert agencies_state(app) == before


def test_changed_name_is_reported_and_written(app, runner, tmp_path):
    with app.app_context():
        factories.agency("MDAI", name_kk=MDAI[0], name_ru=MDAI[1], name_en="Old name")

    result = run_import(runner, write_csv(tmp_path / "agencies.csv", [agency("MDAI", names=MDAI)]))

    assert result.exit_code == 0, result.output
    assert "  ~ agency MDAI: name_en\n" in result.stdout
    assert "0 created, 1 updated, 0 unchanged (were written)." in result.stdout
    assert agencies_state(app)["MDAI"][3] == MDAI[2]


def test_moved_agency_is_reported_as_a_parent_change(app, runner, tmp_path):
    with app.app_context():
        root = factories.agency("MDAI", name_kk=MDAI[0], name_ru=MDAI[1], name_en=MDAI[2])
        factories.agency("AGCS")
        factories.agency("MDAI-IT", parent=root, name_kk=MDAI_IT[0], name_ru=MDAI_IT[1], name_en=MDAI_IT[2])

    result = run_import(runner, write_csv(tmp_path / "agencies.csv", [agency("MDAI-IT", "AGCS")]))

    assert "  ~ agency MDAI-IT: parent\n" in result.stdout
    assert parents(app)["MDAI-IT"] == "AGCS"


def test_empty_name_cell_keeps_the_stored_name(app, runner, tmp_path):
    with app.app_context():
        factories.agency("MDAI", name_kk=MDAI[0], name_ru=MDAI[1], name_en=MDAI[2])
    path = write_csv(tmp_path / "agencies.csv", [agency("MDAI", names=("", MDAI[1], ""))])

    result = run_import(runner, path)

    assert "0 created, 0 updated, 1 unchanged" in result.stdout
    assert agencies_state(app)["MDAI"][1:4] == MDAI


def test_active_no_deactivates_an_agency(app, runner, tmp_path):
    with app.app_context():
        factories.agency("MDAI", name_kk=MDAI[0], name_ru=MDAI[1], name_en=MDAI[2])
    path = write_csv(tmp_path / "agencies.csv", [agency("MDAI", names=MDAI, active="жоқ")])

    result = run_import(runner, path)

    assert "  ~ agency MDAI: is_active\n" in result.stdout
    assert agencies_state(app)["MDAI"][4] is False


def test_kazakh_and_russian_names_survive_the_round_trip(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", TREE)

    first = run_import(runner, path)
    second = run_import(runner, path)

    assert first.exit_code == 0, first.output
    state = agencies_state(app)
    assert [state[code][1:4] for code in ("MDAI", "MDAI-IT", "MDAI-IT-DEV")] == [MDAI, MDAI_IT, MDAI_IT_DEV]
    assert "0 created, 0 updated, 3 unchanged" in second.stdout


# --- CLI: the tree ---------------------------------------------------------------------------------------

def test_parent_given_later_in_the_file_is_linked(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", list(reversed(TREE)))  # grandchild first, root last

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert parents(app) == {"MDAI": None, "MDAI-IT": "MDAI", "MDAI-IT-DEV": "MDAI-IT"}


def test_parent_may_be_an_agency_already_in_the_database(app, runner, tmp_path):
    with app.app_context():
        factories.agency("MDAI")

    result = run_import(runner, write_csv(tmp_path / "agencies.csv", [agency("MDAI-IT", "MDAI")]))

    assert result.exit_code == 0, result.output
    assert parents(app)["MDAI-IT"] == "MDAI"


def test_unknown_parent_code_is_an_error_on_its_line(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [*TREE, agency("AGCS-ACAD", "AGCS")])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert problems(result) == ["line 5: unknown parent_code AGCS"]
    assert agency_count(app) == 0


def test_cycle_between_two_rows_is_refused(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [agency("ROOT"), agency("A", "B"), agency("B", "A")])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert problems(result) == ["line 3: parent_code B would make a cycle in the tree",
                                "line 4: parent_code A would make a cycle in the tree"]
    assert agency_count(app) == 0


def test_cycle_through_the_stored_tree_is_refused(app, runner, tmp_path):
    with app.app_context():
        root = factories.agency("A")
        factories.agency("B", parent=root)
    before = agencies_state(app)

    result = run_import(runner, write_csv(tmp_path / "agencies.csv", [agency("A", "B")]))

    assert result.exit_code == 1
    assert problems(result) == ["line 2: parent_code B would make a cycle in the tree"]
    assert agencies_state(app) == before


# --- CLI: bad rows -------------------------------------------------------------------------------------

BAD_ROWS = {
    "bad code": (agency("MDAI IT"),
                 "code 'MDAI IT' must be 1-64 letters, digits, dots, dashes or underscores"),
    "duplicate code": (agency("MDAI", names=MDAI), "code MDAI already appears on line 2"),
    "no name": (agency("EMPTY", names=("", "", "")), "give at least one of name_kk, name_ru, name_en"),
    "own parent": (agency("SELF", "SELF"), "an agency cannot be its own parent"),
    "bad active flag": (agency("X", active="maybe"), "active must be yes or no, not 'maybe'"),
    "long name": (agency("LONG", names=("", "x" * 301, "")), "name_ru is longer than 300 characters"),
}


@pytest.mark.parametrize("bad_row, reason", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_exits_1_names_its_line_and_writes_nothing(app, runner, tmp_path, bad_row, reason):
    with app.app_context():
        factories.agency("AGCS", name_en="Old name")
    before = agencies_state(app)
    path = write_csv(tmp_path / "agencies.csv", [
        agency("MDAI", names=MDAI),  # line 2: valid
        bad_row,  # line 3
        agency("AGCS", names=("", "", "Civil Service Affairs Agency")),  # line 4: a valid update
    ])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert problems(result) == [f"line 3: {reason}"]
    assert "1 problem(s); nothing was written." in result.stderr
    assert agencies_state(app) == before


# --- CLI: file format ----------------------------------------------------------------------------------

def test_semicolon_separated_file_is_read(app, runner, tmp_path):
    rows = [agency("MDAI", names=("Министрлік; бас", *MDAI[1:])), agency("MDAI-IT", "MDAI")]

    result = run_import(runner, write_csv(tmp_path / "agencies.csv", rows, delimiter=";"))

    assert result.exit_code == 0, result.output
    assert parents(app) == {"MDAI": None, "MDAI-IT": "MDAI"}
    assert agencies_state(app)["MDAI"][1] == "Министрлік; бас"


def test_utf8_bom_is_read(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", TREE, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert agency_count(app) == 3


def test_non_utf8_file_is_refused_with_a_clear_error(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [agency("MDAI", names=("", MDAI[1], ""))], encoding="cp1251")

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.stderr and 'Save it as "CSV UTF-8"' in result.stderr
    assert agency_count(app) == 0


def test_missing_required_column_is_refused(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [["MDAI", "Ministry"]], header=["parent_code", "name_en"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 1: missing columns: code." in result.stderr
    assert agency_count(app) == 0


def test_unknown_column_is_refused(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [["MDAI", "Ministry", "Astana"]],
                     header=["code", "name_en", "city"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 1: unknown columns: city." in result.stderr
    assert agency_count(app) == 0


def test_repeated_column_is_refused(app, runner, tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [["MDAI", "Ministry", "Ministry"]],
                     header=["code", "name_en", "Name_EN"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 1: a column appears twice." in result.stderr


# --- CLI: one transaction ------------------------------------------------------------------------------

class CrashingSession:
    """Stands in for db.session inside the importer: sends every new agency to the database at once and
    raises on the `crash_at`-th one, like a process killed in the middle of the write phase."""

    def __init__(self, crash_at: int):
        self.crash_at = crash_at
        self.rows_in_transaction: list[int] = []

    def __getattr__(self, name):
        return getattr(db.session, name)

    def add(self, obj) -> None:
        db.session.add(obj)
        db.session.flush()
        self.rows_in_transaction.append(db.session.scalar(select(func.count()).select_from(Agency)))
        if len(self.rows_in_transaction) == self.crash_at:
            raise RuntimeError("killed mid-import")


def test_crash_during_the_write_phase_leaves_the_database_unchanged(app, runner, tmp_path, monkeypatch):
    with app.app_context():
        factories.agency("MDAI", name_kk=MDAI[0], name_ru=MDAI[1], name_en="Old name")
    before = agencies_state(app)
    session = CrashingSession(crash_at=2)
    monkeypatch.setattr(importer, "db", SimpleNamespace(session=session))
    path = write_csv(tmp_path / "agencies.csv", [agency("MDAI", names=MDAI), *TREE[1:], agency("AGCS")])

    result = run_import(runner, path)

    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert session.rows_in_transaction == [2, 3]  # two new agencies had reached the database
    assert agencies_state(app) == before


def test_crash_after_the_final_flush_leaves_the_database_unchanged(app, runner, tmp_path, monkeypatch):
    flushed = []

    class FlushThenCrash(CrashingSession):
        def add(self, obj) -> None:
            db.session.add(obj)

        def flush(self) -> None:
            db.session.flush()
            flushed.append(db.session.scalar(select(func.count()).select_from(Agency)))
            raise RuntimeError("killed before commit")

    monkeypatch.setattr(importer, "db", SimpleNamespace(session=FlushThenCrash(crash_at=0)))

    result = run_import(runner, write_csv(tmp_path / "agencies.csv", TREE))

    assert isinstance(result.exception, RuntimeError)
    assert flushed == [3]
    assert agency_count(app) == 0


# --- service: import_agencies ----------------------------------------------------------------------------

def test_import_agencies_flushes_but_leaves_the_commit_to_the_caller(ctx):
    report = import_agencies(csv_bytes(TREE), dry_run=False, max_bytes=MAX_BYTES)

    assert report.ok and report.created == ["MDAI", "MDAI-IT", "MDAI-IT-DEV"]
    child = db.session.scalar(select(Agency).where(Agency.code == "MDAI-IT-DEV"))
    assert child.parent.code == "MDAI-IT" and child.parent.parent.code == "MDAI"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 0


def test_import_agencies_dry_run_adds_nothing_to_the_session(ctx):
    report = import_agencies(csv_bytes(TREE), dry_run=True, max_bytes=MAX_BYTES)

    assert report.created == ["MDAI", "MDAI-IT", "MDAI-IT-DEV"]
    assert not db.session.new
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 0


def test_import_agencies_with_bad_rows_returns_errors_in_line_order(ctx):
    data = csv_bytes([agency("B", "A"), agency("A", "B"), agency("bad code")])

    report = import_agencies(data, dry_run=False, max_bytes=MAX_BYTES)

    assert [error.line for error in report.errors] == [2, 3, 4]
    assert report.created == [] and not db.session.new


def test_import_agencies_raises_csv_format_error_for_an_unreadable_file(ctx):
    with pytest.raises(CSVFormatError, match="missing columns: code"):
        import_agencies(b"name_en\nMinistry\n", dry_run=False, max_bytes=MAX_BYTES)


def test_import_agencies_reports_progress_for_every_row(ctx):
    seen: list[int] = []

    import_agencies(csv_bytes(TREE), dry_run=True, max_bytes=MAX_BYTES, progress=seen.append)

    assert seen == [1, 2, 3]


def test_file_without_parent_code_column_keeps_agencies_in_place(ctx):
    parent = factories.agency("PARENT")
    factories.agency("CHILD", parent=parent)
    data = csv_bytes([["CHILD", "", "", "Renamed child"]], header=["code", "name_kk", "name_ru", "name_en"])
    report = import_agencies(data, dry_run=False, max_bytes=MAX_BYTES)
    assert report.ok
    assert report.updated == [("CHILD", ["name_en"])]
    child = db.session.scalar(select(Agency).where(Agency.code == "CHILD"))
    assert child.parent.code == "PARENT"


def test_header_with_an_unnamed_column_is_refused_clearly(ctx):
    with pytest.raises(CSVFormatError, match="column 3 has no name"):
        import_agencies(b"code,name_en,\nA,Agency A,\n", dry_run=True, max_bytes=MAX_BYTES)
