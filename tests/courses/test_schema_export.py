"""The published JSON Schemas of course.yml and quiz.yml: in sync with the pydantic models, and the content passes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from lms import PROJECT_ROOT
from lms.courses.schema_export import FILES, rendered_schemas
from tests.courses.builders import write_course

SCHEMA_DIR = PROJECT_ROOT / "docs" / "schema"
STARTER = sorted(p for p in (PROJECT_ROOT / "courses").iterdir() if (p / "course.yml").is_file())


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(name: str, path: Path) -> list[str]:
    return [error.message for error in _validator(name).iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]


def test_published_schemas_are_what_the_models_generate():
    # After changing lms/courses/schema.py, run `lms courses schema` and commit docs/schema/.
    assert {name: (SCHEMA_DIR / name).read_text(encoding="utf-8") for name in FILES} == rendered_schemas()


def test_schema_command_writes_the_files(runner, tmp_path):
    result = runner.invoke(args=["courses", "schema", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()} == rendered_schemas()


@pytest.mark.parametrize("folder", STARTER, ids=lambda p: p.name)
def test_every_starter_course_and_quiz_validates(folder):
    assert _errors("course.schema.json", folder / "course.yml") == []
    assert _errors("quiz.schema.json", folder / "quiz.yml") == []


def test_the_test_builders_course_validates(tmp_path):
    course = write_course(tmp_path / "test-course")
    assert _errors("course.schema.json", course / "course.yml") == []
    assert _errors("quiz.schema.json", course / "quiz.yml") == []


def test_schema_refuses_an_unknown_key_and_a_wrong_value_as_check_does(tmp_path):
    course = write_course(tmp_path / "test-course")
    manifest = course / "course.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("level: beginner", "level: expert\ntitel: x"),
                        encoding="utf-8")
    errors = _errors("course.schema.json", manifest)
    assert any("titel" in message for message in errors), errors
    assert any("expert" in message for message in errors), errors


def test_schema_refuses_a_question_of_an_unknown_type(tmp_path):
    quiz = write_course(tmp_path / "test-course") / "quiz.yml"
    data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
    data["questions"][0]["type"] = "essay"
    quiz.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert _errors("quiz.schema.json", quiz) != []
