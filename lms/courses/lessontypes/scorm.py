"""SCORM lessons: a package (a zip with imsmanifest.xml) in the course folder, checked by
lms.courses.scorm_package and run in the browser from a separate content origin (lms.scorm)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from lms.courses import content as c
from lms.courses.folder import normalise
from lms.courses.problems import ai_content, texts
from lms.courses.scorm_package import MAX_PACKAGE_BYTES, inspect_package

if TYPE_CHECKING:
    from lms.courses.lessontypes import LessonContext

KIND = "scorm"
TEMPLATE = "courses/_lesson_scorm.html"


def load(context: LessonContext, entry, line: int) -> c.Lesson | None:
    """The lesson `entry` ({id, scorm: <zip>, title?, estimated_minutes?, ai_content?}), its package checked."""
    files, out, spec = context.files, context.out, context.spec
    relative = normalise(entry.scorm)
    if relative is None:
        out.error(context.manifest_path, line, f"SCORM package path {entry.scorm!r} leaves the course folder")
        return None
    if PurePosixPath(relative).suffix.lower() != ".zip":
        out.error(context.manifest_path, line, f"SCORM package {relative} must be a .zip file")
        return None
    used = context.state.setdefault(KIND, set())
    if relative in used:
        out.error(context.manifest_path, line, f"SCORM package {relative} is listed twice")
        return None
    used.add(relative)
    file_entry = files.get(relative)
    if file_entry is None:
        if not files.is_refused(relative):  # a link is reported at the file itself
            out.error(context.manifest_path, line, f"SCORM package {relative} does not exist")
        return None
    if file_entry.size > MAX_PACKAGE_BYTES:
        out.error(file_entry.path, 1, f"the package is {file_entry.size} bytes; the limit is {MAX_PACKAGE_BYTES}")
        return None
    data = files.read(file_entry, out, limit=MAX_PACKAGE_BYTES)
    if data is None:
        return None
    info = inspect_package(data, file_entry.path, out)
    if info is None:
        return None
    package = c.ScormPackage(file=relative, sha256=files.sha256(file_entry), size=len(data), version=info.version,
                             launch=info.launch, title=info.title, file_count=info.file_count,
                             unpacked_bytes=info.unpacked_bytes, mastery_score=info.mastery_score,
                             launch_data=info.launch_data, source=file_entry)
    titles = texts(entry.title, spec.default_language) if entry.title else {spec.default_language: info.title}
    if spec.default_language not in titles:
        out.error(context.manifest_path, line, f"lesson {entry.id!r}: title needs a text in the default language "
                                               f"({spec.default_language})")
        return None
    variants = {lang: c.LessonVariant(language=lang, title=title, body="", body_first_line=1, path=file_entry.path,
                                      estimated_minutes=entry.estimated_minutes,
                                      ai_content=ai_content(entry.ai_content))
                for lang, title in titles.items()}
    for lang in c.LANGUAGES:
        if lang not in titles and lang in texts(spec.title, spec.default_language):
            out.warning(context.manifest_path, line, f"lesson {entry.id!r} has no {lang} title")
    return c.Lesson(entry.id, variants, kind=KIND, package=package)
