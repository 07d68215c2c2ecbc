"""Course files -> Course dataclasses, collecting every problem as path:line: message.

Every file is read through a CourseFolder scan (lms.courses.folder): symbolic links, special files and anything
else that could lead out of the course folder are refused, in every part of a course, used or not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lms.courses import content as c
from lms.courses import lessontypes, schema
from lms.courses.folder import CourseFolder, FileEntry, normalise
from lms.courses.framework import Framework, check_area, competency_refs, framework_path, load_framework
from lms.courses.lessoncheck import lesson_findings
from lms.courses.lessontypes.markdown import FRONT_MATTER, LESSON_FILE
from lms.courses.markdown import LESSON_LINK, UNSAFE_SCHEME, find_references, resolve_media
from lms.courses.media import MEDIA_MAX_BYTES, MEDIA_TYPES, content_problems
from lms.courses.problems import Collector, Problem, ai_content, load_yaml, parse, texts
from lms.courses.programmes import PROGRAMMES_DIR, Programme, load_programmes
from lms.courses.quizfile import load_quiz

MANIFEST = "course.yml"
#: Only files under media/ are served to learners.
MEDIA_DIR = "media/"
MEDIA_SUFFIXES = set(MEDIA_TYPES)
__all__ = ["FRONT_MATTER", "LESSON_FILE", "LoadResult", "load_course", "load_courses"]


@dataclass
class LoadResult:
    """The courses that loaded and every problem found."""

    courses: list[c.Course] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The programmes in courses/programmes/ (loaded only when the whole courses folder is, never for one course).
    programmes: list[Programme] = field(default_factory=list)
    #: The competency framework (courses/competencies.yml), when there is one without errors.
    framework: Framework | None = None

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the content unusable."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth fixing that do not stop a sync (e.g. missing translations)."""
        return [p for p in self.problems if not p.is_error]


def load_courses(root: Path) -> LoadResult:
    """Load every course under `root` (a folder of course folders, or one course folder)."""
    result = LoadResult()
    out = Collector(result.problems)
    root = Path(root)
    if not root.is_dir():
        out.error(root, 1, "not a folder")
        return result
    framework = result.framework = load_framework(framework_path(root), out)
    if os.path.lexists(root / MANIFEST):  # a link named course.yml still makes a course folder (and is refused)
        folders = [root]
    else:
        folders = []
        for path in sorted(root.iterdir()):
            if path.is_symlink():
                if path.is_dir() and not path.name.startswith("."):
                    out.error(path, 1, f"{path.name} is a symbolic link to a folder; a course folder must be a "
                                       "real folder inside the courses folder")
                continue
            if path.is_dir() and os.path.lexists(path / MANIFEST):
                folders.append(path)
        # A course folder whose manifest is missing (or misnamed) would vanish without a word, and a sync would
        # retire its course.
        for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                           and not p.name.startswith(".") and p.name != PROGRAMMES_DIR):
            if path not in folders:
                out.warning(path / MANIFEST, 1, f"{path.name} has no {MANIFEST}, so it is not loaded as a course")
    seen: dict[str, Path] = {}
    for folder in folders:
        course = load_course(folder, out, framework=framework)
        if course is None:
            continue
        if course.id in seen:
            out.error(folder / MANIFEST, 1, f"course id {course.id!r} is already used by {seen[course.id]}")
            continue
        seen[course.id] = folder / MANIFEST
        result.courses.append(course)
    if folders != [root]:
        result.programmes = load_programmes(root / PROGRAMMES_DIR, set(seen), out)
    return result


def load_course(folder: Path, out: Collector, *, framework: Framework | None = None) -> c.Course | None:
    """Load one course folder; report problems to `out`; return None when the course is unusable.

    The competencies the course and its questions name are checked against `framework`."""
    errors_before = len([p for p in out.problems if p.is_error])
    files = CourseFolder.scan(folder, out)
    manifest_path = folder / MANIFEST
    entry = files.get(MANIFEST)
    if entry is None:
        if not files.is_refused(MANIFEST):
            out.error(manifest_path, 1, f"{MANIFEST} is not a regular file")
        return None
    text = files.read_text(entry, out)
    doc = load_yaml(manifest_path, out, text=text) if text is not None else None
    if doc is None:
        return None
    spec = parse(schema.CourseSpec, doc, manifest_path, out)
    if spec is None:
        return None
    default = spec.default_language
    title, summary = texts(spec.title, default), texts(spec.summary, default)
    for name, values in (("title", title), ("summary", summary)):
        if default not in values:
            out.error(manifest_path, doc.line_of((name,)), f"{name} needs a text in the default language ({default})")
    if spec.enrollment_approval and not spec.self_enrollment:
        out.error(manifest_path, doc.line_of(("enrollment_approval",)),
                  "enrollment_approval: needs self_enrollment: true (approval is asked for when a learner enrols "
                  "themselves; a course open by assignment only has nothing to approve)",
                  code="approval-without-self-enrollment")

    evaluation = _load_evaluation(spec, doc, manifest_path, out)
    check_area(spec.competency_area, doc.line_of(("competency_area",)), manifest_path, out, framework)
    competencies = competency_refs(spec.competencies, ("competencies",), doc, manifest_path, out, framework)
    media = _check_listed_media(files, spec, doc, manifest_path, out)
    lessons = _load_lessons(files, spec, doc, manifest_path, out)
    quiz = None
    if spec.quiz:
        quiz_relative = normalise(spec.quiz)
        quiz_entry = files.get(quiz_relative) if quiz_relative else None
        if quiz_relative is None:
            out.error(manifest_path, doc.line_of(("quiz",)), f"quiz path {spec.quiz!r} leaves the course folder")
        elif quiz_entry is None:
            if not files.is_refused(quiz_relative):  # a link is reported at the file itself
                out.error(manifest_path, doc.line_of(("quiz",)), f"quiz file {spec.quiz} does not exist")
        else:
            quiz_text = files.read_text(quiz_entry, out)
            if quiz_text is not None:
                quiz = load_quiz(quiz_entry.path, default, out, text=quiz_text, framework=framework)

    # Files renamed with their id kept: a link by the new file name would lead nowhere (lesson links use ids).
    markdown = [lesson for lesson in lessons if lesson.kind == "markdown"]
    renamed = {LESSON_FILE.match(v.path.name)["id"]: lesson.id for lesson in markdown for v in lesson.variants.values()
               if LESSON_FILE.match(v.path.name)["id"] != lesson.id}
    used: dict[str, None] = {}  # media used by lessons, in order of first use
    for lesson in markdown:
        _check_lesson_references(files, lesson, {le.id for le in lessons}, out, used, renamed=renamed)
        _check_lesson_markup(lesson, out)
    served = _check_media_content(files, [*(m.file for m in media), *used], out)
    _warn_unreferenced_media(files, {m.file for m in media} | set(used), out)
    languages = {lang for lesson in lessons for lang in lesson.variants}
    for lang in sorted(languages - set(title)):
        out.warning(manifest_path, doc.line_of(("title",)), f"title has no {lang} text, but lessons do")
    if len([p for p in out.problems if p.is_error]) > errors_before or (spec.quiz and quiz is None):
        return None
    version = files.digest(out)
    if version is None:
        return None
    return c.Course(
        id=spec.id, folder=folder, default_language=default, title=title, summary=summary,
        competency_area=spec.competency_area, level=spec.level, estimated_minutes=spec.estimated_minutes,
        lessons=tuple(lessons), self_enrollment=spec.self_enrollment,
        enrollment_approval=spec.enrollment_approval, certificate=spec.certificate,
        certificate_valid_months=spec.certificate_valid_months,
        ai_content=ai_content(spec.ai_content), quiz=quiz, media=media, version=version, files=served,
        evaluation=evaluation,
        competencies=competencies,
    )


def _load_evaluation(spec, doc, manifest_path: Path, out: Collector) -> c.Evaluation | None:
    """The course's own evaluation questionnaire: ids unique, a text in the default language (a warning for each
    language the course has titles in but a question lacks)."""
    if spec.evaluation is None:
        return None
    default, seen, questions = spec.default_language, set(), []
    for i, item in enumerate(spec.evaluation.questions):
        line = doc.line_of(("evaluation", "questions", i, "id"))
        if item.id in seen:
            out.error(manifest_path, line, f"evaluation question {item.id!r} is listed twice",
                      code="evaluation-duplicate-id")
            continue
        seen.add(item.id)
        text = texts(item.text, default)
        text_line = doc.line_of(("evaluation", "questions", i, "text"))
        if default not in text:
            out.error(manifest_path, text_line,
                      f"evaluation question {item.id!r} needs a text in the default language ({default})",
                      code="evaluation-default-text")
        for lang in sorted(set(texts(spec.title, default)) - set(text)):
            out.warning(manifest_path, text_line, f"evaluation question {item.id!r} has no {lang} text")
        questions.append((item.id, text))
    return c.Evaluation(tuple(questions), spec.evaluation.comment)


def _check_listed_media(files: CourseFolder, spec, doc, manifest_path: Path, out: Collector) -> tuple[c.Media, ...]:
    media = []
    seen = set()
    for i, item in enumerate(spec.media):
        line = doc.line_of(("media", i, "file"))
        relative = normalise(item.file)
        if relative is None:
            out.error(manifest_path, line, f"media path {item.file!r} leaves the course folder")
            continue
        if relative in seen:
            out.error(manifest_path, line, f"media file {relative} is listed twice")
            continue
        seen.add(relative)
        name = PurePosixPath(relative).name
        if _check_reference(files, relative, manifest_path, line, out, missing=f"file {name} does not exist"):
            media.append(c.Media(relative, ai_content(item.ai_content)))
    return tuple(media)


def _check_reference(files: CourseFolder, relative: str, where: Path, line: int, out: Collector, *,
                     missing: str) -> FileEntry | None:
    """The media file a manifest entry or lesson points to, if it exists with a media suffix and size."""
    entry = files.get(relative)
    if entry is None:
        if not files.is_refused(relative):  # a link is reported at the file itself
            out.error(where, line, missing)
        return None
    name, suffix = PurePosixPath(relative).name, PurePosixPath(relative).suffix.lower()
    if suffix not in MEDIA_SUFFIXES:
        out.error(where, line, f"{name}: media must be one of {', '.join(sorted(MEDIA_SUFFIXES))}")
        return None
    if entry.size > MEDIA_MAX_BYTES:
        out.error(where, line, f"{name} is {entry.size} bytes; the limit is {MEDIA_MAX_BYTES}")
        return None
    return entry


def _check_media_content(files: CourseFolder, paths: list[str], out: Collector) -> tuple[c.CourseFile, ...]:
    """Read each listed or used media file once, check its bytes, and return those under media/ to be served."""
    served = []
    for relative in dict.fromkeys(paths):
        entry = files.get(relative)
        if entry is None:
            continue
        data = files.read(entry, out, limit=MEDIA_MAX_BYTES)
        if data is None:
            continue
        suffix = PurePosixPath(relative).suffix.lower()
        problems = content_problems(PurePosixPath(relative).name, suffix, data)
        for line, message in problems:
            out.error(entry.path, line, message)
        if not problems and relative.startswith(MEDIA_DIR):
            served.append(c.CourseFile(relative, files.sha256(entry), len(data), MEDIA_TYPES[suffix], entry))
    return tuple(served)


def _warn_unreferenced_media(files: CourseFolder, referenced: set[str], out: Collector) -> None:
    for entry in files.under(MEDIA_DIR):
        if entry.relative not in referenced and not entry.is_hidden:
            out.warning(entry.path, 1, f"{entry.relative} is neither listed in {MANIFEST} nor used by a lesson, "
                                       "so it is not served")


def _load_lessons(files: CourseFolder, spec, doc, manifest_path: Path, out: Collector) -> list[c.Lesson]:
    """Each listed lesson, read by its type's module (lms.courses.lessontypes); ids listed twice are refused."""
    context = lessontypes.LessonContext(files=files, spec=spec, doc=doc, manifest_path=manifest_path, out=out)
    lessons = []
    listed = set()
    for i, entry in enumerate(spec.lessons):
        line = doc.line_of(("lessons", i))
        kind = lessontypes.kind_of(entry)
        lesson_id = entry if isinstance(entry, str) else entry.id
        if lesson_id in listed:
            out.error(manifest_path, line, f"lesson {lesson_id!r} is listed twice")
            continue
        listed.add(lesson_id)
        lesson = lessontypes.TYPES[kind].load(context, entry, line)
        if lesson is not None:
            lessons.append(lesson)
    for module in lessontypes.TYPES.values():
        finish = getattr(module, "finish", None)
        if finish is not None:
            finish(context)
    return lessons


def _check_lesson_markup(lesson: c.Lesson, out: Collector) -> None:
    for variant in lesson.variants.values():
        for finding in lesson_findings(variant.body):
            out.warning(variant.path, variant.body_first_line + finding.line - 1, finding.message)


def _check_lesson_references(files: CourseFolder, lesson: c.Lesson, lesson_ids: set[str], out: Collector,
                             used: dict[str, None], *, renamed: dict[str, str] | None = None) -> None:
    for variant in lesson.variants.values():
        for ref in find_references(variant.body):
            line = variant.body_first_line + ref.line - 1
            target = ref.target
            if UNSAFE_SCHEME.match(target):
                out.error(variant.path, line, f"unsafe {ref.kind} target {target!r}")
                continue
            if "://" in target or target.startswith(("#", "mailto:")):
                continue
            if ref.kind == "link":
                match = LESSON_LINK.match(target)
                if match:
                    if match["id"] not in lesson_ids and match["id"] in (renamed or {}):
                        out.error(variant.path, line, f"link to {target}: lesson links use the lesson id, "
                                                      f"{renamed[match['id']]}.md")
                    elif match["id"] not in lesson_ids:
                        out.error(variant.path, line, f"link to a lesson that does not exist: {target}")
                    continue
            media = resolve_media(target)
            relative = normalise(media) if media is not None else None
            if relative is None:
                out.error(variant.path, line, f"{ref.kind} path {target!r} leaves the course folder")
                continue
            if ref.kind == "image" and not relative.startswith(MEDIA_DIR):  # only media/ is served to learners
                out.error(variant.path, line, f"image {target} is not in the media/ folder")
                continue
            kind = "image" if ref.kind == "image" else "linked file"
            if _check_reference(files, relative, variant.path, line, out, missing=f"{kind} {target} does not exist"):
                used.setdefault(relative, None)
