"""A sync that would retire most live courses at once (an empty or wrong courses folder) changes nothing."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import config
from lms.courses.loader import load_courses
from lms.courses.models import Course
from lms.courses.services import TooManyRetirements, sync_courses
from lms.courses.status import read_results
from lms.extensions import db
from tests.courses.builders import write_course
from tests.courses.test_sync import T1, T2, cli_sync, recorded_writes, sync

COURSE_IDS = ("course-a", "course-b", "course-c", "course-d")


@pytest.fixture
def four_courses(courses_root) -> list[Path]:
    """Four course folders under the courses root (not yet synced)."""
    return [write_course(courses_root / key, course_id=key) for key in COURSE_IDS]


def live_keys() -> list[str]:
    return sorted(db.session.scalars(select(Course.key).where(Course.is_retired.is_(False))))


def test_service_refuses_to_retire_more_than_the_share_and_writes_nothing(ctx, courses_root, four_courses):
    sync(courses_root, T1)
    for folder in four_courses[1:]:
        shutil.rmtree(folder)
    with recorded_writes() as writes, pytest.raises(TooManyRetirements) as refused:
        sync_courses(load_courses(courses_root).courses, root=courses_root, now=T2, max_retire_share=0.5)
    assert writes == []
    assert refused.value.course_keys == ["course-b", "course-c", "course-d"]
    assert "refusing to retire 3 of 4 live courses in one sync (more than 50%): course-b, course-c, course-d" \
        in str(refused.value)
    db.session.rollback()
    assert live_keys() == list(COURSE_IDS)


def test_service_retires_up_to_the_share(ctx, courses_root, four_courses):
    sync(courses_root, T1)
    for folder in four_courses[2:]:
        shutil.rmtree(folder)
    report = sync_courses(load_courses(courses_root).courses, root=courses_root, now=T2, max_retire_share=0.5)
    assert report.retired == ["course course-c", "course course-d"]


def test_service_without_a_limit_retires_everything_that_is_gone(ctx, courses_root, four_courses):
    sync(courses_root, T1)
    for folder in four_courses:
        shutil.rmtree(folder)
    report = sync_courses([], root=courses_root, now=T2, max_retire_share=None)
    assert len(report.retired) == 4
    assert live_keys() == []


def test_service_limit_is_on_by_default(ctx, courses_root, four_courses):
    sync(courses_root, T1)
    with pytest.raises(TooManyRetirements):
        sync_courses([], root=courses_root, now=T2)


def test_cli_sync_of_an_empty_folder_retires_nothing_names_the_courses_and_exits_1(app, runner, courses_root,
                                                                                 four_courses):
    assert cli_sync(runner).exit_code == 0
    for folder in four_courses:
        shutil.rmtree(folder)
    result = cli_sync(runner)
    assert result.exit_code == 1, result.output
    assert "Nothing was synced: refusing to retire 4 of 4 live courses in one sync (more than 50%): " \
           "course-a, course-b, course-c, course-d." in result.output
    assert "lms courses sync --allow-retire" in result.output
    assert "(retired)" not in result.output
    with app.app_context():
        assert live_keys() == list(COURSE_IDS)
    status = read_results(app.instance_path)["sync"]
    assert not status["ok"] and "refusing to retire 4 of 4" in status["summary"]


def test_cli_sync_of_a_wrong_folder_adds_nothing_either(app, runner, courses_root, four_courses, tmp_path):
    assert cli_sync(runner).exit_code == 0
    wrong = tmp_path / "elsewhere"
    write_course(wrong / "stray", course_id="stray-course")
    app.config["COURSES_DIR"] = str(wrong)  # the courses_root fixture restores it
    result = cli_sync(runner)
    assert result.exit_code == 1, result.output
    with app.app_context():
        assert live_keys() == list(COURSE_IDS)
        assert db.session.scalar(select(Course).where(Course.key == "stray-course")) is None


def test_cli_sync_with_allow_retire_retires_them(app, runner, courses_root, four_courses):
    assert cli_sync(runner).exit_code == 0
    for folder in four_courses:
        shutil.rmtree(folder)
    result = runner.invoke(args=["courses", "sync", "--allow-retire"])
    assert result.exit_code == 0, result.output
    assert "- course course-a (retired)" in result.output
    assert "0 added, 0 changed, 4 retired." in result.output
    with app.app_context():
        assert live_keys() == []


def test_cli_sync_follows_the_configured_share(app, runner, courses_root, four_courses):
    assert cli_sync(runner).exit_code == 0
    shutil.rmtree(four_courses[0])
    previous = app.config["SYNC_MAX_RETIRE_SHARE"]
    app.config["SYNC_MAX_RETIRE_SHARE"] = 0.2
    try:
        refused = cli_sync(runner)
        app.config["SYNC_MAX_RETIRE_SHARE"] = 1
        allowed = cli_sync(runner)
    finally:
        app.config["SYNC_MAX_RETIRE_SHARE"] = previous
    assert refused.exit_code == 1 and "refusing to retire 1 of 4 live courses in one sync (more than 20%): course-a" \
        in refused.output
    assert allowed.exit_code == 0 and "- course course-a (retired)" in allowed.output


def test_autosync_in_debug_does_not_retire_the_courses_of_an_emptied_folder(make_app, courses_root, four_courses,
                                                                             caplog):
    debug_app = make_app(DEBUG=True, COURSES_DIR=str(courses_root))
    client = debug_app.test_client()
    client.get("/login")  # the first request syncs the four courses
    with debug_app.app_context():
        assert live_keys() == list(COURSE_IDS)
    for folder in four_courses:
        shutil.rmtree(folder)
    with caplog.at_level(logging.WARNING, logger="lms.courses"):
        time.sleep(1.1)  # autosync looks at the files at most once a second
        assert client.get("/login").status_code == 200
    with debug_app.app_context():
        assert live_keys() == list(COURSE_IDS)
    assert any("refusing to retire 4 of 4 live courses" in r.getMessage() for r in caplog.records), caplog.text


@pytest.mark.parametrize("raw", ["half", "1.5", "-0.1"])
def test_malformed_max_retire_share_is_refused(tmp_path, raw):
    with pytest.raises(config.ConfigError, match="LMS_SYNC_MAX_RETIRE_SHARE"):
        config.validate(config.flask_settings(config.load(tmp_path, environ={"LMS_SYNC_MAX_RETIRE_SHARE": raw}),
                                              tmp_path))


def test_max_retire_share_is_read_from_the_environment(tmp_path):
    assert config.load(tmp_path, environ={})["SYNC_MAX_RETIRE_SHARE"] == 0.5
    assert config.load(tmp_path, environ={"LMS_SYNC_MAX_RETIRE_SHARE": "0.25"})["SYNC_MAX_RETIRE_SHARE"] == 0.25
