"""Translation status (lms.courses.translation_status) and `lms courses status`."""

from __future__ import annotations

import json
from pathlib import Path

from lms.courses import content as c
from lms.courses.loader import load_courses
from lms.courses.translation_status import count_words, question_languages, render_text, translation_status
from tests.courses.builders import replace_in, write_course


def _status(root: Path, course_id: str = "test-course") -> dict:
    result = load_courses(root)
    assert not result.errors, [str(p) for p in result.errors]
    [course] = [s for s in translation_status(result.courses) if s.course_id == course_id]
    return {s.language: s for s in course.languages}


def test_lessons_questions_and_missing_files_per_language(tmp_path):
    write_course(tmp_path / "demo", languages=("en", "ru"))
    (tmp_path / "demo" / "lessons" / "data-basics.ru.md").unlink()
    status = _status(tmp_path)
    en, ru, kk = status["en"], status["ru"], status["kk"]
    assert (en.lessons_present, en.lessons_total, en.missing_lessons) == (3, 3, ())
    assert (ru.lessons_present, ru.lessons_total, ru.missing_lessons) == (2, 3, ("data-basics",))
    assert (kk.lessons_present, kk.missing_lessons) == (0, ("intro", "data-basics", "wrap-up"))
    # Of the builder's five questions only q-single (its text and both options) has Russian.
    assert (en.questions_translated, en.questions_total) == (5, 5)
    assert (ru.questions_translated, ru.questions_total) == (1, 5)
    assert kk.questions_translated == 0
    assert en.is_complete and not ru.is_complete


def test_words_count_the_lesson_bodies_of_that_language(tmp_path):
    write_course(tmp_path / "demo", languages=("en", "ru"), lessons=("intro",))
    lesson = tmp_path / "demo" / "lessons" / "intro.ru.md"
    replace_in(lesson, "Русский text of intro.", "Жасанды интеллект — это [ссылка](https://example.kz/a/b) здесь.")
    status = _status(tmp_path)
    # The five words of the sentence, "## Main idea" (2) and the image's alt text "Diagram of the lifecycle" (4,
    # translated too); the title in the front matter and the link target do not count.
    assert status["ru"].words == 11
    assert status["en"].words == count_words((tmp_path / "demo/lessons/intro.en.md").read_text().split("---")[2])
    assert status["kk"].words == 0


def test_count_words_leaves_out_link_targets_tags_urls_and_callout_fences():
    text = ("Read [the next lesson](next.md) and ![a diagram](../media/x.svg) <b>now</b> at https://adilet.zan.kz/x"
            "\n::: note\nMachine-readable label, 2026.\n:::\n")
    assert count_words(text) == 11  # Read the next lesson and a diagram now at Machine-readable label


def test_a_question_counts_in_a_language_only_with_its_text_and_every_choice():
    question = c.Question(id="q", type="single", text={"en": "Which?", "ru": "Какой?", "kk": "Қайсы?"},
                          options=(c.Option("a", {"en": "A", "ru": "А", "kk": "А"}, True),
                                   c.Option("b", {"en": "B", "kk": "Б"})))
    assert question_languages(question) == {"en", "kk"}
    matching = c.Question(id="m", type="matching", text={"en": "Match", "ru": "Сопоставьте"},
                          pairs=(c.Pair("p", {"en": "L", "ru": "Л"}, {"en": "R"}),))
    assert question_languages(matching) == {"en"}


def test_ai_made_content_without_a_reviewer_awaits_review(tmp_path):
    write_course(tmp_path / "demo", languages=("en", "ru"))  # course: assisted, no reviewer; media: generated
    status = _status(tmp_path)
    assert status["en"].awaiting_review and status["ru"].awaiting_review
    assert {"course", "lesson intro", "question q-single", "media media/diagram.svg"} <= set(status["ru"].unreviewed)
    assert "question q-multiple" not in status["ru"].unreviewed  # not translated: nothing to review in Russian
    assert not status["kk"].awaiting_review and not status["kk"].has_ai_content  # no Kazakh text at all


def test_a_reviewer_clears_the_flag_and_a_lesson_of_its_own_sets_it_again_in_its_language(tmp_path):
    folder = write_course(tmp_path / "demo", languages=("en", "ru"))
    replace_in(folder / "course.yml", "  tool: Test Assistant", "  tool: Test Assistant\n  reviewer: A. Seitkali")
    replace_in(folder / "course.yml", "      tool: Diagram Bot", "      tool: Diagram Bot\n      reviewer: D. Kim")
    status = _status(tmp_path)
    assert status["en"].has_ai_content and not status["en"].awaiting_review
    assert not status["ru"].awaiting_review
    replace_in(folder / "lessons" / "wrap-up.ru.md", "estimated_minutes: 12",
               "estimated_minutes: 12\nai_content:\n  kind: generated\n  tool: Machine translation")
    status = _status(tmp_path)
    assert status["ru"].unreviewed == ("lesson wrap-up",)
    assert not status["en"].awaiting_review


def test_a_course_without_ai_content_has_nothing_to_review(tmp_path):
    folder = write_course(tmp_path / "demo", ai_content=False)
    text = (folder / "course.yml").read_text()
    (folder / "course.yml").write_text(text.split("media:")[0] + "media:\n  - file: media/diagram.svg\n")
    status = _status(tmp_path)
    assert not status["en"].has_ai_content and not status["en"].awaiting_review


def test_courses_are_ordered_by_id_with_every_language():
    lesson = c.Lesson("l", {"en": c.LessonVariant("en", "T", "One two", 3, Path("l.en.md"))})
    courses = [c.Course(id=key, folder=Path(key), default_language="en", title={"en": key}, summary={"en": "S"},
                        competency_area="foundations", level="beginner", estimated_minutes=5, lessons=(lesson,))
               for key in ("zeta", "alpha")]
    statuses = translation_status(courses)
    assert [s.course_id for s in statuses] == ["alpha", "zeta"]
    assert [s.language for s in statuses[0].languages] == ["kk", "ru", "en"]
    assert statuses[0].languages[2].words == 2
    text = render_text(statuses)
    assert "alpha" in text and "1/1" in text and "0/1" in text


def test_status_command_prints_the_matrix(runner, courses_root):
    write_course(courses_root / "demo", course_id="demo", languages=("en", "ru"))
    result = runner.invoke(args=["courses", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:6] == ["course", "lang", "lessons", "questions", "words", "review"]
    assert lines[1].split()[:5] == ["demo", "kk", "0/3", "0/5", "0"]
    assert "intro, data-basics, wrap-up" in lines[1]
    assert lines[2].split()[:3] == ["ru", "3/3", "1/5"] and "awaiting review" in lines[2]
    assert lines[3].split()[:3] == ["en*", "3/3", "5/5"]


def test_status_command_writes_json_for_scripts(runner, courses_root):
    write_course(courses_root / "demo", course_id="demo", languages=("en", "ru"))
    result = runner.invoke(args=["courses", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    [course] = json.loads(result.output)["courses"]
    assert course["course_id"] == "demo" and set(course["languages"]) == {"kk", "ru", "en"}
    ru = course["languages"]["ru"]
    assert (ru["lessons_present"], ru["questions_translated"], ru["awaiting_review"]) == (3, 1, True)
    assert course["languages"]["kk"]["missing_lessons"] == ["intro", "data-basics", "wrap-up"]


def test_status_command_exits_0_and_names_courses_left_out_for_errors(runner, courses_root):
    write_course(courses_root / "good", course_id="good")
    replace_in(write_course(courses_root / "bad", course_id="bad") / "course.yml", "level: beginner", "level: x")
    result = runner.invoke(args=["courses", "status", "--format", "json"])
    assert result.exit_code == 0
    assert [c["course_id"] for c in json.loads(result.stdout)["courses"]] == ["good"]
    assert "1 error(s) in the course files" in result.stderr
