"""`lms users import` and lms.accounts.importer.import_users: all-or-nothing, idempotent upsert by email."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import lms.accounts.services as services
from lms.accounts.importer import import_users
from lms.accounts.models import LoginSession, Role, User
from lms.accounts.services import start_session
from lms.agencies.models import Agency
from lms.db import utcnow
from lms.extensions import db
from lms.imports import CSVFormatError
from tests import factories

HEADER = ["email", "full_name", "agency_code", "position", "language", "roles", "active"]
MAX_BYTES = 20 * 1024 * 1024


# --- helpers ---------------------------------------------------------------------------------------

def employee(email: str, full_name: str = "Әлия Нұрғалиқызы Қасымова", agency: str = "MDAI",
             position: str = "", language: str = "", roles: str = "", active: str = "") -> list[str]:
    """One row of an employees file, in HEADER order."""
    return [email, full_name, agency, position, language, roles, active]


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
    return runner.invoke(args=["users", "import", str(path), *options])


def problems(result) -> list[str]:
    """The "line N: ..." messages the command printed."""
    return [line for line in result.stderr.splitlines() if line.startswith("line ")]


def users_state(app) -> dict[str, tuple]:
    """Every user with every imported field, roles and updated_at: equal snapshots mean nothing changed."""
    with app.app_context():
        return {
            user.email: (user.full_name, user.agency.code if user.agency else None, user.position,
                         user.locale, user.is_active, sorted(user.roles), user.updated_at)
            for user in db.session.scalars(select(User).order_by(User.email))
        }


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def get_user(app, email: str) -> User:
    """Load a user in its own app context; the returned object is detached but its columns are loaded."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        _ = user.roles, user.agency  # load relationships before the session closes
        db.session.expunge(user)
        return user


@pytest.fixture
def agencies(app):
    """The agencies MDAI and AGCS; returns {code: id}."""
    with app.app_context():
        return {agency.code: agency.id for agency in (factories.agency("MDAI"), factories.agency("AGCS"))}


# --- CLI: creating and updating ----------------------------------------------------------------------

def test_valid_file_creates_users_and_prints_counts(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [
        employee("aliya@example.kz", position="Бас маман", language="kk"),
        employee("dina@example.kz", "Дина Сергеевна Ким", agency="AGCS", language="ru",
                 roles="learner;author"),
    ])

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "  + user aliya@example.kz" in result.stdout
    assert "  + user dina@example.kz" in result.stdout
    assert "2 created, 0 updated, 0 unchanged (were written)." in result.stdout
    aliya, dina = get_user(app, "aliya@example.kz"), get_user(app, "dina@example.kz")
    assert (aliya.agency.code, aliya.position, aliya.locale, aliya.roles, aliya.is_active) == (
        "MDAI", "Бас маман", "kk", {Role.LEARNER}, True)
    assert (dina.agency.code, dina.locale, dina.roles) == ("AGCS", "ru", {Role.LEARNER, Role.AUTHOR})
    assert aliya.password_hash is None


def test_second_run_creates_and_updates_nothing(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [
        employee("aliya@example.kz", position="Бас маман", language="kk", roles="hr", active="yes"),
        employee("dina@example.kz", "Дина Сергеевна Ким", agency="AGCS"),
    ])
    assert run_import(runner, path).exit_code == 0
    before = users_state(app)

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 2 unchanged (were written)." in result.stdout
    assert "+ user" not in result.stdout and "~ user" not in result.stdout
    assert users_state(app) == before


def test_dry_run_lists_new_users_and_writes_nothing(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [employee("aliya@example.kz"), employee("dina@example.kz")])

    result = run_import(runner, path, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "  + user aliya@example.kz" in result.stdout
    assert "2 created, 0 updated, 0 unchanged (would be written - dry run)." in result.stdout
    assert user_count(app) == 0


def test_dry_run_lists_changed_fields_and_writes_nothing(app, runner, agencies, tmp_path):
    with app.app_context():
        factories.user("aliya@example.kz", full_name="Әлия Нұрғалиқызы Қасымова", position="Маман")
    before = users_state(app)
    path = write_csv(tmp_path / "employees.csv", [employee("aliya@example.kz", position="Бас маман")])

    result = run_import(runner, path, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "  ~ user aliya@example.kz: agency_id, position" in result.stdout
    assert "0 created, 1 updated, 0 unchanged (would be written - dry run)." in result.stdout
    assert users_state(app) == before


def test_changed_field_is_reported_and_written(app, runner, agencies, tmp_path):
    with app.app_context():
        factories.user("aliya@example.kz", full_name="Әлия Нұрғалиқызы Қасымова",
                       agency=db.session.get(Agency, agencies["MDAI"]), position="Маман", locale="kk")
    path = write_csv(tmp_path / "employees.csv", [employee("aliya@example.kz", position="Бас маман")])

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "  ~ user aliya@example.kz: position" in result.stdout
    assert "0 created, 1 updated, 0 unchanged (were written)." in result.stdout
    user = get_user(app, "aliya@example.kz")
    assert (user.position, user.locale) == ("Бас маман", "kk")  # the empty language cell kept the locale


def test_email_is_matched_case_insensitively(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [employee("Aliya.Kasymova@Example.KZ")])
    assert run_import(runner, path).exit_code == 0

    result = run_import(runner, write_csv(tmp_path / "again.csv", [employee("aliya.kasymova@example.kz")]))

    assert "0 created, 0 updated, 1 unchanged" in result.stdout
    assert list(users_state(app)) == ["aliya.kasymova@example.kz"]


def test_kazakh_and_russian_names_survive_the_round_trip(app, runner, agencies, tmp_path):
    names = {"aliya@example.kz": "Әлия Нұрғалиқызы Қасымова", "gabit@example.kz": "Ғабит Өмірұлы Ұлықбек",
             "dina@example.kz": "Дина Сергеевна Ким", "inkar@example.kz": "Іңкәр Үмітқызы Һасенова"}
    position = "Жетекші маман / Ведущий специалист"
    rows = [employee(email, name, position=position) for email, name in names.items()]
    path = write_csv(tmp_path / "employees.csv", rows)

    first = run_import(runner, path)
    second = run_import(runner, path)

    assert first.exit_code == 0, first.output
    stored = users_state(app)
    assert {email: fields[0] for email, fields in stored.items()} == names
    assert {fields[2] for fields in stored.values()} == {position}
    assert "0 created, 0 updated, 4 unchanged" in second.stdout


# --- CLI: roles and deactivation ----------------------------------------------------------------------

def test_empty_roles_cell_keeps_existing_roles(app, runner, agencies, tmp_path):
    with app.app_context():
        factories.user("hr@example.kz", full_name="Ғабит Өмірұлы Ұлықбек", roles={Role.LEARNER, Role.HR},
                       agency=db.session.get(Agency, agencies["MDAI"]))
    path = write_csv(tmp_path / "employees.csv",
                     [employee("hr@example.kz", "Ғабит Өмірұлы Ұлықбек", roles="")])

    result = run_import(runner, path)

    assert "0 created, 0 updated, 1 unchanged" in result.stdout
    assert get_user(app, "hr@example.kz").roles == {Role.LEARNER, Role.HR}


def test_filled_roles_cell_replaces_existing_roles(app, runner, agencies, tmp_path):
    with app.app_context():
        factories.user("hr@example.kz", full_name="Ғабит Өмірұлы Ұлықбек", roles={Role.LEARNER, Role.HR},
                       agency=db.session.get(Agency, agencies["MDAI"]))
    path = write_csv(tmp_path / "employees.csv", [employee("hr@example.kz", "Ғабит Өмірұлы Ұлықбек",
                                                           roles="Author")])

    result = run_import(runner, path)

    assert "  ~ user hr@example.kz: roles" in result.stdout
    assert get_user(app, "hr@example.kz").roles == {Role.AUTHOR}


def test_empty_roles_cell_gives_a_new_user_the_learner_role(app, runner, agencies, tmp_path):
    run_import(runner, write_csv(tmp_path / "employees.csv", [employee("new@example.kz", roles="")]))

    assert get_user(app, "new@example.kz").roles == {Role.LEARNER}


def test_active_no_deactivates_user_and_ends_their_sessions(app, runner, agencies, tmp_path):
    with app.app_context():
        leaving = factories.user("leaving@example.kz", full_name="Әлия Нұрғалиқызы Қасымова",
                                 agency=db.session.get(Agency, agencies["MDAI"]))
        staying = factories.user("staying@example.kz")
        for user in (leaving, leaving, staying):
            start_session(user, now=utcnow(), lifetime=timedelta(hours=1))
        db.session.commit()
        staying_id = staying.id
    path = write_csv(tmp_path / "employees.csv", [employee("leaving@example.kz", active="no")])

    result = run_import(runner, path)

    assert "  ~ user leaving@example.kz: is_active" in result.stdout
    assert get_user(app, "leaving@example.kz").is_active is False
    with app.app_context():
        assert db.session.scalars(select(LoginSession.user_id)).all() == [staying_id]


# --- CLI: bad rows -------------------------------------------------------------------------------------

BAD_ROWS = {
    "unknown agency code": (employee("bad@example.kz", agency="NOPE"), "unknown agency_code 'NOPE'"),
    "invalid email": (employee("not-an-email"), "'not-an-email' is not a valid email address"),
    "duplicate email": (employee("Aliya@Example.kz"), "aliya@example.kz already appears on line 2"),
    "unknown role": (employee("bad@example.kz", roles="learner;boss"), "unknown role(s): boss"),
    "bad language": (employee("bad@example.kz", language="de"), "language must be kk, ru or en, not 'de'"),
    "bad active flag": (employee("bad@example.kz", active="maybe"), "active must be yes or no, not 'maybe'"),
    "empty full name": (employee("bad@example.kz", full_name="  "), "full_name is empty"),
    "long position": (employee("bad@example.kz", position="x" * 201),
                      "position is longer than 200 characters"),
}


@pytest.mark.parametrize("bad_row, reason", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_exits_1_names_its_line_and_writes_nothing(app, runner, agencies, tmp_path, bad_row, reason):
    with app.app_context():
        factories.user("existing@example.kz", position="Маман")
    before = users_state(app)
    path = write_csv(tmp_path / "employees.csv", [
        employee("aliya@example.kz"),  # line 2: valid
        bad_row,  # line 3
        employee("existing@example.kz", position="Бас маман"),  # line 4: a valid update
    ])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert problems(result) == [f"line 3: {reason}"]
    assert "1 problem(s); nothing was written." in result.stderr
    assert users_state(app) == before


def test_every_bad_row_is_reported_in_line_order(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [
        employee("a@example.kz", language="xx"),
        employee("b@example.kz"),
        employee("c@example.kz", agency="NOPE", roles="boss"),
    ])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert problems(result) == ["line 2: language must be kk, ru or en, not 'xx'",
                        "line 4: unknown agency_code 'NOPE'",
                        "line 4: unknown role(s): boss"]
    assert "3 problem(s); nothing was written." in result.stderr


def test_one_bad_row_among_10000_writes_nothing_and_names_its_line(app, runner, agencies, tmp_path):
    rows = [employee(f"user{n:05d}@example.kz", f"Қызметкер {n}") for n in range(10_000)]
    rows[4999] = employee("user04999@example.kz", "Қызметкер 4999", agency="NO-SUCH-AGENCY")  # line 5001
    path = write_csv(tmp_path / "employees.csv", rows)

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "line 5001: unknown agency_code 'NO-SUCH-AGENCY'" in result.stderr
    assert "1 problem(s); nothing was written." in result.stderr
    assert user_count(app) == 0


def test_line_numbers_count_blank_lines_and_name_a_record_by_its_first_line(app, runner, agencies, tmp_path):
    path = tmp_path / "employees.csv"
    path.write_text("email,full_name,agency_code,position\n"
                    "a@example.kz,Әлия,MDAI,\"Бас\nманман\"\n"  # lines 2-3
                    "\n"  # line 4
                    "b@example.kz,Дина,NOPE,\n"  # line 5
                    "c@example.kz,Ғабит,MDAI,\"x\n" + "x" * 200 + "\"\n",  # lines 6-7
                    encoding="utf-8")

    result = run_import(runner, path)

    assert problems(result) == ["line 5: unknown agency_code 'NOPE'",
                                "line 6: position is longer than 200 characters"]


# --- CLI: file format ----------------------------------------------------------------------------------

def test_semicolon_separated_file_is_read(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [
        employee("aliya@example.kz", language="kk", roles="learner;hr"),
        employee("dina@example.kz", "Ким, Дина Сергеевна", agency="AGCS"),
    ], delimiter=";")

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "2 created" in result.stdout
    assert get_user(app, "aliya@example.kz").roles == {Role.LEARNER, Role.HR}
    assert get_user(app, "dina@example.kz").full_name == "Ким, Дина Сергеевна"


def test_utf8_bom_is_read(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [employee("aliya@example.kz")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert get_user(app, "aliya@example.kz").full_name == "Әлия Нұрғалиқызы Қасымова"


def test_windows_line_endings_and_header_case_are_accepted(app, runner, agencies, tmp_path):
    path = tmp_path / "employees.csv"
    path.write_bytes("Email;Full_Name;Agency_Code\r\naliya@example.kz;Әлия Қасымова;MDAI\r\n".encode())

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert get_user(app, "aliya@example.kz").full_name == "Әлия Қасымова"


def test_non_utf8_file_is_refused_with_a_clear_error(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [employee("dina@example.kz", "Дина Сергеевна Ким")],
                     encoding="cp1251")

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.stderr and 'Save it as "CSV UTF-8"' in result.stderr
    assert user_count(app) == 0


def test_missing_required_column_is_refused(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [["aliya@example.kz", "Әлия"]],
                     header=["email", "full_name"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 1: missing columns: agency_code." in result.stderr
    assert user_count(app) == 0


def test_unknown_column_is_refused(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [[*employee("aliya@example.kz"), "500000"]],
                     header=[*HEADER, "salary"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 1: unknown columns: salary." in result.stderr
    assert user_count(app) == 0


def test_row_with_more_cells_than_the_header_is_refused(app, runner, agencies, tmp_path):
    path = write_csv(tmp_path / "employees.csv", [["aliya@example.kz", "Әлия", "MDAI", "extra"]],
                     header=["email", "full_name", "agency_code"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 2: 4 cells, but the header has 3 columns." in result.stderr


def test_empty_file_is_refused(app, runner, tmp_path):
    path = tmp_path / "employees.csv"
    path.write_bytes(b"")

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "The file is empty." in result.stderr


def test_file_over_the_size_limit_is_refused(app, runner, agencies, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMPORT_BYTES", 1024 * 1024)
    path = write_csv(tmp_path / "employees.csv", [employee(f"u{n}@example.kz") for n in range(20_000)])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "larger than 1 MB" in result.stderr
    assert user_count(app) == 0


# --- CLI: one transaction ------------------------------------------------------------------------------

def test_crash_during_the_write_phase_leaves_the_database_unchanged(app, runner, agencies, tmp_path,
                                                                    monkeypatch):
    with app.app_context():
        factories.user("existing@example.kz", position="Маман")
    before = users_state(app)
    real_create = services.new_user
    rows_in_transaction: list[int] = []

    def create_then_crash(*args, **kwargs):
        # Send each row to the database at once (inside the import's transaction), then die on the 3rd.
        user = real_create(*args, **kwargs)
        db.session.flush()
        rows_in_transaction.append(db.session.scalar(select(func.count()).select_from(User)))
        if len(rows_in_transaction) == 3:
            raise RuntimeError("killed mid-import")
        return user

    monkeypatch.setattr(services, "new_user", create_then_crash)
    path = write_csv(tmp_path / "employees.csv", [
        employee("existing@example.kz", position="Бас маман"),  # updated first
        *(employee(f"new{n}@example.kz") for n in range(5)),
    ])

    result = run_import(runner, path)

    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert rows_in_transaction == [2, 3, 4]  # the update and three new users had reached the database
    assert users_state(app) == before


# --- service: import_users ------------------------------------------------------------------------------

def test_import_users_flushes_but_leaves_the_commit_to_the_caller(ctx, agencies):
    report = import_users(csv_bytes([employee("aliya@example.kz")]), dry_run=False, max_bytes=MAX_BYTES)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (["aliya@example.kz"], [], 0)
    assert db.session.scalar(select(User.full_name)) == "Әлия Нұрғалиқызы Қасымова"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_import_users_dry_run_adds_nothing_to_the_session(ctx, agencies):
    report = import_users(csv_bytes([employee("aliya@example.kz")]), dry_run=True, max_bytes=MAX_BYTES)

    assert report.created == ["aliya@example.kz"]
    assert not db.session.new
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_import_users_with_bad_rows_returns_errors_and_adds_nothing(ctx, agencies):
    data = csv_bytes([employee("aliya@example.kz"), employee("dina@example.kz", agency="NOPE")])

    report = import_users(data, dry_run=False, max_bytes=MAX_BYTES)

    assert not report.ok
    assert [(error.line, error.message) for error in report.errors] == [(3, "unknown agency_code 'NOPE'")]
    assert report.created == [] and not db.session.new


def test_import_users_raises_csv_format_error_for_an_unreadable_file(ctx):
    with pytest.raises(CSVFormatError, match="not UTF-8"):
        import_users("email,full_name,agency_code\nа@б.kz,Дина,X\n".encode("cp1251"), dry_run=False,
                     max_bytes=MAX_BYTES)


def test_import_users_refuses_roles_outside_allowed_roles(ctx, agencies):
    data = csv_bytes([employee("aliya@example.kz", roles="learner;admin")])

    report = import_users(data, dry_run=False, max_bytes=MAX_BYTES,
                          allowed_roles=frozenset({Role.LEARNER, Role.HR}))

    assert [(e.line, e.message) for e in report.errors] == [(2, "you may not give the role(s): admin")]


def test_import_users_refuses_agencies_outside_the_scope(ctx, agencies):
    factories.user("moving@example.kz", agency=db.session.get(Agency, agencies["AGCS"]))
    data = csv_bytes([employee("new@example.kz", agency="AGCS"),
                      employee("moving@example.kz", agency="MDAI")])

    report = import_users(data, dry_run=False, max_bytes=MAX_BYTES, scope_agency_ids={agencies["MDAI"]})

    assert [(e.line, e.message) for e in report.errors] == [
        (2, "agency AGCS is outside your scope"),
        (3, "moving@example.kz belongs to an agency outside your scope"),
    ]
    assert not db.session.new and not db.session.dirty


def test_import_users_reports_progress_up_to_the_row_count(ctx, agencies):
    seen: list[int] = []
    rows = [employee(f"user{n}@example.kz") for n in range(250)]

    import_users(csv_bytes(rows), dry_run=True, max_bytes=MAX_BYTES, progress=seen.append)

    assert seen == [100, 200, 250]


def test_import_users_collapses_whitespace_in_names(ctx, agencies):
    import_users(csv_bytes([employee("aliya@example.kz", "  Әлия   Нұрғалиқызы\tҚасымова ")]), dry_run=False,
                 max_bytes=MAX_BYTES)

    assert db.session.scalar(select(User.full_name)) == "Әлия Нұрғалиқызы Қасымова"


def test_formula_like_cells_are_refused_by_row(ctx):
    from lms.accounts.importer import import_users

    factories.agency("MDAI")
    data = b"email,full_name,agency_code,position\na@example.kz,=HYPERLINK(\"x\"),MDAI,Analyst\n"
    report = import_users(data, dry_run=False, max_bytes=10**6)
    assert [(e.line, e.message) for e in report.errors] == [(2, "full_name looks like a spreadsheet formula")]
