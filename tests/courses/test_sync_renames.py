"""Renaming a lesson file: an id kept in the manifest keeps the lesson (and learners' ticks); a rename without it
is reported by sync with the number of learners affected."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.courses.loader import load_courses
from lms.courses.renames import similarity
from lms.courses.status import read_results
from lms.extensions import db
from lms.learning import services as learning
from tests import factories
from tests.courses.builders import line_of, replace_in
from tests.courses.test_check import assert_error
from tests.courses.test_sync import T1, T2, cli_sync, course_row, lesson_rows, sync


def rename_files(course_dir: Path, old: str, new: str) -> None:
    for path in (course_dir / "lessons").glob(f"{old}.*.md"):
        path.rename(path.with_name(path.name.replace(f"{old}.", f"{new}.", 1)))


def learner(email: str) -> User:
    """The user with this email, created when there is none yet."""
    return db.session.scalar(select(User).where(User.email == email)) or factories.user(email)


def complete(emails: list[str], lesson_key: str = "intro") -> None:
    """Enrol these learners in test-course and mark the lesson complete for each (commits)."""
    course = course_row()
    lesson = lesson_rows(course)[lesson_key]
    for email in emails:
        user = learner(email)
        learning.enroll(user, course, now=T1)
        learning.complete_lesson(user, lesson, now=T1, language="en")
    db.session.commit()


# --- keeping the id: `- {id: old, file: new}` ----------------------------------------------------------------------

def test_renamed_files_with_the_id_kept_in_the_manifest_keep_the_lesson_and_progress(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    complete(["a@example.kz"])
    row_id = lesson_rows(course_row())["intro"].id
    rename_files(course_dir, "intro", "getting-started")
    replace_in(course_dir / "course.yml", "  - intro\n", "  - {id: intro, file: getting-started}\n")
    assert load_courses(courses_root).problems == []
    report = sync(courses_root, T2)
    assert report.added == report.retired == [] and report.renames == []
    rows = lesson_rows(course_row())
    assert set(rows) == {"intro", "data-basics", "wrap-up"}
    assert rows["intro"].id == row_id and not rows["intro"].is_retired
    assert learning.is_lesson_done(learner("a@example.kz"), rows["intro"])


def test_lesson_page_keeps_its_address_after_a_rename_with_the_id_kept(app, runner, login_as, courses_root,
                                                                       course_dir):
    assert cli_sync(runner).exit_code == 0
    rename_files(course_dir, "intro", "getting-started")
    replace_in(course_dir / "course.yml", "  - intro\n", "  - id: intro\n    file: getting-started\n")
    result = cli_sync(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        factories.user("learner@example.kz")
    client = login_as("learner@example.kz")
    assert client.get("/courses/test-course/lessons/intro").status_code == 200
    assert client.get("/courses/test-course/lessons/getting-started").status_code == 404


def test_id_kept_but_its_files_missing_is_reported(runner, courses_root, course_dir):
    manifest = course_dir / "course.yml"
    replace_in(manifest, "  - intro\n", "  - {id: intro, file: getting-started}\n")
    assert_error(runner, courses_root, manifest, line_of(manifest, "file: getting-started"),
                 "lesson 'intro' has no file lessons/getting-started.en.md")


def test_the_same_files_listed_for_two_lessons_are_reported(runner, courses_root, course_dir):
    manifest = course_dir / "course.yml"
    replace_in(manifest, "  - wrap-up\n", "  - wrap-up\n  - {id: finale, file: wrap-up}\n")
    assert_error(runner, courses_root, manifest, line_of(manifest, "id: finale"),
                 "lesson files lessons/wrap-up.*.md are listed twice")


def test_a_lesson_entry_without_its_file_key_is_reported(runner, courses_root, course_dir):
    manifest = course_dir / "course.yml"
    replace_in(manifest, "  - intro\n", "  - {id: intro}\n")
    assert_error(runner, courses_root, manifest, line_of(manifest, "{id: intro}"), "file: missing key")


def test_link_by_the_new_file_name_of_a_lesson_that_kept_its_id_is_reported(runner, courses_root, course_dir):
    rename_files(course_dir, "data-basics", "data")
    replace_in(course_dir / "course.yml", "  - data-basics\n", "  - {id: data-basics, file: data}\n")
    lesson = course_dir / "lessons" / "intro.en.md"
    replace_in(lesson, "(data-basics.md)", "(data.md)")
    assert_error(runner, courses_root, lesson, line_of(lesson, "(data.md)"),
                 "link to data.md: lesson links use the lesson id, data-basics.md")


# --- a rename without the id: sync warns -------------------------------------------------------------------------

def rename_intro(course_dir: Path, new: str = "getting-started") -> None:
    rename_files(course_dir, "intro", new)
    replace_in(course_dir / "course.yml", "  - intro\n", f"  - {new}\n")


def test_sync_reports_a_renamed_lesson_file_with_the_learners_affected(app, runner, courses_root, course_dir):
    assert cli_sync(runner).exit_code == 0
    with app.app_context():
        complete(["a@example.kz", "b@example.kz"])
        complete(["a@example.kz"], "data-basics")
    rename_intro(course_dir)
    result = cli_sync(runner)
    assert result.exit_code == 0, result.output
    warning = ("warning: lesson test-course/getting-started looks like test-course/intro renamed (100% the same "
               "text), and intro was retired: 2 learners who completed intro do not see getting-started as done; "
               "to keep the lesson's id (and their progress), list it in course.yml as "
               "`- {id: intro, file: getting-started}` and sync again")
    assert warning in result.output
    assert warning in read_results(app.instance_path)["sync"]["problems"]
    # Following the advice brings the lesson (and the ticks) back.
    replace_in(course_dir / "course.yml", "  - getting-started\n", "  - {id: intro, file: getting-started}\n")
    again = cli_sync(runner)
    assert again.exit_code == 0, again.output
    assert "- lesson test-course/getting-started (retired)" in again.output
    with app.app_context():
        rows = lesson_rows(course_row())
        assert not rows["intro"].is_retired and rows["getting-started"].is_retired


def test_a_renamed_and_slightly_edited_lesson_is_reported(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    complete(["a@example.kz"])
    rename_intro(course_dir, "start")
    replace_in(course_dir / "lessons" / "start.en.md", "## Main idea", "## The main idea")
    report = sync(courses_root, T2)
    [rename] = report.renames
    assert (rename.old_key, rename.new_key, rename.new_file) == ("intro", "start", "start")
    assert 0.8 <= rename.similarity < 1
    assert rename.old_lesson_id == lesson_rows(course_row())["intro"].id


def test_a_removed_lesson_and_an_unrelated_new_one_are_not_a_rename(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    rename_intro(course_dir, "budgets")
    for path in (course_dir / "lessons").glob("budgets.*.md"):
        path.write_text("---\ntitle: Budgets\n---\n\nA lesson about public budgets and how AI projects are paid "
                        "for.\n\n![Diagram of the lifecycle](../media/diagram.svg)\n", encoding="utf-8")
    report = sync(courses_root, T2)
    assert report.added == ["lesson test-course/budgets"] and report.retired == ["lesson test-course/intro"]
    assert report.renames == []


def test_a_lesson_brought_back_under_its_old_id_reports_the_one_retired_for_it(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    rename_intro(course_dir)
    sync(courses_root, T2)
    replace_in(course_dir / "course.yml", "  - getting-started\n", "  - {id: intro, file: getting-started}\n")
    [rename] = sync(courses_root, T2).renames
    assert (rename.old_key, rename.new_key, rename.new_file) == ("getting-started", "intro", "getting-started")
    assert "list it in course.yml" not in rename.message(0)  # it already keeps an id


@pytest.mark.parametrize("old, new, expected", [
    ({"en": {"body": "One.\nTwo.\n"}}, {"en": {"body": "One.\nTwo.\n"}}, 1.0),
    ({"en": {"body": "One.\nTwo.\n"}}, {"ru": {"body": "One.\nTwo.\n"}}, 0.0),
    ({"en": {"body": "Same line here.\nOld line.\n"}}, {"en": {"body": "Same line here.\nNew one.\n"}}, 30 / 47),
    ({"en": {"body": ""}}, {"en": {"body": ""}}, 0.0),
])
def test_similarity_of_stored_lessons(old, new, expected):
    assert similarity(old, new) == pytest.approx(expected)


def test_autosync_in_debug_logs_a_likely_rename(make_app, courses_root, course_dir, caplog):
    debug_app = make_app(DEBUG=True, COURSES_DIR=str(courses_root))
    client = debug_app.test_client()
    client.get("/login")  # the first request syncs the course
    rename_intro(course_dir)
    time.sleep(1.1)  # autosync looks at the files at most once a second
    with caplog.at_level(logging.WARNING, logger="lms.courses"):
        client.get("/login")
    assert any("getting-started looks like test-course/intro renamed" in r.getMessage() for r in caplog.records), \
        caplog.text
