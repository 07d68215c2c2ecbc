"""Lesson types: one module per kind of lesson a course manifest lists, and the registry that picks one.

A type module has `KIND`, `TEMPLATE` (the lesson page partial that shows its body) and
`load(context, entry, line) -> c.Lesson | None`, which reads the lesson's files through the course folder scan and
reports problems to `context.out`; it may have `finish(context)`, run once after every lesson of the course is read.
A new type is one module here, its line in TYPES, its manifest entry in lms.courses.schema and its partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.courses import schema
from lms.courses.folder import CourseFolder
from lms.courses.lessontypes import markdown, scorm
from lms.courses.problems import Collector

#: Kind -> its module. "markdown": lessons/<file>.<lang>.md; "scorm": a SCORM package (a zip) in the course folder.
TYPES = {markdown.KIND: markdown, scorm.KIND: scorm}


@dataclass
class LessonContext:
    """What a lesson type reads a course's lessons with: the folder scan, the manifest, and a place for problems."""

    files: CourseFolder
    spec: schema.CourseSpec
    doc: Any  # lms.courses.yamlfile.Document of the manifest, for line numbers
    manifest_path: Path
    out: Collector
    #: Per-type state kept while one course is read (e.g. the Markdown files found), by kind.
    state: dict[str, Any] = field(default_factory=dict)


def kind_of(entry) -> str:
    """The lesson type of a manifest `lessons:` entry."""
    return scorm.KIND if isinstance(entry, schema.ScormLessonEntry) else markdown.KIND


def template_of(kind: str) -> str:
    """The partial that shows the body of a lesson of this kind on the lesson page."""
    return TYPES[kind].TEMPLATE
