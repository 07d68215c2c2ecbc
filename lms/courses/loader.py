"""Course files -> Course dataclasses, collecting every problem as path:line: message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.courses import content as c
from lms.courses import schema
from lms.courses.lessoncheck import lesson_findings
from lms.courses.markdown import LESSON_LINK, UNSAFE_SCHEME, find_references, resolve_media
from lms.courses.problems import Collector, Problem, ai_content, load_yaml, parse, read_text, texts
from lms.courses.quizfile import load_quiz

MANIFEST = "course.yml"
TEXT_MAX_BYTES = 1024 * 1024
MEDIA_MAX_BYTES = 20 * 1024 * 1024
MEDIA_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf"}
LESSON_FILE = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[a-z]{2})\.md$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^---[ \t]*\r?\n", re.DOTALL | re.MULTILINE)
SVG_ACTIVE = re.compile(rb"<script|\son[a-z]+\s*=|javascript:|<foreignObject", re.IGNORECASE)


@dataclass
class LoadResult:
    """The courses that loaded and every problem found."""

    courses: list[c.Course] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

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
    folders = [root] if (root / MANIFEST).is_file() else sorted(p for p in root.iterdir() if (p / MANIFEST).is_file())
    if folders != [root]:
        # A course folder whose manifest is missing (or misnamed) would vanish without a word, and a sync would
        # retire its course.
        for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if path not in folders:
                out.warning(path / MANIFEST, 1, f"{path.name} has no {MANIFEST}, so it is not loaded as a course")
    seen: dict[str, Path] = {}
    for folder in folders:
        course = load_course(folder, out)
        if course is None:
            continue
        if course.id in seen:
            out.error(folder / MANIFEST, 1, f"course id {course.id!r} is already used by {seen[course.id]}")
            continue
        seen[course.id] = folder / MANIFEST
        result.courses.append(course)
    return result


def _inside(folder: Path, relative: str) -> Path | None:
    """The file `relative` inside `folder`, or None when the path leaves the folder."""
    if relative.startswith(("/", "\\")) or "\\" in relative or ":" in relative:
        return None
    candidate = (folder / relative).resolve()
    try:
        candidate.relative_to(folder.resolve())
    except ValueError:
        return None
    return candidate


def load_course(folder: Path, out: Collector) -> c.Course | None:
    """Load one course folder; report problems to `out`; return None when the course is unusable."""
    manifest_path = folder / MANIFEST
    doc = load_yaml(manifest_path, out)
    if doc is None:
        return None
    spec = parse(schema.CourseSpec, doc, manifest_path, out)
    if spec is None:
        return None
    default = spec.default_language
    errors_before = len([p for p in out.problems if p.is_error])
    title, summary = texts(spec.title, default), texts(spec.summary, default)
    for name, values in (("title", title), ("summary", summary)):
        if default not in values:
            out.error(manifest_path, doc.line_of((name,)), f"{name} needs a text in the default language ({default})")

    media = _check_media(folder, spec, doc, manifest_path, out)
    lessons = _load_lessons(folder, spec, doc, manifest_path, out)
    quiz = None
    if spec.quiz:
        quiz_path = _inside(folder, spec.quiz)
        if quiz_path is None:
            out.error(manifest_path, doc.line_of(("quiz",)), f"quiz path {spec.quiz!r} leaves the course folder")
        elif not quiz_path.is_file():
            out.error(manifest_path, doc.line_of(("quiz",)), f"quiz file {spec.quiz} does not exist")
        else:
            quiz = load_quiz(folder / spec.quiz, default, out)

    # Files renamed with their id kept: a link by the new file name would lead nowhere (lesson links use ids).
    renamed = {LESSON_FILE.match(v.path.name)["id"]: lesson.id for lesson in lessons for v in lesson.variants.values()
               if LESSON_FILE.match(v.path.name)["id"] != lesson.id}
    for lesson in lessons:
        _check_lesson_references(folder, lesson, {le.id for le in lessons}, out, renamed=renamed)
        _check_lesson_markup(lesson, out)
    languages = {lang for lesson in lessons for lang in lesson.variants}
    for lang in sorted(languages - set(title)):
        out.warning(manifest_path, doc.line_of(("title",)), f"title has no {lang} text, but lessons do")
    if len([p for p in out.problems if p.is_error]) > errors_before or (spec.quiz and quiz is None):
        return None
    return c.Course(
        id=spec.id, folder=folder, default_language=default, title=title, summary=summary,
        competency_area=spec.competency_area, level=spec.level, estimated_minutes=spec.estimated_minutes,
        lessons=tuple(lessons), self_enrollment=spec.self_enrollment, certificate=spec.certificate,
        certificate_valid_months=spec.certificate_valid_months,
        ai_content=ai_content(spec.ai_content), quiz=quiz, media=media,
    )


def _check_media(folder: Path, spec, doc, manifest_path: Path, out: Collector) -> tuple[c.Media, ...]:
    media = []
    seen = set()
    for i, item in enumerate(spec.media):
        line = doc.line_of(("media", i, "file"))
        path = _inside(folder, item.file)
        if path is None:
            out.error(manifest_path, line, f"media path {item.file!r} leaves the course folder")
            continue
        relative = path.relative_to(folder.resolve()).as_posix()
        if relative in seen:
            out.error(manifest_path, line, f"media file {relative} is listed twice")
            continue
        seen.add(relative)
        if _check_media_file(path, manifest_path, line, out):
            media.append(c.Media(relative, ai_content(item.ai_content)))
    return tuple(media)


def _check_media_file(path: Path, where: Path, line: int, out: Collector) -> bool:
    if not path.is_file():
        out.error(where, line, f"file {path.name} does not exist")
        return False
    if path.suffix.lower() not in MEDIA_SUFFIXES:
        out.error(where, line, f"{path.name}: media must be one of {', '.join(sorted(MEDIA_SUFFIXES))}")
        return False
    size = path.stat().st_size
    if size > MEDIA_MAX_BYTES:
        out.error(where, line, f"{path.name} is {size} bytes; the limit is {MEDIA_MAX_BYTES}")
        return False
    if path.suffix.lower() == ".svg" and SVG_ACTIVE.search(path.read_bytes()):
        out.error(where, line, f"{path.name}: SVG files may not contain scripts, event handlers or foreignObject")
        return False
    return True


def _load_lessons(folder: Path, spec, doc, manifest_path: Path, out: Collector) -> list[c.Lesson]:
    lesson_dir = folder / "lessons"
    files: dict[str, dict[str, Path]] = {}
    if lesson_dir.is_dir():
        for path in sorted(lesson_dir.iterdir()):
            match = LESSON_FILE.match(path.name)
            if path.suffix != ".md":
                continue
            if not match or match["lang"] not in c.LANGUAGES:
                out.error(path, 1, "lesson files are named <lesson-id>.<kk|ru|en>.md")
                continue
            files.setdefault(match["id"], {})[match["lang"]] = path
    lessons = []
    listed = set()
    used_files: set[str] = set()
    for i, entry in enumerate(spec.lessons):
        line = doc.line_of(("lessons", i))
        # "- intro" reads lessons/intro.*.md; "- {id: intro, file: getting-started}" keeps the id after a rename.
        lesson_id, stem = (entry, entry) if isinstance(entry, str) else (entry.id, entry.file)
        if lesson_id in listed:
            out.error(manifest_path, line, f"lesson {lesson_id!r} is listed twice")
            continue
        if stem in used_files:
            out.error(manifest_path, line, f"lesson files lessons/{stem}.*.md are listed twice")
            continue
        listed.add(lesson_id)
        used_files.add(stem)
        variants_files = files.get(stem, {})
        if spec.default_language not in variants_files:
            out.error(manifest_path, line,
                      f"lesson {lesson_id!r} has no file lessons/{stem}.{spec.default_language}.md")
            continue
        variants = {}
        for lang, path in variants_files.items():
            variant = _load_variant(path, lang, out)
            if variant is not None:
                variants[lang] = variant
        for lang in c.LANGUAGES:
            if lang not in variants_files and lang in texts(spec.title, spec.default_language):
                out.warning(manifest_path, line, f"lesson {lesson_id!r} has no {lang} translation")
        lessons.append(c.Lesson(lesson_id, variants))
    for stem in sorted(set(files) - used_files):
        path = next(iter(files[stem].values()))
        out.warning(path, 1, f"lesson {stem!r} is not listed in {MANIFEST}; learners will not see it")
    return lessons


def _load_variant(path: Path, lang: str, out: Collector) -> c.LessonVariant | None:
    text = read_text(path, out)
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


def _check_lesson_markup(lesson: c.Lesson, out: Collector) -> None:
    for variant in lesson.variants.values():
        for finding in lesson_findings(variant.body):
            out.warning(variant.path, variant.body_first_line + finding.line - 1, finding.message)


def _check_lesson_references(folder: Path, lesson: c.Lesson, lesson_ids: set[str], out: Collector, *,
                             renamed: dict[str, str] | None = None) -> None:
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
            if media is None:
                out.error(variant.path, line, f"{ref.kind} path {target!r} leaves the course folder")
                continue
            path = _inside(folder, media)
            if path is None:
                out.error(variant.path, line, f"{ref.kind} path {target!r} leaves the course folder")
                continue
            if ref.kind == "image" and not media.startswith("media/"):  # only media/ is served to learners
                out.error(variant.path, line, f"image {target} is not in the media/ folder")
                continue
            if not path.is_file():
                kind = "image" if ref.kind == "image" else "linked file"
                out.error(variant.path, line, f"{kind} {target} does not exist")
                continue
            _check_media_file(path, variant.path, line, out)
