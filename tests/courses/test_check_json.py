"""`lms courses check --format json` for CI and editors, and the text report on one stream."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.courses.builders import line_of, replace_in, write_course


@pytest.fixture
def root(tmp_path) -> Path:
    folder = tmp_path / "courses"
    write_course(folder / "test-course")
    return folder


def _check(runner, root: Path, *options: str):
    return runner.invoke(args=["courses", "check", str(root), *options])


def test_json_of_clean_content_is_one_document_with_the_summary_and_exit_0(runner, root):
    result = _check(runner, root, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document == {"ok": True, "problems": [],
                        "summary": {"courses": 1, "errors": 0, "warnings": 0, "strict": False,
                                    "text": "1 course(s), 0 error(s), 0 warning(s)."}}


def test_json_lists_each_problem_with_path_line_severity_message_and_code(runner, root):
    manifest = root / "test-course" / "course.yml"
    replace_in(manifest, "level: beginner\n", "level: beginner\nlevle: advanced\n")
    write_course(root / "other", course_id="other")
    (root / "other" / "lessons" / "intro.ru.md").unlink()
    result = _check(runner, root, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert document["summary"]["errors"] == 1 and document["summary"]["warnings"] >= 1
    [error] = [p for p in document["problems"] if p["severity"] == "error"]
    assert error == {"path": str(manifest), "line": line_of(manifest, "levle: advanced"), "severity": "error",
                     "message": "levle: unknown key", "code": "schema.extra_forbidden"}
    warnings = [p for p in document["problems"] if p["severity"] == "warning"]
    assert any("intro" in p["message"] and p["code"] is None for p in warnings), warnings


def test_json_keeps_the_exit_code_of_strict(runner, root):
    (root / "test-course" / "lessons" / "intro.ru.md").unlink()
    assert _check(runner, root, "--format", "json").exit_code == 0
    strict = _check(runner, root, "--format", "json", "--strict")
    assert strict.exit_code == 1
    document = json.loads(strict.stdout)
    assert document["ok"] is False and document["summary"]["strict"] is True


def test_json_names_invalid_yaml_with_its_code(runner, root):
    manifest = root / "test-course" / "course.yml"
    line = line_of(manifest, "level: beginner")
    replace_in(manifest, "level: beginner", "level: beginner: oops")
    [problem] = json.loads(_check(runner, root, "--format", "json").stdout)["problems"]
    assert (problem["line"], problem["code"], problem["severity"]) == (line, "yaml", "error")


def test_text_report_puts_the_problems_and_then_the_summary_on_standard_output(runner, root):
    (root / "test-course" / "lessons" / "intro.ru.md").unlink()
    result = _check(runner, root)
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "warning: " in lines[0]
    assert lines[-1] == "1 course(s), 0 error(s), 1 warning(s)."
