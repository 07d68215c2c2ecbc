"""Markdown lessons: `lessons/<file>.<lang>.md` per language, front matter (title, minutes, AI label) then the body."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from lms.courses import content as c
from lms.courses import schema
from lms.courses.folder import CourseFolder, FileEntry
from lms.courses.problems import Collector, ai_content, load_yaml, parse, texts

if TYPE_CHECKING:
    from lms.courses.lessontypes import LessonContext

KIND = "markdown"
TEMPLATE = "courses/_lesson_markdown.html"
MANIFEST = "course.yml"
LESSON_FILE = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[a-z]{2})\.md$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^---[ \t]*\r?\n", re.DOTALL | re.MULTILINE)


def _found(context: LessonContext) -> dict[str, dict[str, FileEntry]]:
    """The lesson files under lessons/, by file stem and language (scanned once per course)."""
    if KIND in context.state:
        return context.state[KIND]["found"]
    found: dict[str, dict[str, FileEntry]] = {}
    for entry in context.files.under("lessons/"):
        name = entry.relative.removeprefix("lessons/")
        if "/" in name or PurePosixPath(name).suffix != ".md":
            continue
        match = LESSON_FILE.match(name)
        if not match or match["lang"] not in c.LANGUAGES:
            context.out.error(entry.path, 1, "lesson files are named <lesson-id>.<kk|ru|en>.md")
            continue
        found.setdefault(match["id"], {})[match["lang"]] = entry
    context.state[KIND] = {"found": found, "used": set()}
    return found


def load(context: LessonContext, entry, line: int) -> c.Lesson | None:
    """The lesson `entry` ("- intro", or "- {id: intro, file: getting-started}" keeping the id after a rename)."""
    spec, out = context.spec, context.out
    lesson_id, stem = (entry, entry) if isinstance(entry, str) else (entry.id, entry.file)
    found = _found(context)
    used = context.state[KIND]["used"]
    if stem in used:
        out.error(context.manifest_path, line, f"lesson files lessons/{stem}.*.md are listed twice")
        return None
    used.add(stem)
    variants_files = found.get(stem, {})
    if spec.default_language not in variants_files:
        expected = f"lessons/{stem}.{spec.default_language}.md"
        if not context.files.is_refused(expected):  # a link is reported at the file itself
            out.error(context.manifest_path, line, f"lesson {lesson_id!r} has no file {expected}")
        return None
    variants = {}
    for lang, file_entry in variants_files.items():
        variant = _load_variant(context.files, file_entry, lang, out)
        if variant is not None:
            variants[lang] = variant
    for lang in c.LANGUAGES:
        if lang not in variants_files and lang in texts(spec.title, spec.default_language):
            out.warning(context.manifest_path, line, f"lesson {lesson_id!r} has no {lang} translation")
    return c.Lesson(lesson_id, variants)


def finish(context: LessonContext) -> None:
    """Warn about lesson files no manifest entry lists."""
    found = _found(context)
    for stem in sorted(set(found) - context.state[KIND]["used"]):
        path = next(iter(found[stem].values())).path
        context.out.warning(path, 1, f"lesson {stem!r} is not listed in {MANIFEST}; learners will not see it")


def _load_variant(files: CourseFolder, entry: FileEntry, lang: str, out: Collector) -> c.LessonVariant | None:
    path = entry.path
    text = files.read_text(entry, out)
    if text is None:
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        out.error(path, 1, "a lesson starts with front matter between --- lines, with at least a title")
        return None
    doc = load_yaml(path, out, first_line=2, text=match["yaml"])
    if doc is None:
        return None
    front = parse(schema.LessonFrontMatter, doc, path, out)
    if front is None:
        return None
    body = text[match.end():]
    body_first_line = text[:match.end()].count("\n") + 1
    return c.LessonVariant(language=lang, title=front.title, body=body, body_first_line=body_first_line, path=path,
                           estimated_minutes=front.estimated_minutes, ai_content=ai_content(front.ai_content))
