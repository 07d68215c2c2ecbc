"""Syncing course files into the database: idempotent, stable row ids, retiring instead of deleting."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, inspect, select

from lms.courses import services
from lms.courses.loader import load_courses
from lms.courses.models import Course, Lesson, QuizVersion
from lms.courses.services import sync_courses
from lms.extensions import db
from tests import factories
from tests.courses.builders import replace_in, write_course

T1 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=1)
T3 = T2 + timedelta(days=1)


def sync(root: Path, now: datetime, *, path: Path | None = None, retire_missing: bool = True):
    """Load the courses under `path` (default: the courses root) and sync them like the CLI does; commit."""
    result = load_courses(path or root)
    assert result.errors == [], [str(p) for p in result.errors]
    report = sync_courses(result.courses, root=root, now=now, retire_missing=retire_missing)
    db.session.commit()
    return report


def cli_sync(runner, *paths: Path):
    return runner.invoke(args=["courses", "sync", *map(str, paths)])


@contextmanager
def recorded_writes():
    """Collect the INSERT/UPDATE/DELETE statements sent to the database inside the block."""
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", record)


def course_row(key: str = "test-course") -> Course:
    return db.session.scalar(select(Course).where(Course.key == key))


def lesson_rows(course: Course) -> dict[str, Lesson]:
    return {row.key: row for row in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))}


def retire_intro(course_dir: Path) -> None:
    """Take the first lesson out of the manifest and delete its files (nothing links to it)."""
    replace_in(course_dir / "course.yml", "  - intro\n", "")
    for path in (course_dir / "lessons").glob("intro.*.md"):
        path.unlink()


# --- first and second sync ------------------------------------------------------------------------

def test_first_sync_adds_course_lessons_and_quiz(ctx, courses_root, course_dir):
    report = sync(courses_root, T1)
    assert report.added == ["course test-course", "lesson test-course/intro", "lesson test-course/data-basics",
                            "lesson test-course/wrap-up", "quiz test-course/final"]
    assert report.changed == report.retired == []
    course = course_row()
    assert course.title == {"en": "Test course", "ru": "Тестовый курс"}
    assert course.folder == "test-course"
    assert course.language_list == ["ru", "en"]
    assert course.media == {"media/diagram.svg": {"kind": "generated", "tool": "Diagram Bot", "reviewer": None}}
    assert course.synced_at == T1 and not course.is_retired
    lessons = services.list_live_lessons(course)
    assert [(row.key, row.position) for row in lessons] == [("intro", 1), ("data-basics", 2), ("wrap-up", 3)]
    assert lessons[0].content["ru"]["title"] == "Урок Intro"
    quiz = services.get_current_quiz(course)
    assert quiz.key == "final" and quiz.pass_mark == 70 and quiz.settings["max_attempts"] == 3
    assert [q["id"] for q in quiz.questions] == ["q-single", "q-multiple", "q-true-false", "q-short", "q-number"]
    assert quiz.question_count == 5


def test_first_sync_through_the_cli_adds_everything(app, runner, courses_root, course_dir):
    result = cli_sync(runner)
    assert result.exit_code == 0, result.output
    assert "+ course test-course" in result.output
    assert "+ quiz test-course/final" in result.output
    assert "5 added, 0 changed, 0 retired." in result.output
    with app.app_context():
        course = course_row()
        assert len(lesson_rows(course)) == 3
        assert services.get_current_quiz(course) is not None


def test_second_sync_reports_no_changes_and_writes_nothing(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    with recorded_writes() as writes:
        report = sync(courses_root, T2)
    assert not report.has_changes
    assert writes == []
    course = course_row()
    assert course.synced_at == T1
    assert {row.updated_at for row in lesson_rows(course).values()} == {T1}
    assert len(db.session.scalars(select(QuizVersion)).all()) == 1


def test_second_sync_through_the_cli_says_no_changes(app, runner, courses_root, course_dir):
    assert cli_sync(runner).exit_code == 0
    with app.app_context():
        synced_at = course_row().synced_at
        updated = {key: row.updated_at for key, row in lesson_rows(course_row()).items()}
    result = cli_sync(runner)
    assert result.exit_code == 0, result.output
    assert "1 course(s) up to date; no changes." in result.output
    with app.app_context():
        assert course_row().synced_at == synced_at
        assert {key: row.updated_at for key, row in lesson_rows(course_row()).items()} == updated


# --- lessons --------------------------------------------------------------------------------------

def test_rewording_a_lesson_changes_its_version_and_keeps_its_row(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    before = lesson_rows(course_row())["data-basics"]
    row_id, version = before.id, before.version
    replace_in(course_dir / "lessons" / "data-basics.en.md", "English text of data-basics.", "Reworded text.")
    report = sync(courses_root, T2)
    assert "lesson test-course/data-basics" in report.changed
    after = lesson_rows(course_row())["data-basics"]
    assert after.id == row_id
    assert after.version != version
    assert "Reworded text." in after.content["en"]["body"]
    assert after.updated_at == T2
    assert lesson_rows(course_row())["intro"].updated_at == T1


def test_sync_stores_each_lessons_outline_without_the_bodies(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    intro = lesson_rows(course_row())["intro"]
    assert set(intro.outline) == set(intro.content) == {"en", "ru"}
    for lang, variant in intro.content.items():
        assert intro.outline[lang] == {key: value for key, value in variant.items() if key != "body"}
    assert intro.title_in("ru", "en") == "Урок Intro"


def test_rewording_a_lesson_title_updates_its_outline(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    path = next((course_dir / "lessons").glob("data-basics.en.md"))
    old_title = lesson_rows(course_row())["data-basics"].outline["en"]["title"]
    replace_in(path, old_title, "A new title")
    sync(courses_root, T2)
    row = lesson_rows(course_row())["data-basics"]
    assert row.outline["en"]["title"] == row.content["en"]["title"] == "A new title"


def test_lesson_lists_leave_the_bodies_unloaded(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    db.session.expunge_all()
    lessons = services.list_live_lessons(course_row())
    assert all("content" not in inspect(row).dict for row in lessons)
    assert lessons[0].variant("en", "en")[1]["body"]  # still there when read


def test_reordering_lessons_changes_positions_and_keeps_rows(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    ids = {key: row.id for key, row in lesson_rows(course_row()).items()}
    replace_in(course_dir / "course.yml", "  - intro\n  - data-basics\n  - wrap-up\n",
               "  - wrap-up\n  - intro\n  - data-basics\n")
    sync(courses_root, T2)
    lessons = services.list_live_lessons(course_row())
    assert [(row.key, row.position) for row in lessons] == [("wrap-up", 1), ("intro", 2), ("data-basics", 3)]
    assert {row.key: row.id for row in lessons} == ids


def test_removing_a_lesson_retires_it_and_keeps_the_row(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    row_id = lesson_rows(course_row())["intro"].id
    retire_intro(course_dir)
    report = sync(courses_root, T2)
    assert report.retired == ["lesson test-course/intro"]
    row = lesson_rows(course_row())["intro"]
    assert row.id == row_id and row.is_retired
    assert [row.key for row in services.list_live_lessons(course_row())] == ["data-basics", "wrap-up"]


def test_retired_lesson_is_hidden_from_the_course_page_and_its_url_answers_404(app, runner, login_as, courses_root,
                                                                              course_dir):
    assert cli_sync(runner).exit_code == 0
    with app.app_context():
        factories.user("learner@example.kz")
    client = login_as("learner@example.kz")
    assert client.get("/courses/test-course/lessons/intro").status_code == 200
    retire_intro(course_dir)
    assert cli_sync(runner).exit_code == 0
    page = client.get("/courses/test-course")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/courses/test-course/lessons/intro" not in html and "Intro lesson" not in html
    assert "/courses/test-course/lessons/data-basics" in html
    assert client.get("/courses/test-course/lessons/intro").status_code == 404


def test_readding_a_lesson_unretires_the_same_row(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    row_id = lesson_rows(course_row())["intro"].id
    saved = {path.name: path.read_text(encoding="utf-8") for path in (course_dir / "lessons").glob("intro.*.md")}
    manifest = (course_dir / "course.yml").read_text(encoding="utf-8")
    retire_intro(course_dir)
    sync(courses_root, T2)
    (course_dir / "course.yml").write_text(manifest, encoding="utf-8")
    for name, text in saved.items():
        (course_dir / "lessons" / name).write_text(text, encoding="utf-8")
    report = sync(courses_root, T3)
    assert "lesson test-course/intro" in report.changed
    row = lesson_rows(course_row())["intro"]
    assert row.id == row_id and not row.is_retired and row.position == 1
    assert len(lesson_rows(course_row())) == 3


# --- quiz -----------------------------------------------------------------------------------------

def test_changing_the_quiz_creates_a_new_version_and_keeps_the_old_one(ctx, courses_root, course_dir):
    sync(courses_root, T1)
    old = services.get_current_quiz(course_row())
    old_id, old_questions = old.id, list(old.questions)
    quiz = course_dir / "quiz.yml"
    replace_in(quiz, "pass_mark: 70", "pass_mark: 80")
    replace_in(quiz, "AI content must be labelled.", "AI-generated content must be labelled.")
    report = sync(courses_root, T2)
    assert report.changed == ["course test-course", "quiz test-course/final"]
    versions = {row.id: row for row in db.session.scalars(select(QuizVersion))}
    assert len(versions) == 2
    old = versions[old_id]
    assert not old.is_current and old.pass_mark == 70 and old.questions == old_questions
    current = services.get_current_quiz(course_row())
    assert current.id != old_id and current.pass_mark == 80 and current.created_at == T2
    assert current.questions[2]["text"] == {"en": "AI-generated content must be labelled."}


# --- courses --------------------------------------------------------------------------------------

def test_removing_a_course_folder_retires_the_course(ctx, courses_root, course_dir):
    write_course(courses_root / "other", course_id="other-course")  # one of two: within LMS_SYNC_MAX_RETIRE_SHARE
    sync(courses_root, T1)
    course_id = course_row().id
    shutil.rmtree(course_dir)
    report = sync(courses_root, T2)
    assert report.retired == ["course test-course"]
    course = course_row()
    assert course.id == course_id and course.is_retired
    assert services.get_live_course("test-course") is None
    assert len(lesson_rows(course)) == 3


def test_removing_a_course_folder_retires_the_course_through_the_cli(app, runner, courses_root, course_dir):
    write_course(courses_root / "other", course_id="other-course")
    assert cli_sync(runner).exit_code == 0
    shutil.rmtree(course_dir)
    result = cli_sync(runner)
    assert result.exit_code == 0, result.output
    assert "- course test-course (retired)" in result.output
    with app.app_context():
        assert course_row().is_retired


def test_sync_of_content_with_errors_writes_nothing_and_exits_1(app, runner, courses_root, course_dir):
    assert cli_sync(runner).exit_code == 0
    with app.app_context():
        before = course_row()
        version, synced_at = before.version, before.synced_at
        lesson_version = lesson_rows(before)["intro"].version
    replace_in(course_dir / "lessons" / "intro.en.md", "English text of intro.", "Reworded text.")
    replace_in(course_dir / "quiz.yml", "pass_mark: 70", "pass_mark: 150")
    result = cli_sync(runner)
    assert result.exit_code == 1
    assert "Content has errors; nothing was synced." in result.output
    assert "quiz.yml:2: pass_mark:" in result.output
    with app.app_context():
        after = course_row()
        assert (after.version, after.synced_at) == (version, synced_at)
        assert lesson_rows(after)["intro"].version == lesson_version
        assert "Reworded" not in lesson_rows(after)["intro"].content["en"]["body"]
        assert [q.pass_mark for q in db.session.scalars(select(QuizVersion))] == [70]


def test_syncing_one_course_folder_does_not_retire_the_others(app, runner, courses_root, course_dir):
    other = write_course(courses_root / "other", course_id="other-course")
    assert cli_sync(runner).exit_code == 0
    replace_in(other / "lessons" / "intro.en.md", "English text of intro.", "Reworded text.")
    result = cli_sync(runner, other)
    assert result.exit_code == 0, result.output
    assert "retired" not in result.output.replace("0 retired", "")
    with app.app_context():
        assert not course_row("test-course").is_retired
        assert not course_row("other-course").is_retired
        assert "Reworded text." in lesson_rows(course_row("other-course"))["intro"].content["en"]["body"]


def test_service_sync_of_a_subset_does_not_retire_the_others(ctx, courses_root, course_dir):
    write_course(courses_root / "other", course_id="other-course")
    sync(courses_root, T1)
    report = sync(courses_root, T2, path=courses_root / "other", retire_missing=False)
    assert not report.has_changes
    assert not course_row("test-course").is_retired


def test_sync_refuses_a_folder_outside_the_courses_root(runner, tmp_path, courses_root):
    folder = write_course(tmp_path / "elsewhere" / "c")
    result = cli_sync(runner, folder)
    assert result.exit_code != 0
    assert "is not inside the courses folder" in result.output
