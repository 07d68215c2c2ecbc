"""A course's own questionnaire in course.yml (`evaluation:`): loaded, synced, its problems reported as path:line."""

from __future__ import annotations

from lms.courses.loader import load_courses
from lms.evaluations.questions import DEFAULT, questionnaire_of
from tests.courses.builders import write_course
from tests.evaluations.conftest import OWN_EVALUATION, get_course


def _with_evaluation(tmp_path, text: str):
    folder = write_course(tmp_path / "c", course_id="c", quiz=False)
    with (folder / "course.yml").open("a", encoding="utf-8") as fh:
        fh.write(text)
    return folder, load_courses(folder)


def _line_of(folder, needle: str) -> int:
    lines = (folder / "course.yml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_a_course_questionnaire_loads_in_order(tmp_path):
    _folder, result = _with_evaluation(tmp_path, OWN_EVALUATION)
    assert not result.errors
    evaluation = result.courses[0].evaluation
    assert [key for key, _ in evaluation.questions] == ["pace", "examples"] and evaluation.comment is False


def test_a_question_listed_twice_is_an_error_at_its_line(tmp_path):
    folder, result = _with_evaluation(tmp_path, """evaluation:
  questions:
    - id: pace
      text: {en: One, ru: Один}
    - id: pace
      text: {en: Two, ru: Два}
""")
    (problem,) = result.errors
    assert problem.line == _line_of(folder, "- id: pace") + 2
    assert problem.path == folder / "course.yml"
    assert str(problem).endswith(f":{problem.line}: evaluation question 'pace' is listed twice")


def test_a_question_without_the_default_language_is_an_error(tmp_path):
    folder, result = _with_evaluation(tmp_path, """evaluation:
  questions:
    - id: pace
      text: {ru: Один}
""")
    (problem,) = result.errors
    assert problem.line == _line_of(folder, "text: {ru: Один}")
    assert "needs a text in the default language (en)" in problem.message


def test_a_missing_translation_is_a_warning(tmp_path):
    _folder, result = _with_evaluation(tmp_path, """evaluation:
  questions:
    - id: pace
      text: {en: One}
""")
    assert not result.errors
    assert any("evaluation question 'pace' has no ru text" in p.message for p in result.warnings)


def test_an_unknown_key_or_an_empty_question_list_is_an_error(tmp_path):
    _folder, result = _with_evaluation(tmp_path, "evaluation:\n  questions: []\n  scale: 10\n")
    messages = sorted(p.message for p in result.errors)
    assert any(m.startswith("evaluation.questions:") for m in messages)
    assert "evaluation.scale: unknown key" in messages


def test_a_synced_course_keeps_its_questionnaire_and_others_get_the_default(app, evaluation_courses):
    with app.app_context():
        own = questionnaire_of(get_course("own-questions"))
        assert own.keys == ("pace", "examples") and not own.has_comment and not own.is_default
        assert own.text("pace", "ru") == "Темп мне подошёл"
        assert own.text("pace", "kk") == "Темп мне подошёл"  # kk falls back to ru
        assert questionnaire_of(get_course("plain")) is DEFAULT
