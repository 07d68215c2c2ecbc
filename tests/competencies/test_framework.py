"""The competency framework file and the competencies courses and questions name: checked as path:line."""

from __future__ import annotations

from pathlib import Path

from lms.courses.loader import load_courses
from tests.courses.builders import FRAMEWORK, tag_course, write_course, write_framework

STARTER = Path(__file__).resolve().parents[2] / "courses"


def _messages(root) -> list[str]:
    return [str(problem) for problem in load_courses(root).problems]


def test_the_starter_framework_and_courses_load_without_problems():
    result = load_courses(STARTER)
    assert result.problems == []
    assert result.framework is not None
    assert len(result.framework.competencies) >= 10 and result.framework.top_level == 4
    assert all(course.competencies for course in result.courses)


def test_most_starter_questions_name_a_competency():
    questions = [q for course in load_courses(STARTER).courses for q in course.quiz.questions]
    assert sum(1 for q in questions if q.competencies) >= len(questions) // 2


def test_every_course_area_is_an_area_of_the_starter_framework():
    from lms.courses.content import COMPETENCY_AREAS

    areas = {area.id for area in load_courses(STARTER).framework.areas}
    assert set(COMPETENCY_AREAS) <= areas


def test_an_unknown_competency_on_a_course_is_reported_at_its_line(tmp_path):
    write_framework(tmp_path)
    tag_course(write_course(tmp_path / "one", course_id="one", quiz=False), [("no-such", 1)])
    messages = _messages(tmp_path)
    lines = (tmp_path / "one" / "course.yml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "no-such" in text)
    assert any(m.endswith(f"one/course.yml:{line}: unknown competency 'no-such' (not in competencies.yml)")
               for m in messages), messages


def test_a_level_above_the_top_level_is_an_error(tmp_path):
    write_framework(tmp_path)
    tag_course(write_course(tmp_path / "one", course_id="one", quiz=False), [("risk", 3)])
    assert any("level 3 is above the framework's top level 2" in m for m in _messages(tmp_path))


def test_a_question_naming_an_unknown_competency_is_reported_in_the_quiz_file(tmp_path):
    write_framework(tmp_path)
    directory = write_course(tmp_path / "one", course_id="one")
    quiz = directory / "quiz.yml"
    quiz.write_text(quiz.read_text().replace("  - id: q-single\n", "  - id: q-single\n"
                                             "    competencies: [{id: nope, level: 1}]\n"), encoding="utf-8")
    messages = _messages(tmp_path)
    assert any("one/quiz.yml:" in m and "unknown competency 'nope'" in m for m in messages), messages
    assert load_courses(tmp_path).courses == []


def test_competencies_without_a_framework_file_are_a_warning_and_the_course_loads(tmp_path):
    tag_course(write_course(tmp_path / "one", course_id="one", quiz=False), [("risk", 1)])
    result = load_courses(tmp_path)
    assert [w.message for w in result.warnings] == [
        "the competencies are not checked: there is no competencies.yml beside the course folders"]
    assert result.courses[0].competencies == (("risk", 1),)


def test_a_duplicate_competency_id_and_an_unknown_area_are_reported_with_lines(tmp_path):
    text = FRAMEWORK + """\
  - id: risk
    area: nowhere
    title: {en: Again, ru: Снова, kk: Қайта}
    description: {en: Again, ru: Снова, kk: Қайта}
"""
    write_framework(tmp_path, text)
    dup = max(i for i, t in enumerate(text.splitlines(), start=1) if t.strip() == "- id: risk")
    messages = _messages(tmp_path)
    assert any(m.endswith(f"competencies.yml:{dup}: competency id 'risk' is used twice") for m in messages), messages
    assert any(m.endswith(f"competencies.yml:{dup + 1}: competency 'risk' names an unknown area 'nowhere'")
               for m in messages), messages


def test_a_missing_translation_is_a_warning_with_its_line(tmp_path):
    write_framework(tmp_path, FRAMEWORK.replace("{en: Risk, ru: Риск, kk: Тәуекел}", "{en: Risk, ru: Риск}"))
    result = load_courses(tmp_path)
    assert result.errors == []
    assert any(w.message == "competency 'risk' title has no kk text" for w in result.warnings)
    assert result.framework is not None


def test_a_course_area_missing_from_the_framework_is_an_error(tmp_path):
    write_framework(tmp_path, FRAMEWORK.replace("  - {id: management, title: {en: Management, ru: Управление, "
                                                "kk: Басқару}}\n", ""))
    assert any("area 'management' (a course competency_area) is missing" in m for m in _messages(tmp_path))


def test_a_question_naming_no_competency_is_stored_as_before(tmp_path):
    from lms.courses.services import quiz_snapshot

    write_framework(tmp_path)
    directory = write_course(tmp_path / "one", course_id="one")
    quiz = directory / "quiz.yml"
    quiz.write_text(quiz.read_text().replace("  - id: q-single\n", "  - id: q-single\n"
                                             "    competencies: [{id: risk, level: 2}]\n"), encoding="utf-8")
    _settings, questions = quiz_snapshot(load_courses(tmp_path).courses[0].quiz)
    by_id = {q["id"]: q for q in questions}
    assert by_id["q-single"]["competencies"] == (("risk", 2),)
    assert "competencies" not in by_id["q-multiple"]
