"""`lms courses check` on authoring slips: quiz choices in some languages only, byte-order marks, raw HTML that the
sanitiser drops, images without alt text."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms import PROJECT_ROOT
from lms.courses.loader import load_courses
from tests.courses.builders import line_of, replace_in, write_course
from tests.courses.test_check import _reported, assert_error, check


@pytest.fixture
def root(tmp_path) -> Path:
    """A courses folder holding one valid course, courses/test-course."""
    folder = tmp_path / "courses"
    write_course(folder / "test-course")
    return folder


@pytest.fixture
def course(root) -> Path:
    return root / "test-course"


def assert_warning(runner, root: Path, path: Path, line: int, fragment: str) -> None:
    """The loader and `lms courses check` report a warning (not an error) at path:line; only --strict fails."""
    result = load_courses(root)
    assert result.errors == [], [str(p) for p in result.errors]
    assert any(not p.is_error and p.path == path and p.line == line and fragment in p.message
               for p in result.problems), [str(p) for p in result.problems]
    cli = check(runner, root)
    assert cli.exit_code == 0, cli.output
    assert _reported(cli.output, path, line, fragment, warning=True), cli.output
    assert check(runner, root, "--strict").exit_code == 1


def messages(root: Path) -> list[str]:
    return [p.message for p in load_courses(root).problems]


# --- point 10: a question's choices must exist in every language the question has -----------------------------

def test_option_missing_in_one_language_is_an_error_at_the_options_line(runner, root, course):
    quiz = course / "quiz.yml"
    replace_in(quiz, "text: {en: The wrong one, ru: Неверное}", "text: {en: The wrong one}")
    assert_error(runner, root, quiz, line_of(quiz, "text: {en: The wrong one}"),
                 "question 'q-single' has ru texts, but option 'b' has no ru text")


def test_option_in_a_language_the_question_text_lacks_is_an_error(runner, root, course):
    quiz = course / "quiz.yml"
    replace_in(quiz, "- {id: c, text: {en: The weather}}", "- {id: c, text: {en: The weather, kk: Ауа райы}}")
    assert_error(runner, root, quiz, line_of(quiz, 'text: {en: "Which are personal data?"}'),
                 "question 'q-multiple' has kk texts, but the question text, option 'a', option 'b' have no kk text")


def test_kk_and_ru_with_different_options_is_an_error(runner, root, course):
    quiz = course / "quiz.yml"
    replace_in(quiz, "text: {en: The right one, ru: Верное}", "text: {en: The right one, kk: Дұрыс}")
    replace_in(quiz, "      en: Which statement is true?\n",
               "      en: Which statement is true?\n      kk: Қайсысы дұрыс?\n")
    result = load_courses(root)
    assert result.courses == []
    found = {(p.line, p.message) for p in result.errors}
    assert (line_of(quiz, "text: {en: The wrong one"),
            "question 'q-single' has kk texts, but option 'b' has no kk text: the question text and every choice "
            "need the same languages") in found
    assert any("has ru texts, but option 'a' has no ru text" in message for _line, message in found)


def test_matching_pair_side_missing_a_language_is_an_error(runner, root, course):
    quiz = course / "quiz.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8") + """  - id: q-match
    type: matching
    text: {en: Match them., ru: Сопоставьте.}
    pairs:
      - {id: one, left: {en: One, ru: Один}, right: {en: "1", ru: "1"}}
      - {id: two, left: {en: Two, ru: Два}, right: {en: "2"}}
""", encoding="utf-8")
    assert_error(runner, root, quiz, line_of(quiz, "- {id: two,"), "pair 'two' (right) has no ru text")


def test_question_with_the_same_languages_everywhere_loads(root, course):
    assert load_courses(root).problems == []


# --- point 11: a byte-order mark at the start of a text file is not part of it ---------------------------------

@pytest.mark.parametrize("name", ["lessons/intro.en.md", "lessons/wrap-up.ru.md", "course.yml", "quiz.yml"])
def test_text_file_starting_with_a_byte_order_mark_loads(runner, root, course, name):
    path = course / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = load_courses(root)
    assert result.problems == [], [str(p) for p in result.problems]
    [loaded] = result.courses
    assert loaded.id == "test-course"
    variants = [v for lesson in loaded.lessons for v in lesson.variants.values()]
    assert not any(v.title.startswith("\ufeff") or v.body.startswith("\ufeff") for v in variants)
    assert {v.title for v in variants} >= {"Intro lesson", "Урок Wrap Up"}
    assert check(runner, root, "--strict").exit_code == 0


def test_lesson_with_a_byte_order_mark_keeps_its_line_numbers(root, course):
    lesson = course / "lessons" / "intro.en.md"
    replace_in(lesson, "(data-basics.md)", "(no-such-lesson.md)")
    lesson.write_bytes(b"\xef\xbb\xbf" + lesson.read_bytes())
    [problem] = load_courses(root).problems
    assert problem.line == line_of(lesson, "no-such-lesson")
    assert "link to a lesson that does not exist" in problem.message


# --- point 14: raw HTML the sanitiser drops, images without alt text ----------------------------------------------

def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize("html, fragment", [
    ("<script>alert(1)</script>", "HTML tag <script> is not allowed"),
    ('<iframe src="https://example.com/video"></iframe>', "HTML tag <iframe> is not allowed"),
    ("<style>p { color: red }</style>", "HTML tag <style> is not allowed"),
    ("<form><input name=x></form>", "HTML tag <form> is not allowed"),
])
def test_raw_html_block_that_the_sanitiser_drops_is_a_warning_at_its_line(runner, root, course, html, fragment):
    lesson = course / "lessons" / "data-basics.en.md"
    append(lesson, f"\nSome text.\n\n{html}\n\nMore text.\n")
    assert_warning(runner, root, lesson, line_of(lesson, html), fragment)


def test_inline_event_handler_is_a_warning_at_its_line_within_the_paragraph(runner, root, course):
    lesson = course / "lessons" / "wrap-up.ru.md"
    append(lesson, '\nПервая строка абзаца.\nВторая <a href="https://example.kz" onclick="steal()">ссылка</a>.\n')
    assert_warning(runner, root, lesson, line_of(lesson, "onclick"), "HTML attribute onclick= on <a> is not allowed")


def test_html_nested_in_a_block_is_reported_at_its_own_line(runner, root, course):
    lesson = course / "lessons" / "intro.en.md"
    append(lesson, '\n<div class="note">\n<p>Watch this:</p>\n<iframe src="https://example.com"></iframe>\n</div>\n')
    assert_warning(runner, root, lesson, line_of(lesson, "<iframe"), "<iframe>")


def test_html_in_a_table_cell_is_reported(runner, root, course):
    lesson = course / "lessons" / "intro.en.md"
    append(lesson, "\n| Term | Meaning |\n|------|---------|\n| AI | <marquee>moving</marquee> |\n")
    assert_warning(runner, root, lesson, line_of(lesson, "<marquee>"), "HTML tag <marquee> is not allowed")


def test_an_inline_svg_is_reported_once_per_tag_not_once_per_element(root, course):
    lesson = course / "lessons" / "intro.en.md"
    circles = "\n".join(f'<circle cx="{n}" cy="5" r="2"/>' for n in range(30))
    append(lesson, f'\n<svg viewBox="0 0 40 10">\n{circles}\n</svg>\n')
    found = sorted((p.line, p.message) for p in load_courses(root).problems)
    assert found == [(line_of(lesson, "<svg"), "HTML tag <svg> is not allowed in lessons; the page leaves it out"),
                     (line_of(lesson, 'cx="0"'), "HTML tag <circle> is not allowed in lessons; the page leaves it out")]


def test_allowed_html_and_html_in_code_are_not_reported(root, course):
    lesson = course / "lessons" / "intro.en.md"
    append(lesson, "\n<details><summary>More</summary>\n\nPress <kbd>Ctrl</kbd>+<kbd>C</kbd>.\n\n</details>\n\n"
                   "Write `<script>` in code, or:\n\n```html\n<iframe src=\"x\" onclick=\"y\"></iframe>\n```\n\n"
                   "<!-- a comment for other authors -->\n")
    assert load_courses(root).problems == []


def test_markdown_image_without_alt_text_is_a_warning(runner, root, course):
    lesson = course / "lessons" / "intro.ru.md"
    replace_in(lesson, "![Diagram of the lifecycle](../media/diagram.svg)",
               "Текст абзаца,\nи картинка ![](../media/diagram.svg) без подписи.")
    assert_warning(runner, root, lesson, line_of(lesson, "![](../media/diagram.svg)"), "image has no alt text")


def test_markdown_image_with_blank_alt_text_is_a_warning(runner, root, course):
    lesson = course / "lessons" / "intro.en.md"
    replace_in(lesson, "![Diagram of the lifecycle]", "![  ]")
    assert_warning(runner, root, lesson, line_of(lesson, "![  ]"), "image has no alt text")


@pytest.mark.parametrize("tag", ['<img src="../media/diagram.svg">', '<img src="../media/diagram.svg" alt="">'])
def test_html_image_without_alt_text_is_a_warning(runner, root, course, tag):
    lesson = course / "lessons" / "wrap-up.en.md"
    append(lesson, f"\nA picture:\n{tag}\n")
    assert_warning(runner, root, lesson, line_of(lesson, "<img"), "image has no alt text")


def test_html_image_with_alt_text_is_not_reported(root, course):
    append(course / "lessons" / "wrap-up.en.md", '\n<img src="../media/diagram.svg" alt="The lifecycle" width="120">\n')
    assert load_courses(root).problems == []


def test_starter_content_has_no_problems(runner):
    problems = load_courses(PROJECT_ROOT / "courses").problems
    assert [str(p) for p in problems] == []


def test_a_fresh_course_folder_from_the_builder_stays_clean(tmp_path):
    write_course(tmp_path / "c", languages=("en", "ru", "kk"), title={"en": "T", "ru": "Т", "kk": "Т"})
    assert load_courses(tmp_path).problems == []
