"""JSON Schemas of `course.yml` and `quiz.yml` for editors and CI, generated from the pydantic models that check them.

A thin layer over lms.courses.schema: the models stay the one description of the format; `lms courses schema`
writes what this returns to docs/schema/, and tests/courses/test_schema_export.py keeps the files in sync.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from lms.courses import schema

#: The published files: name -> (the model, the content file it describes, its title).
FILES: dict[str, tuple[type[BaseModel], str, str]] = {
    "course.schema.json": (schema.CourseSpec, "course.yml", "Course manifest (course.yml)"),
    "quiz.schema.json": (schema.QuizSpec, "quiz.yml", "Final quiz (quiz.yml)"),
    "programme.schema.json": (schema.ProgrammeSpec, "programmes/<id>.yml",
                              "Programme (courses/programmes/<id>.yml)"),
}

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(name: str) -> dict:
    """The JSON Schema published as `name` (a key of FILES)."""
    model, file_name, title = FILES[name]
    generated = model.model_json_schema()
    return {
        "$schema": DRAFT,
        "title": title,
        "description": (f"The {file_name} of a course folder; see docs/authoring.md." if model is not
                        schema.ProgrammeSpec else f"A programme file, {file_name} in the courses folder; see "
                        "courses/README.md.") + f" Generated from {model.__name__} in lms/courses/schema.py by "
                       "`lms courses schema`: do not edit by hand.",
        **{key: value for key, value in generated.items() if key not in ("title", "description")},
    }


def rendered_schemas() -> dict[str, str]:
    """Every published file name with its text, as written to disk (stable, so a diff shows real changes)."""
    return {name: json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n" for name in FILES}
