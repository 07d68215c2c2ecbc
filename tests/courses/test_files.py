"""Course files never lead out of the course folder, and media are served only as the last successful sync recorded
them: links refused by check and sync, files added or changed on disk after a sync never served, unreferenced
media warned about and not served.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, event, func, select

from lms.courses import folder as course_folder
from lms.courses.loader import load_courses
from lms.courses.models import Course, CourseFile, FileBlob
from lms.courses.problems import Collector
from lms.courses.services import ContentChanged, sync_courses
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.courses.builders import SVG, line_of, replace_in, write_course
from tests.courses.test_check import assert_error, check

EMAIL = "learner@example.kz"
DIAGRAM = "/courses/test-course/files/media/diagram.svg"
#: The smallest valid PNG signature and header, enough for the content check.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


@pytest.fixture
def database_file(tmp_path) -> Path:
    """A real SQLite database with a password hash in it, at tmp/instance/lms.sqlite3 (beside tmp/courses)."""
    path = tmp_path / "instance" / "lms.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (email TEXT, password_hash TEXT)")
        conn.execute("INSERT INTO users VALUES ('admin@example.kz', '$argon2id$v=19$secret-hash')")
    conn.close()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    return path


@pytest.fixture
def synced(runner, courses_root, course_dir):
    """The builder's course, synced through the CLI."""
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    return course_dir


@pytest.fixture
def user_client(app, login_as):
    with app.app_context():
        factories.user(EMAIL)
    return login_as(EMAIL)


def get(client, url: str, **kwargs):
    with client.get(url, **kwargs) as response:
        response.body = response.get_data()
        return response


def sync_cli(runner):
    return runner.invoke(args=["courses", "sync"])


def list_media(course: Path, relative: str) -> None:
    """Add `relative` to the manifest's media list."""
    replace_in(course / "course.yml", "media:\n", f"media:\n  - file: {relative}\n")


# --- check: links and special files, in every part of a course -----------------------------------

def test_symlink_from_media_to_the_sqlite_database_is_refused_even_when_unused(runner, courses_root, course_dir,
                                                                               database_file):
    link = course_dir / "media" / "db.pdf"
    link.symlink_to("../../../instance/lms.sqlite3")
    assert link.resolve() == database_file.resolve()
    assert_error(runner, courses_root, link, 1, "media/db.pdf is a symbolic link")


def test_symlink_from_media_listed_in_the_manifest_is_refused_once_at_the_link(runner, courses_root, course_dir,
                                                                              database_file):
    link = course_dir / "media" / "db.pdf"
    link.symlink_to(database_file)
    list_media(course_dir, "media/db.pdf")
    assert_error(runner, courses_root, link, 1, "is a symbolic link")
    assert [p.path for p in load_courses(courses_root).errors] == [link]  # no "does not exist" besides it


def test_symlink_to_etc_passwd_used_by_a_lesson_is_refused(runner, courses_root, course_dir):
    link = course_dir / "media" / "users.pdf"
    link.symlink_to("/etc/passwd")
    lesson = course_dir / "lessons" / "wrap-up.en.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n[Users](../media/users.pdf)\n", encoding="utf-8")
    assert_error(runner, courses_root, link, 1, "is a symbolic link (to /etc/passwd)")


def test_hard_link_to_a_file_outside_the_course_is_refused_even_when_unused(runner, tmp_path, courses_root, course_dir):
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4 not for learners")
    link = course_dir / "media" / "secret.pdf"
    os.link(outside, link)
    assert_error(runner, courses_root, link, 1, "media/secret.pdf is a hard link (2 names for one file)")


def test_symlink_pointing_inside_the_course_is_refused_too(runner, courses_root, course_dir):
    link = course_dir / "media" / "copy.svg"
    link.symlink_to("diagram.svg")
    assert_error(runner, courses_root, link, 1, "is a symbolic link")


@pytest.mark.parametrize("relative", ["lessons/intro.en.md", "lessons/wrap-up.ru.md", "quiz.yml", "course.yml"])
def test_symlinked_lesson_quiz_or_manifest_is_refused(runner, tmp_path, courses_root, course_dir, relative):
    outside = tmp_path / "outside" / Path(relative).name
    outside.parent.mkdir()
    target = course_dir / relative
    outside.write_bytes(target.read_bytes())  # the very same content, moved out and linked back
    target.unlink()
    target.symlink_to(outside)
    assert_error(runner, courses_root, target, 1, f"{relative} is a symbolic link")
    assert load_courses(courses_root).courses == []


@pytest.mark.parametrize("relative", ["media", "lessons", "notes"])
def test_symlinked_folder_in_a_course_is_refused(runner, tmp_path, courses_root, course_dir, relative):
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    link = course_dir / relative
    if link.exists():
        for path in link.iterdir():
            path.rename(outside / path.name)
        link.rmdir()
    link.symlink_to(outside, target_is_directory=True)
    assert_error(runner, courses_root, link, 1, f"{relative} is a symbolic link")


def test_symlinked_course_folder_is_refused(runner, tmp_path, courses_root):
    elsewhere = write_course(tmp_path / "elsewhere" / "other", course_id="other")
    link = courses_root / "other"
    link.symlink_to(elsewhere, target_is_directory=True)
    write_course(courses_root / "test-course")
    assert_error(runner, courses_root, link, 1, "other is a symbolic link to a folder")
    assert [course.id for course in load_courses(courses_root).courses] == ["test-course"]


def test_pipe_in_a_course_folder_is_refused_without_reading_it(runner, courses_root, course_dir):
    pipe = course_dir / "media" / "feed.svg"
    os.mkfifo(pipe)
    list_media(course_dir, "media/feed.svg")
    assert_error(runner, courses_root, pipe, 1, "is not a regular file")


def test_hard_link_to_the_database_listed_in_the_manifest_is_refused_once_at_the_link(runner, courses_root,
                                                                                      course_dir, database_file):
    target = course_dir / "media" / "db.pdf"
    os.link(database_file, target)
    list_media(course_dir, "media/db.pdf")
    assert_error(runner, courses_root, target, 1, "db.pdf is a hard link")
    assert [p.path for p in load_courses(courses_root).errors] == [target]  # neither "not a PDF" nor "missing"


@pytest.mark.parametrize(("name", "kind"), [("photo.png", "PNG"), ("photo.jpg", "JPEG"), ("anim.gif", "GIF"),
                                            ("photo.webp", "WebP")])
def test_media_whose_bytes_do_not_match_its_suffix_is_refused(runner, courses_root, course_dir, name, kind):
    (course_dir / "media" / name).write_text("root:x:0:0:root:/root:/bin/bash\n")
    list_media(course_dir, f"media/{name}")
    assert_error(runner, courses_root, course_dir / "media" / name, 1, f"{name} is not a {kind} file")


def test_unreferenced_media_is_a_warning(runner, courses_root, course_dir):
    unused = course_dir / "media" / "unused.png"
    unused.write_bytes(PNG)
    (course_dir / "media" / ".gitkeep").write_text("")
    result = load_courses(courses_root)
    assert result.errors == []
    [warning] = result.warnings
    assert (warning.path, warning.line) == (unused, 1)
    assert "neither listed in course.yml nor used by a lesson, so it is not served" in warning.message
    assert [f.path for f in result.courses[0].files] == ["media/diagram.svg"]
    cli = check(runner, courses_root)
    assert cli.exit_code == 0, cli.output
    assert "media/unused.png:1: warning: media/unused.png is neither listed" in cli.output
    assert check(runner, courses_root, "--strict").exit_code == 1


def test_media_linked_from_a_lesson_counts_as_used(courses_root, course_dir):
    (course_dir / "media" / "handout.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    lesson = course_dir / "lessons" / "wrap-up.en.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n[The handout](../media/handout.pdf)\n",
                      encoding="utf-8")
    result = load_courses(courses_root)
    assert result.problems == []
    files = {f.path: f for f in result.courses[0].files}
    assert files["media/handout.pdf"].content_type == "application/pdf"
    assert files["media/handout.pdf"].sha256 == hashlib.sha256(b"%PDF-1.7\n%%EOF\n").hexdigest()
    assert files["media/diagram.svg"].content_type == "image/svg+xml"


def test_a_file_swapped_for_a_link_after_the_scan_is_not_read(course_dir, database_file):
    found = course_folder.CourseFolder.scan(course_dir, Collector([]))
    entry = found.get("quiz.yml")
    (course_dir / "quiz.yml").unlink()
    (course_dir / "quiz.yml").symlink_to(database_file)
    with pytest.raises(course_folder.FileChanged):
        course_folder.read_bytes(entry, limit=10**6)
    problems = []
    assert found.read_text(entry, Collector(problems)) is None
    assert [p.path for p in problems] == [course_dir / "quiz.yml"]


def test_a_file_replaced_after_the_scan_is_not_read(course_dir):
    found = course_folder.CourseFolder.scan(course_dir, Collector([]))
    entry = found.get("media/diagram.svg")
    replacement = course_dir / "media" / "new.svg"
    replacement.write_text(SVG.replace("Lifecycle", "Replaced"))
    replacement.replace(course_dir / "media" / "diagram.svg")  # same name, another file
    with pytest.raises(course_folder.FileChanged):
        course_folder.read_bytes(entry, limit=10**6)


def test_course_version_is_the_hash_of_every_file(courses_root, course_dir):
    # Names and bytes of every regular file, hidden names skipped: the same value folder_digest gave before.
    expected = hashlib.sha256()
    for path in sorted(p for p in course_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        expected.update(path.relative_to(course_dir).as_posix().encode() + b"\0")
        expected.update(hashlib.sha256(path.read_bytes()).digest())
    [course] = load_courses(courses_root).courses
    assert course.version == expected.hexdigest()


# --- sync -------------------------------------------------------------------------------------------

def test_sync_refuses_a_course_with_a_symlink_to_the_database_and_writes_nothing(app, runner, courses_root,
                                                                               course_dir, database_file):
    (course_dir / "media" / "db.pdf").symlink_to("../../../instance/lms.sqlite3")
    result = sync_cli(runner)
    assert result.exit_code == 1
    assert "media/db.pdf is a symbolic link" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0
        assert db.session.scalar(select(func.count()).select_from(FileBlob)) == 0


def test_sync_records_each_served_file_with_its_hash(app, runner, courses_root, course_dir):
    result = sync_cli(runner)
    assert result.exit_code == 0, result.output
    assert "+ file test-course/media/diagram.svg" in result.output
    with app.app_context():
        [row] = db.session.scalars(select(CourseFile)).all()
        data = (course_dir / "media" / "diagram.svg").read_bytes()
        assert (row.path, row.sha256, row.size, row.content_type) == (
            "media/diagram.svg", hashlib.sha256(data).hexdigest(), len(data), "image/svg+xml")
        assert db.session.get(FileBlob, row.sha256).data == data


def test_sync_refuses_a_file_changed_between_check_and_sync(ctx, courses_root, course_dir):
    result = load_courses(courses_root)
    assert result.errors == []
    (course_dir / "media" / "diagram.svg").write_text(SVG.replace("<rect", "<script>alert(1)</script><rect"))
    with pytest.raises(ContentChanged, match="changed after it was checked"):
        sync_courses(result.courses, root=courses_root, now=utcnow())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FileBlob)) == 0


def test_identical_media_of_two_courses_are_stored_once(app, runner, courses_root):
    write_course(courses_root / "alpha", course_id="alpha")
    write_course(courses_root / "beta", course_id="beta")
    assert sync_cli(runner).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CourseFile)) == 2
        assert db.session.scalar(select(func.count()).select_from(FileBlob)) == 1


def test_a_sync_records_the_files_of_a_course_synced_before_files_were_recorded(app, runner, synced):
    # A database upgraded to this version has courses but no recorded files: the next sync records them.
    with app.app_context():
        db.session.execute(delete(CourseFile))
        db.session.execute(delete(FileBlob))
        db.session.commit()
    result = sync_cli(runner)
    assert result.exit_code == 0, result.output
    assert "+ file test-course/media/diagram.svg" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CourseFile)) == 1


# --- serving: only the recorded copy ----------------------------------------------------------------

def test_media_is_served_from_the_recorded_copy_not_the_working_tree(synced, user_client):
    recorded = (synced / "media" / "diagram.svg").read_bytes()
    (synced / "media" / "diagram.svg").write_text(SVG.replace("Lifecycle", "Edited on disk"))
    assert get(user_client, DIAGRAM).body == recorded
    (synced / "media" / "diagram.svg").unlink()
    response = get(user_client, DIAGRAM)
    assert response.status_code == 200 and response.body == recorded


def test_a_symlink_swapped_in_after_sync_is_never_served_and_the_next_sync_refuses(runner, synced, user_client,
                                                                                 database_file):
    recorded = (synced / "media" / "diagram.svg").read_bytes()
    (synced / "media" / "diagram.svg").unlink()
    (synced / "media" / "diagram.svg").symlink_to("../../../instance/lms.sqlite3")
    response = get(user_client, DIAGRAM)
    assert response.body == recorded and b"SQLite format 3" not in response.body
    result = sync_cli(runner)
    assert result.exit_code == 1, result.output
    response = get(user_client, DIAGRAM)
    assert response.body == recorded


@pytest.mark.parametrize(("name", "target"), [("db.pdf", "../../../instance/lms.sqlite3"),
                                              ("passwd.pdf", "/etc/passwd")])
def test_a_symlink_added_after_sync_answers_404(synced, user_client, database_file, name, target):
    (synced / "media" / name).symlink_to(target)
    response = get(user_client, f"/courses/test-course/files/media/{name}")
    assert response.status_code == 404
    assert b"SQLite" not in response.body and b"root:" not in response.body


def test_a_file_added_to_disk_after_sync_answers_404_until_a_sync_takes_it(runner, synced, user_client):
    (synced / "media" / "new.png").write_bytes(PNG)
    list_media(synced, "media/new.png")
    assert get(user_client, "/courses/test-course/files/media/new.png").status_code == 404
    assert sync_cli(runner).exit_code == 0
    response = get(user_client, "/courses/test-course/files/media/new.png")
    assert response.status_code == 200 and response.body == PNG and response.mimetype == "image/png"


def test_unreferenced_media_is_not_served_even_after_a_sync(runner, synced, user_client):
    (synced / "media" / "unused.png").write_bytes(PNG)
    result = sync_cli(runner)
    assert result.exit_code == 0, result.output
    assert "media/unused.png is neither listed" in result.output
    assert get(user_client, "/courses/test-course/files/media/unused.png").status_code == 404


def test_a_refused_sync_keeps_serving_the_previous_copy(runner, synced, user_client):
    recorded = (synced / "media" / "diagram.svg").read_bytes()
    svg = synced / "media" / "diagram.svg"
    svg.write_text(SVG.replace("<svg ", '<svg xmlns:h="http://www.w3.org/1999/xhtml" ')
                   .replace("</svg>", "<h:script>alert(document.cookie)</h:script>\n</svg>"))
    result = sync_cli(runner)
    assert result.exit_code == 1
    assert f"diagram.svg:{line_of(svg, 'h:script>alert')}: element <h:script>" in result.output
    response = get(user_client, DIAGRAM)
    assert response.body == recorded and b"script" not in response.body


def test_a_changed_file_replaces_the_recorded_copy_and_its_old_bytes_are_dropped(app, runner, synced, user_client):
    changed = SVG.replace("Lifecycle", "Version two").encode()
    (synced / "media" / "diagram.svg").write_bytes(changed)
    result = sync_cli(runner)
    assert result.exit_code == 0, result.output
    assert "~ file test-course/media/diagram.svg" in result.output
    assert get(user_client, DIAGRAM).body == changed
    with app.app_context():
        assert db.session.scalars(select(FileBlob.sha256)).all() == [hashlib.sha256(changed).hexdigest()]


def test_media_no_longer_used_stops_being_served(app, runner, synced, user_client):
    manifest = synced / "course.yml"
    replace_in(manifest, "media:\n  - file: media/diagram.svg\n    ai_content:\n      kind: generated\n"
                         "      tool: Diagram Bot\n", "")
    for lesson in (synced / "lessons").glob("intro.*.md"):
        replace_in(lesson, "![Diagram of the lifecycle](../media/diagram.svg)", "")
    result = sync_cli(runner)
    assert result.exit_code == 0, result.output
    assert "- file test-course/media/diagram.svg" in result.output
    assert get(user_client, DIAGRAM).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FileBlob)) == 0


def test_media_etag_is_the_content_hash_and_a_matching_request_gets_304(synced, user_client):
    sha = hashlib.sha256((synced / "media" / "diagram.svg").read_bytes()).hexdigest()
    response = get(user_client, DIAGRAM)
    assert response.headers["ETag"] == f'"{sha}"'
    again = get(user_client, DIAGRAM, headers={"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304 and again.body == b""
    assert again.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert get(user_client, DIAGRAM, headers={"If-None-Match": '"other"'}).status_code == 200


def test_media_answers_range_requests(synced, user_client):
    recorded = (synced / "media" / "diagram.svg").read_bytes()
    response = get(user_client, DIAGRAM, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and response.body == recorded[:10]


def test_media_view_runs_the_same_few_statements_whatever_the_file(app, runner, synced, user_client):
    big = b"%PDF-1.7\n" + b"0" * 2_000_000
    (synced / "media" / "big.pdf").write_bytes(big)
    list_media(synced, "media/big.pdf")
    assert sync_cli(runner).exit_code == 0
    sha = hashlib.sha256((synced / "media" / "diagram.svg").read_bytes()).hexdigest()
    with app.app_context():
        engine = db.engine
    cases = [(DIAGRAM, {}), ("/courses/test-course/files/media/big.pdf", {}),
             ("/courses/test-course/files/media/none.svg", {}), (DIAGRAM, {"If-None-Match": f'"{sha}"'})]
    counts = []
    for url, headers in cases:
        get(user_client, url, headers=headers)  # warm up
        seen: list[str] = []

        def listener(_conn, _cursor, statement, *_args, seen=seen):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = get(user_client, url, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        counts.append((response.status_code, len([s for s in seen if s.lstrip().upper().startswith("SELECT")])))
    # The signed-in user, the recorded file, and its bytes only when they are sent.
    assert counts == [(200, 3), (200, 3), (404, 2), (304, 2)]
