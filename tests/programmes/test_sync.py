"""`lms courses sync` brings programmes into the database by their stable key; removed ones are retired."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import Programme
from lms.extensions import db
from tests.programmes.builders import write_programme
from tests.programmes.conftest import sync_all


def test_sync_adds_the_programme_with_its_structure(app, programme_root):
    with app.app_context():
        row = db.session.scalar(select(Programme))
        assert row.key == "basics" and row.has_certificate and row.certificate_valid_months == 24
        assert row.structure["courses"] == ["plain"] and row.structure["groups"][0]["pick"] == 1
        assert row.title["kk"] == "Негіздер"


def test_a_second_sync_changes_nothing(app, programme_root):
    with app.app_context():
        report = sync_all(programme_root)
        assert not report.has_changes


def test_an_edit_changes_the_row_in_place(app, programme_root):
    write_programme(programme_root, courses=("plain", "other"))
    with app.app_context():
        first = db.session.scalar(select(Programme.id))
        report = sync_all(programme_root)
        assert report.changed == ["programme basics"]
        row = db.session.scalar(select(Programme))
        assert row.id == first and row.structure["courses"] == ["plain", "other"]


def test_a_removed_programme_is_retired_not_deleted(app, programme_root):
    (programme_root / "programmes" / "basics.yml").unlink()
    with app.app_context():
        report = sync_all(programme_root)
        assert report.retired == ["programme basics"]
        assert db.session.scalar(select(Programme.is_retired)) is True


def test_the_sync_command_syncs_programmes(app, runner, programme_root):
    write_programme(programme_root, "second", courses=("other",))
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "+ programme second" in result.output


def test_syncing_one_course_folder_leaves_the_programmes_alone(app, runner, programme_root):
    (programme_root / "programmes" / "basics.yml").unlink()
    result = runner.invoke(args=["courses", "sync", str(programme_root / "plain")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Programme.is_retired)) is False
