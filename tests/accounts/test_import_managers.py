"""The employees import's employee_id and manager_email columns: managers from the platform or the same file, in
any order; an unknown manager or a cycle is a row error and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.importer import import_users
from lms.accounts.managers import set_manager
from lms.accounts.models import Role, User
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.accounts.test_import import csv_bytes, run_import, write_csv

HEADER = ["email", "full_name", "agency_code", "employee_id", "manager_email"]
MAX = 1024 * 1024


def _import(rows, *, dry_run=False, **options):
    return import_users(csv_bytes(rows, header=HEADER), dry_run=dry_run, max_bytes=MAX, now=utcnow(), **options)


def _manager_of(email: str) -> str | None:
    user = db.session.scalar(select(User).where(User.email == email))
    return user.manager.email if user.manager else None


@pytest.fixture
def agencies(ctx):
    return {"MDAI": factories.agency("MDAI"), "OTHER": factories.agency("OTHER")}


def test_managers_named_later_in_the_file_are_found_whatever_the_order(agencies):
    report = _import([["staff@gov.kz", "Staff", "MDAI", "E3", "mid@gov.kz"],
                      ["mid@gov.kz", "Mid", "MDAI", "E2", "boss@gov.kz"],
                      ["boss@gov.kz", "Boss", "MDAI", "E1", ""]])
    db.session.commit()

    assert report.ok and len(report.created) == 3
    assert (_manager_of("staff@gov.kz"), _manager_of("mid@gov.kz"), _manager_of("boss@gov.kz")) == (
        "mid@gov.kz", "boss@gov.kz", None)
    assert db.session.scalar(select(User.employee_id).where(User.email == "mid@gov.kz")) == "E2"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.manager_changed")).all()
    assert len(entries) == 2


def test_a_manager_already_on_the_platform_is_found_and_a_second_import_changes_nothing(agencies):
    factories.user("boss@gov.kz", agency=agencies["MDAI"])
    rows = [["staff@gov.kz", "Staff", "MDAI", "", "BOSS@gov.kz"]]
    assert _import(rows).ok
    db.session.commit()
    assert _manager_of("staff@gov.kz") == "boss@gov.kz"

    again = _import(rows)
    assert (again.created, again.updated, again.unchanged) == ([], [], 1)


def test_a_changed_manager_is_listed_as_an_update(agencies):
    factories.user("boss@gov.kz", agency=agencies["MDAI"])
    factories.user("other@gov.kz", agency=agencies["MDAI"])
    assert _import([["staff@gov.kz", "Staff", "MDAI", "", "boss@gov.kz"]]).ok
    db.session.commit()

    report = _import([["staff@gov.kz", "Staff", "MDAI", "", "other@gov.kz"]], dry_run=True)
    assert report.updated == [("staff@gov.kz", ["manager"])]
    db.session.rollback()
    assert _manager_of("staff@gov.kz") == "boss@gov.kz"  # a dry run writes nothing


def test_an_unknown_manager_is_a_row_error_and_nothing_is_written(agencies):
    report = _import([["boss@gov.kz", "Boss", "MDAI", "", ""],
                      ["staff@gov.kz", "Staff", "MDAI", "", "nobody@gov.kz"]])
    assert [(e.line, "nobody@gov.kz" in e.message) for e in report.errors] == [(3, True)]
    assert db.session.scalar(select(User).where(User.email == "boss@gov.kz")) is None


def test_a_cycle_within_the_file_is_a_row_error_on_each_of_its_rows(agencies):
    report = _import([["a@gov.kz", "A", "MDAI", "", "b@gov.kz"],
                      ["b@gov.kz", "B", "MDAI", "", "c@gov.kz"],
                      ["c@gov.kz", "C", "MDAI", "", "a@gov.kz"],
                      ["d@gov.kz", "D", "MDAI", "", "a@gov.kz"]])
    assert sorted(e.line for e in report.errors) == [2, 3, 4]
    assert all("cycle" in e.message for e in report.errors)
    assert db.session.scalar(select(User).where(User.email == "d@gov.kz")) is None


def test_a_cycle_through_a_stored_manager_is_refused(agencies):
    boss = factories.user("boss@gov.kz", agency=agencies["MDAI"])
    mid = factories.user("mid@gov.kz", agency=agencies["MDAI"])
    set_manager(mid, boss, actor=None, now=utcnow())
    db.session.commit()

    report = _import([["boss@gov.kz", "Boss", "MDAI", "", "mid@gov.kz"]])
    assert [e.line for e in report.errors] == [2]
    db.session.rollback()
    assert _manager_of("boss@gov.kz") is None


def test_being_ones_own_manager_is_a_row_error(agencies):
    report = _import([["a@gov.kz", "A", "MDAI", "", "a@gov.kz"]])
    assert [e.message for e in report.errors] == ["a@gov.kz cannot be their own manager"]


def test_employee_ids_must_be_unique_in_the_file_and_on_the_platform(agencies):
    factories.user("held@gov.kz", agency=agencies["MDAI"], employee_id="E1")
    report = _import([["a@gov.kz", "A", "MDAI", "E1", ""],
                      ["b@gov.kz", "B", "MDAI", "E2", ""],
                      ["c@gov.kz", "C", "MDAI", "E2", ""]])
    assert sorted((e.line, e.message) for e in report.errors) == [
        (2, "employee_id E1 already belongs to another person"), (4, "employee_id E2 already appears on line 3")]


def test_an_hr_officer_may_not_name_a_manager_outside_their_agencies(agencies):
    hr = factories.user("hr@gov.kz", roles={Role.HR}, agency=agencies["MDAI"])
    factories.user("far@gov.kz", agency=agencies["OTHER"])
    report = _import([["staff@gov.kz", "Staff", "MDAI", "", "far@gov.kz"]], actor=hr,
                     allowed_roles=frozenset({Role.LEARNER}), scope_agency_ids={agencies["MDAI"].id})
    assert [e.line for e in report.errors] == [2]


def test_the_command_imports_managers_too(app, runner, tmp_path):
    with app.app_context():
        factories.agency("MDAI")
    path = write_csv(tmp_path / "people.csv", [["staff@gov.kz", "Staff", "MDAI", "E9", "boss@gov.kz"],
                                               ["boss@gov.kz", "Boss", "MDAI", "E8", ""]], header=HEADER)
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _manager_of("staff@gov.kz") == "boss@gov.kz"

    cycle = write_csv(tmp_path / "cycle.csv", [["boss@gov.kz", "Boss", "MDAI", "E8", "staff@gov.kz"]],
                      header=HEADER)
    refused = run_import(runner, cycle)
    assert refused.exit_code != 0 and "cycle" in refused.output
    with app.app_context():
        assert _manager_of("boss@gov.kz") is None
