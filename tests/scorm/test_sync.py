"""A sync unpacks each SCORM package once, by content hash, into SCORM_DIR, and records it on its lesson."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lms.courses.loader import load_courses
from lms.courses.models import Lesson
from lms.courses.services import sync_courses
from lms.db import utcnow
from lms.extensions import db
from tests.scorm.packages import scorm_course, write_package


def _sync(root: Path, store: Path):
    result = load_courses(root)
    assert not result.errors, [str(p) for p in result.errors]
    report = sync_courses(result.courses, root=root, now=utcnow(), package_dir=store)
    db.session.commit()
    return report


def test_sync_unpacks_each_package_once_by_its_hash(ctx, tmp_path):
    root, store = tmp_path / "courses", tmp_path / "store"
    scorm_course(root / "scorm-course", lessons={"sco-12": "1.2", "sco-2004": "2004"})
    first = _sync(root, store)
    assert sorted(first.unpacked) == ["scorm-course/scorm/sco-12.zip", "scorm-course/scorm/sco-2004.zip"]
    lessons = {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))}
    sha = lessons["sco-12"].package["sha256"]
    assert (store / sha / "index.html").read_bytes().startswith(b"<!doctype html>")
    assert lessons["sco-12"].package["version"] == "1.2" and lessons["sco-2004"].package["version"] == "2004"
    assert lessons["sco-12"].kind == "scorm"
    again = _sync(root, store)
    assert again.unpacked == [] and not again.has_changes
    assert sorted(p.name for p in store.iterdir()) == sorted(lesson.package["sha256"] for lesson in lessons.values())


def test_a_changed_package_is_a_new_version_beside_the_old_one(ctx, tmp_path):
    root, store = tmp_path / "courses", tmp_path / "store"
    course = scorm_course(root / "scorm-course")
    _sync(root, store)
    old = db.session.scalar(select(Lesson)).package["sha256"]
    old_version = db.session.scalar(select(Lesson)).version
    write_package(course / "scorm" / "sco-12.zip", "1.2", title="Activity, second edition")
    report = _sync(root, store)
    lesson = db.session.scalar(select(Lesson))
    assert report.unpacked == ["scorm-course/scorm/sco-12.zip"]
    assert "lesson scorm-course/sco-12" in report.changed
    assert lesson.package["sha256"] != old and lesson.version != old_version
    assert lesson.package["title"] == "Activity, second edition"
    assert (store / old).is_dir() and (store / lesson.package["sha256"]).is_dir()


def test_an_emptied_store_is_filled_again_by_the_next_sync(ctx, tmp_path):
    root, store = tmp_path / "courses", tmp_path / "store"
    scorm_course(root / "scorm-course")
    _sync(root, store)
    import shutil

    shutil.rmtree(store)
    report = _sync(root, store)
    assert report.unpacked == ["scorm-course/scorm/sco-12.zip"] and not report.has_changes


def test_sync_needs_a_package_folder_for_scorm_lessons(ctx, tmp_path):
    root = tmp_path / "courses"
    scorm_course(root / "scorm-course")
    with pytest.raises(ValueError, match="package_dir"):
        sync_courses(load_courses(root).courses, root=root, now=utcnow())


def test_a_package_changed_after_the_check_is_not_unpacked(ctx, tmp_path):
    from lms.courses.services import ContentChanged

    root, store = tmp_path / "courses", tmp_path / "store"
    course = scorm_course(root / "scorm-course")
    loaded = load_courses(root)
    write_package(course / "scorm" / "sco-12.zip", "1.2", title="Swapped after the check")
    with pytest.raises(ContentChanged):
        sync_courses(loaded.courses, root=root, now=utcnow(), package_dir=store)
    assert not store.exists() or list(store.iterdir()) == []


def test_the_sync_command_unpacks_into_scorm_dir(app, runner, courses_root, tmp_path):
    scorm_course(courses_root / "scorm-course")
    previous = app.config["SCORM_DIR"]
    app.config["SCORM_DIR"] = str(tmp_path / "scorm")
    try:
        result = runner.invoke(args=["courses", "sync"])
    finally:
        app.config["SCORM_DIR"] = previous
    assert result.exit_code == 0, result.output
    assert "unpacked SCORM package scorm-course/scorm/sco-12.zip" in result.output
    assert len(list((tmp_path / "scorm").iterdir())) == 1
