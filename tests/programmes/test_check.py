"""`lms courses check` on programme files: path:line problems, and the programmes folder is not a course."""

from __future__ import annotations

from lms.courses.loader import load_courses
from tests.courses.builders import write_course
from tests.programmes.builders import write_programme


def _messages(root):
    return [str(p) for p in load_courses(root).problems]


def test_a_valid_programme_loads_without_problems(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    write_programme(tmp_path)
    result = load_courses(tmp_path)
    assert [p.id for p in result.programmes] == ["basics"]
    assert [p for p in result.problems if "programmes" in str(p.path)] == []


def test_the_programmes_folder_is_not_warned_about_as_a_course(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    write_programme(tmp_path)
    assert not any("has no course.yml" in m for m in _messages(tmp_path))


def test_an_unknown_course_is_an_error_with_its_line(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    path = write_programme(tmp_path, courses=("plain", "nope"))
    result = load_courses(tmp_path)
    assert result.programmes == []
    [error] = result.errors
    assert error.path == path and error.line == 13 and "'nope' does not exist" in error.message


def test_a_course_named_twice_is_an_error(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    write_programme(tmp_path, courses=("plain",), groups=[(1, ["plain"])])
    [error] = load_courses(tmp_path).errors
    assert "named twice" in error.message


def test_pick_larger_than_the_group_is_an_error(tmp_path):
    for key in ("plain", "other"):
        write_course(tmp_path / key, course_id=key, quiz=False, languages=("en", "ru", "kk"))
    path = write_programme(tmp_path, courses=(), groups=[(3, ["plain", "other"])])
    [error] = load_courses(tmp_path).errors
    assert error.path == path and "pick: 3 is more than the group's 2" in error.message
    assert error.line == 13


def test_a_programme_id_used_twice_is_an_error(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    write_programme(tmp_path, "basics")
    write_programme(tmp_path, "basics", name="zz-copy")
    result = load_courses(tmp_path)
    assert [p.id for p in result.programmes] == ["basics"]
    assert any("programme id 'basics' is already used" in str(p) for p in result.errors)


def test_a_missing_translation_is_a_warning(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    write_programme(tmp_path, title={"en": "Basics", "ru": "Основы"})
    result = load_courses(tmp_path)
    assert result.errors == [] and [p.id for p in result.programmes] == ["basics"]
    assert "title has no kk text" in str(result.warnings[0])


def test_an_unknown_key_is_an_error(tmp_path):
    write_course(tmp_path / "plain", course_id="plain", quiz=False, languages=("en", "ru", "kk"))
    path = write_programme(tmp_path)
    path.write_text(path.read_text() + "colour: red\n")
    assert any("colour: unknown key" in m for m in _messages(tmp_path))


def test_the_starter_programmes_check_clean():
    from lms import PROJECT_ROOT

    result = load_courses(PROJECT_ROOT / "courses")
    assert {p.id for p in result.programmes} >= {"ai-basics", "ai-for-managers"}
    assert [str(p) for p in result.problems if "programmes" in str(p.path)] == []
    managers = next(p for p in result.programmes if p.id == "ai-for-managers")
    assert managers.groups[0].pick == 2 and len(managers.groups[0].courses) == 4
