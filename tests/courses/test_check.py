"""`lms courses check` and the loader behind it: valid content passes, every kind of fault is reported at its line."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from lms import PROJECT_ROOT
from lms.courses.loader import load_courses
from tests.courses.builders import line_of, replace_in, write_course


@pytest.fixture
def root(tmp_path) -> Path:
    """A courses folder holding one valid course, courses/test-course."""
    folder = tmp_path / "courses"
    write_course(folder / "test-course")
    return folder


@pytest.fixture
def course(root) -> Path:
    return root / "test-course"


def check(runner, path: Path, *options: str):
    return runner.invoke(args=["courses", "check", str(path), *options])


def _reported(output: str, path: Path, line: int, fragment: str, *, warning: bool = False) -> bool:
    """Is there an output line "<...>/<course folder>/<file>:<line>: [warning: ]...fragment..."?"""
    shown = re.escape(f"{path.parent.name}/{path.name}")
    prefix = "warning: " if warning else "(?!warning: )"
    pattern = re.compile(rf"^(?:.*/)?{shown}:{line}: {prefix}.*{re.escape(fragment)}", re.MULTILINE)
    return bool(pattern.search(output))


def assert_error(runner, root: Path, path: Path, line: int, fragment: str) -> None:
    """Both the loader and `lms courses check` report an error at path:line, and check exits 1."""
    result = load_courses(root)
    assert any(p.is_error and p.path == path and p.line == line and fragment in p.message for p in result.problems), \
        [str(p) for p in result.problems]
    cli = check(runner, root)
    assert cli.exit_code == 1, cli.output
    assert _reported(cli.output, path, line, fragment), cli.output


# --- valid content --------------------------------------------------------------------------------

def test_valid_course_loads_without_problems(root):
    result = load_courses(root)
    assert result.problems == []
    [course] = result.courses
    assert course.id == "test-course"
    assert [lesson.id for lesson in course.lessons] == ["intro", "data-basics", "wrap-up"]
    assert course.languages == ("ru", "en")
    assert {q.type for q in course.quiz.questions} == {"single", "multiple", "true_false", "short_text", "numeric"}
    assert [m.file for m in course.media] == ["media/diagram.svg"]


def test_check_of_a_valid_course_exits_0(runner, root):
    result = check(runner, root)
    assert result.exit_code == 0, result.output
    assert "1 course(s), 0 error(s), 0 warning(s)." in result.output


def test_check_accepts_a_single_course_folder(runner, course):
    result = check(runner, course, "--strict")
    assert result.exit_code == 0, result.output


def test_real_starter_content_passes_check(runner):
    result = check(runner, PROJECT_ROOT / "courses")
    assert result.exit_code == 0, result.output
    assert " 0 error(s)" in result.output


# --- YAML -----------------------------------------------------------------------------------------

def test_malformed_yaml_in_manifest_is_reported_at_its_line(runner, root, course):
    manifest = course / "course.yml"
    line = line_of(manifest, "level: beginner")
    replace_in(manifest, "level: beginner", "level: beginner: oops")
    assert_error(runner, root, manifest, line, "invalid YAML")


def test_duplicate_yaml_key_is_reported_at_the_second_key(runner, root, course):
    manifest = course / "course.yml"
    replace_in(manifest, "level: beginner\n", "level: beginner\nlevel: advanced\n")
    assert_error(runner, root, manifest, line_of(manifest, "level: advanced"), "duplicate key 'level'")


def test_yaml_alias_bomb_is_refused_quickly(runner, root, course):
    manifest = course / "course.yml"
    levels = ["bomb0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"bomb{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n".join(levels) + "\n", encoding="utf-8")
    started = time.monotonic()
    result = load_courses(root)
    assert time.monotonic() - started < 5
    [problem] = result.problems
    assert problem.is_error and problem.path == manifest
    assert "too many values" in problem.message
    cli = check(runner, root)
    assert cli.exit_code == 1
    assert _reported(cli.output, manifest, problem.line, "the YAML expands to too many values (aliases?)"), cli.output


def test_recursive_yaml_alias_is_refused(runner, root, course):
    manifest = course / "course.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "loop: &loop [*loop]\n", encoding="utf-8")
    assert_error(runner, root, manifest, line_of(manifest, "loop: &loop"), "nests too deeply")


@pytest.mark.parametrize("depth", [200, 3000])
def test_deeply_nested_yaml_is_refused(runner, root, course, depth):
    manifest = course / "course.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "deep: " + "[" * depth + "]" * depth + "\n",
                        encoding="utf-8")
    assert_error(runner, root, manifest, line_of(manifest, "deep: "), "nest")


def test_python_object_tag_is_refused(runner, root, course):
    manifest = course / "course.yml"
    line = line_of(manifest, "estimated_minutes:")
    replace_in(manifest, "estimated_minutes: 45", 'estimated_minutes: !!python/object/apply:os.system ["echo hi"]')
    assert_error(runner, root, manifest, line, "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'")


def test_python_object_tag_on_a_scalar_is_refused(runner, root, course):
    manifest = course / "course.yml"
    line = line_of(manifest, "estimated_minutes:")
    replace_in(manifest, "estimated_minutes: 45", "estimated_minutes: !!python/object:builtins.int 45")
    assert_error(runner, root, manifest, line, "python/object")


def test_yaml_merge_key_is_refused(runner, root, course):
    manifest = course / "course.yml"
    replace_in(manifest, "self_enrollment: true\n", "self_enrollment: true\nextra:\n  <<: {a: 1}\n")
    assert_error(runner, root, manifest, line_of(manifest, "<<:"), "merge keys (<<) are not supported")


# --- schema ---------------------------------------------------------------------------------------

def test_unknown_key_in_manifest_is_reported(runner, root, course):
    manifest = course / "course.yml"
    replace_in(manifest, "title:", "titel:")
    assert_error(runner, root, manifest, line_of(manifest, "titel:"), "titel: unknown key")


def test_unknown_key_in_lesson_front_matter_is_reported(runner, root, course):
    lesson = course / "lessons" / "data-basics.en.md"
    replace_in(lesson, "title: Data Basics lesson", "titel: Data Basics lesson")
    assert_error(runner, root, lesson, 2, "titel: unknown key")


def test_wrong_type_is_reported(runner, root, course):
    manifest = course / "course.yml"
    replace_in(manifest, "estimated_minutes: 45", 'estimated_minutes: "ten"')
    assert_error(runner, root, manifest, line_of(manifest, "estimated_minutes:"), "estimated_minutes:")


def test_wrong_type_in_front_matter_is_reported(runner, root, course):
    lesson = course / "lessons" / "wrap-up.ru.md"
    replace_in(lesson, "estimated_minutes: 12", 'estimated_minutes: "ten"')
    assert_error(runner, root, lesson, 3, "estimated_minutes:")


# --- lessons, links, media ------------------------------------------------------------------------

def test_listed_lesson_without_a_file_is_reported_at_its_manifest_line(runner, root, course):
    for path in (course / "lessons").glob("data-basics.*.md"):
        path.unlink()
    replace_in(course / "lessons" / "intro.en.md", "(data-basics.md)", "(wrap-up.md)")
    replace_in(course / "lessons" / "intro.ru.md", "(data-basics.md)", "(wrap-up.md)")
    manifest = course / "course.yml"
    assert_error(runner, root, manifest, line_of(manifest, "- data-basics"),
                 "lesson 'data-basics' has no file lessons/data-basics.en.md")


def test_link_to_a_missing_lesson_is_reported(runner, root, course):
    lesson = course / "lessons" / "intro.en.md"
    replace_in(lesson, "(data-basics.md)", "(no-such-lesson.md)")
    assert_error(runner, root, lesson, line_of(lesson, "no-such-lesson"),
                 "link to a lesson that does not exist: no-such-lesson.md")


def test_link_on_a_later_line_of_a_paragraph_is_reported_at_that_line(runner, root, course):
    lesson = course / "lessons" / "intro.en.md"
    replace_in(lesson, "Next, read [the next", "First line of the paragraph.\nNext, read [the next")
    replace_in(lesson, "(data-basics.md)", "(no-such-lesson.md)")
    assert_error(runner, root, lesson, line_of(lesson, "no-such-lesson"), "link to a lesson that does not exist")


def test_missing_image_is_reported(runner, root, course):
    lesson = course / "lessons" / "intro.ru.md"
    replace_in(lesson, "../media/diagram.svg", "../media/missing.svg")
    assert_error(runner, root, lesson, line_of(lesson, "missing.svg"), "image ../media/missing.svg does not exist")


def test_image_outside_media_folder_is_reported(runner, root, course):
    (course / "lessons" / "picture.svg").write_text((course / "media" / "diagram.svg").read_text())
    lesson = course / "lessons" / "intro.en.md"
    replace_in(lesson, "../media/diagram.svg", "picture.svg")
    assert_error(runner, root, lesson, line_of(lesson, "picture.svg"), "not in the media/ folder")


def test_image_path_traversal_is_refused(runner, root, course):
    lesson = course / "lessons" / "intro.en.md"
    replace_in(lesson, "../media/diagram.svg", "../../../etc/passwd")
    assert_error(runner, root, lesson, line_of(lesson, "etc/passwd"), "leaves the course folder")


def test_media_entry_path_traversal_is_refused(runner, root, course):
    manifest = course / "course.yml"
    replace_in(manifest, "media:\n", "media:\n  - file: ../../etc/passwd\n")
    assert_error(runner, root, manifest, line_of(manifest, "../../etc/passwd"),
                 "media path '../../etc/passwd' leaves the course folder")


def test_svg_with_script_is_refused_at_its_own_line(runner, root, course):
    svg = course / "media" / "diagram.svg"
    replace_in(svg, "</svg>", "<script>alert(1)</script>\n</svg>")
    assert_error(runner, root, svg, line_of(svg, "<script>"), "element <script> is not allowed in an SVG file")
    # Reported once, at the SVG, not again at the manifest entry and the lesson that use it.
    assert len(load_courses(root).errors) == 1


def test_lesson_file_over_1_mb_is_refused(runner, root, course):
    lesson = course / "lessons" / "wrap-up.en.md"
    with lesson.open("a", encoding="utf-8") as f:
        f.write(("Filler text for a very long lesson. " * 30 + "\n\n") * 1000)
    assert lesson.stat().st_size > 1024 * 1024
    assert_error(runner, root, lesson, 1, "the limit is 1048576")


# --- quiz -----------------------------------------------------------------------------------------

def test_duplicate_question_id_is_reported(runner, root, course):
    quiz = course / "quiz.yml"
    line = line_of(quiz, "- id: q-multiple")
    replace_in(quiz, "- id: q-multiple", "- id: q-single")
    assert_error(runner, root, quiz, line, "question id 'q-single' is used twice")


def test_single_choice_question_without_a_correct_option_is_reported(runner, root, course):
    quiz = course / "quiz.yml"
    replace_in(quiz, "ru: Верное}\n        correct: true\n", "ru: Верное}\n")
    assert_error(runner, root, quiz, line_of(quiz, "- id: q-single"), "needs exactly one correct option (has 0)")


def test_multiple_choice_question_without_a_correct_option_is_reported(runner, root, course):
    quiz = course / "quiz.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(", correct: true}", "}"), encoding="utf-8")
    assert_error(runner, root, quiz, line_of(quiz, "- id: q-multiple"), "question 'q-multiple' has no correct option")


def test_pass_mark_of_150_is_reported(runner, tmp_path):
    root = tmp_path / "courses"
    write_course(root / "test-course", pass_mark=150)
    quiz = root / "test-course" / "quiz.yml"
    assert_error(runner, root, quiz, line_of(quiz, "pass_mark: 150"), "pass_mark: Input should be less than or equal")


def test_quiz_path_leaving_the_course_folder_is_refused(runner, root, course):
    (root.parent / "quiz.yml").write_text((course / "quiz.yml").read_text(encoding="utf-8"), encoding="utf-8")
    manifest = course / "course.yml"
    replace_in(manifest, "quiz: quiz.yml", "quiz: ../../quiz.yml")
    assert_error(runner, root, manifest, line_of(manifest, "quiz: ../../quiz.yml"), "leaves the course folder")


# --- several courses, translations ----------------------------------------------------------------

def test_two_course_folders_with_the_same_id_are_refused(runner, root):
    copy = write_course(root / "z-copy")
    manifest = copy / "course.yml"
    assert_error(runner, root, manifest, line_of(manifest, "id: test-course"),
                 "course id 'test-course' is already used")


def test_folder_without_a_manifest_is_a_warning(runner, root):
    (root / "draft" / "lessons").mkdir(parents=True)
    result = check(runner, root)
    assert result.exit_code == 0, result.output
    assert _reported(result.output, root / "draft" / "course.yml", 1, "not loaded as a course", warning=True)
    assert check(runner, root, "--strict").exit_code == 1


def test_missing_translation_is_a_warning(runner, root, course):
    (course / "lessons" / "wrap-up.ru.md").unlink()
    result = load_courses(root)
    assert result.errors == [] and len(result.courses) == 1
    cli = check(runner, root)
    assert cli.exit_code == 0, cli.output
    manifest = course / "course.yml"
    assert _reported(cli.output, manifest, line_of(manifest, "- wrap-up"), "lesson 'wrap-up' has no ru translation",
                     warning=True), cli.output


def test_missing_translation_fails_with_strict(runner, root, course):
    (course / "lessons" / "wrap-up.ru.md").unlink()
    result = check(runner, root, "--strict")
    assert result.exit_code == 1, result.output
    assert "0 error(s), 1 warning(s)" in result.output
