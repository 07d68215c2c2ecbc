"""Sync parsed course content into the database, and read courses for the pages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import load_only

from lms.courses import cache
from lms.courses import content as c
from lms.courses.folder import FileChanged, read_bytes
from lms.courses.framework_sync import sync_framework
from lms.courses.media import MEDIA_MAX_BYTES
from lms.courses.models import Course, CourseFile, FileBlob, Lesson, QuizVersion
from lms.courses.renames import LessonRename, likely_renames
from lms.courses.scorm_package import MAX_PACKAGE_BYTES, unpack
from lms.errors import DomainError
from lms.extensions import db


class ContentChanged(DomainError):
    """A course file changed between the check and the sync; nothing may be synced from it."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}; nothing was synced, run the sync again")
        self.path = path


@dataclass
class SyncReport:
    """What a sync did: course/lesson/quiz labels added, changed and retired."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    #: Lessons retired and added with nearly the same text: probably renamed files (learners lose their tick).
    renames: list[LessonRename] = field(default_factory=list)
    #: Media files recorded, replaced or no longer served ("+ course/media/x.svg", "~ ...", "- ...").
    files: list[str] = field(default_factory=list)
    #: Ids of the courses a lesson was retired from or restored to: their enrolments' lessons-done figures count
    #: live lessons only, so they must be recounted (learning.services.sync_content does).
    lessons_relisted: set[int] = field(default_factory=set)
    #: SCORM packages unpacked by this sync ("course/scorm/x.zip"): versions no earlier sync had unpacked here.
    unpacked: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """True when the sync wrote anything."""
        return bool(self.added or self.changed or self.retired or self.files)


class TooManyRetirements(DomainError):
    """A sync would retire more than the allowed share of the live courses: an empty or wrong courses folder?"""

    def __init__(self, course_keys: list[str], *, live: int, max_share: float):
        self.course_keys, self.live, self.max_share = course_keys, live, max_share
        super().__init__(f"refusing to retire {len(course_keys)} of {live} live courses in one sync (more than "
                         f"{max_share:.0%}): {', '.join(course_keys)}")


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _ai(value: c.AIContent | None) -> dict | None:
    return value.as_dict() if value else None


def lesson_content(lesson: c.Lesson) -> dict:
    """The stored form of a lesson: every language version."""
    return {lang: {"title": v.title, "body": v.body, "estimated_minutes": v.estimated_minutes,
                   "ai_content": _ai(v.ai_content)} for lang, v in lesson.variants.items()}


def lesson_version(lesson: c.Lesson, stored: dict) -> str:
    """The content hash of a lesson: its stored text, and for a SCORM lesson its package (so a new zip counts)."""
    if lesson.package is None:
        return _digest(stored)
    return _digest({"content": stored, "package": lesson.package.as_dict()})


def lesson_outline(stored: dict) -> dict:
    """A lesson's stored content without the bodies (titles, minutes, AI labels by language), for lesson lists."""
    return {lang: {k: v for k, v in variant.items() if k != "body"} for lang, variant in stored.items()}


def quiz_snapshot(quiz: c.Quiz) -> tuple[dict, list]:
    """The stored form of a quiz: (settings, questions)."""
    settings = {"max_attempts": quiz.max_attempts, "wait_minutes": quiz.wait_minutes,
                "time_limit_minutes": quiz.time_limit_minutes, "draw": quiz.draw,
                "draw_per_topic": dict(quiz.draw_per_topic), "shuffle_options": quiz.shuffle_options,
                "review": quiz.review}
    if quiz.pretest_questions:  # only when set: the settings (and version digest) of other quizzes stay as they were
        settings["pretest"] = {"questions": quiz.pretest_questions}
    # A question that names no competency is stored (and hashed) as before competencies existed: adding the
    # framework gives untagged quizzes no new version.
    questions = [{k: v for k, v in asdict(q).items() if k != "competencies" or v} for q in quiz.questions]
    return settings, questions


def sync_courses(courses: list[c.Course], *, root: Path, now: datetime, retire_missing: bool = True,
                 max_retire_share: float | None = 0.5, package_dir: Path | None = None,
                 framework=None) -> SyncReport:
    """Bring the database in line with `courses` (already checked); flush only. Idempotent.

    Never deletes: courses and lessons that are gone from the files are retired (courses only when
    `retire_missing`, i.e. `courses` is the whole set); a changed quiz gets a new version and the old one stays
    for the attempts graded against it. Raises TooManyRetirements, having changed nothing, when more than
    `max_retire_share` of the live courses would be retired (None: no limit; callers pass the
    SYNC_MAX_RETIRE_SHARE setting, or None when the operator asked for it).

    SCORM packages are unpacked into `package_dir` (the SCORM_DIR setting), once per content hash, before anything
    is written; raises ValueError when a course has a SCORM lesson and no `package_dir` is given, and ContentChanged
    when a package changed since it was checked. `framework` (lms.courses.framework.Framework, when the files have
    one) is synced first (lms.courses.framework_sync).
    """
    report = SyncReport()
    existing = {course.key: course for course in db.session.scalars(select(Course))}
    present = {content.id for content in courses}
    if retire_missing and max_retire_share is not None:
        live = [key for key, course in existing.items() if not course.is_retired]
        leaving = sorted(key for key in live if key not in present)
        if leaving and len(leaving) > max_retire_share * len(live):
            raise TooManyRetirements(leaving, live=len(live), max_share=max_retire_share)
    for content in courses:
        _unpack_packages(content, package_dir, report)
    if framework is not None:
        sync_framework(framework, now=now, report=report)
    for content in courses:
        course = existing.get(content.id)
        _sync_course(course, content, root=root, now=now, report=report)
    for key, course in sorted(existing.items()):  # by key: the report reads the same on every engine
        if retire_missing and key not in present and not course.is_retired:
            course.is_retired = True
            course.synced_at = now
            report.retired.append(f"course {key}")
    db.session.flush()
    if report.files:  # bytes no recorded file refers to any more
        db.session.execute(delete(FileBlob).where(FileBlob.sha256.not_in(select(CourseFile.sha256))))
    return report


def _sync_course(course: Course | None, content: c.Course, *, root: Path, now: datetime, report: SyncReport) -> None:
    version = content.version
    fields = {
        "folder": content.folder.resolve().relative_to(root.resolve()).as_posix(),
        "default_language": content.default_language, "title": content.title, "summary": content.summary,
        "competency_area": content.competency_area, "level": content.level,
        "estimated_minutes": content.estimated_minutes, "languages": ",".join(content.languages),
        "self_enrollment": content.self_enrollment,
        "enrollment_approval": content.enrollment_approval, "has_certificate": content.certificate,
        "certificate_valid_months": content.certificate_valid_months,
        "ai_content": _ai(content.ai_content),
        "media": {m.file: _ai(m.ai_content) for m in content.media if m.ai_content},
        "evaluation": content.evaluation.as_dict() if content.evaluation else None,
        "search_text": " ".join(content.title.values()).lower(), "is_retired": False,
        "competencies": [{"id": key, "level": level} for key, level in content.competencies],
    }
    if course is None:
        course = Course(key=content.id, version=version, synced_at=now, created_at=now, **fields)
        db.session.add(course)
        db.session.flush()
        report.added.append(f"course {content.id}")
    elif course.version != version or any(getattr(course, k) != v for k, v in fields.items()):
        for name, value in fields.items():
            setattr(course, name, value)
        course.version = version
        course.synced_at = now
        report.changed.append(f"course {content.id}")
    _sync_lessons(course, content, now=now, report=report)
    _sync_quiz(course, content, now=now, report=report)
    _sync_files(course, content, now=now, report=report)


def _sync_files(course: Course, content: c.Course, *, now: datetime, report: SyncReport) -> None:
    """Record the course's media files as check read them, storing the bytes of each hash not stored yet."""
    rows = {row.path: row for row in db.session.scalars(select(CourseFile).where(CourseFile.course_id == course.id))}
    wanted = {file.path: file for file in content.files}
    hashes = {file.sha256 for file in content.files}
    stored = set(db.session.scalars(select(FileBlob.sha256).where(FileBlob.sha256.in_(hashes)))) if hashes else set()
    for file in content.files:
        if file.sha256 not in stored:
            db.session.add(FileBlob(sha256=file.sha256, size=file.size, data=_checked_bytes(file), created_at=now))
            stored.add(file.sha256)
    db.session.flush()  # the bytes before the rows that refer to them
    for file in content.files:
        row = rows.get(file.path)
        label = f"{content.id}/{file.path}"
        if row is None:
            db.session.add(CourseFile(course_id=course.id, path=file.path, sha256=file.sha256, size=file.size,
                                      content_type=file.content_type, synced_at=now))
            report.files.append(f"+ {label}")
        elif (row.sha256, row.size, row.content_type) != (file.sha256, file.size, file.content_type):
            row.sha256, row.size, row.content_type, row.synced_at = file.sha256, file.size, file.content_type, now
            report.files.append(f"~ {label}")
    for path, row in rows.items():
        if path not in wanted:
            db.session.delete(row)
            report.files.append(f"- {content.id}/{path}")


def _checked_bytes(file: c.CourseFile | c.ScormPackage, limit: int = MEDIA_MAX_BYTES) -> bytes:
    # The bytes stored must be the bytes check read: same file (no link, same inode), same hash.
    try:
        data = read_bytes(file.source, limit=limit)
    except (FileChanged, ValueError) as exc:
        raise ContentChanged(file.source.path, str(exc)) from None
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise ContentChanged(file.source.path, "the file changed after it was checked")
    return data


def _unpack_packages(content: c.Course, package_dir: Path | None, report: SyncReport) -> None:
    """Unpack each SCORM package of the course not unpacked yet (by content hash), from the bytes check read."""
    for lesson in content.lessons:
        package = lesson.package
        if package is None:
            continue
        if package_dir is None:
            raise ValueError("sync_courses needs package_dir (the SCORM_DIR setting) to unpack SCORM packages")
        if (Path(package_dir) / package.sha256).is_dir():
            continue
        data = _checked_bytes(package, MAX_PACKAGE_BYTES)
        try:
            if unpack(data, package.sha256, Path(package_dir)):
                report.unpacked.append(f"{content.id}/{package.file}")
        except ValueError as exc:
            raise ContentChanged(package.source.path, str(exc)) from None


def _sync_lessons(course: Course, content: c.Course, *, now: datetime, report: SyncReport) -> None:
    rows = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))
    existing = {lesson.key: lesson for lesson in rows}
    arrived: list[tuple[str, str, dict]] = []  # lessons learners did not see before this sync: (key, file, content)
    for position, lesson in enumerate(content.lessons, start=1):
        stored = lesson_content(lesson)
        version = lesson_version(lesson, stored)
        package = lesson.package.as_dict() if lesson.package is not None else None
        row = existing.get(lesson.id)
        label = f"lesson {content.id}/{lesson.id}"
        if row is None or row.is_retired:
            arrived.append((lesson.id, next(iter(lesson.variants.values())).path.name.split(".")[0], stored))
        if row is None:
            db.session.add(Lesson(course_id=course.id, key=lesson.id, position=position, version=version,
                                  content=stored, outline=lesson_outline(stored), package=package, created_at=now,
                                  updated_at=now))
            report.added.append(label)
        elif row.version != version or row.position != position or row.is_retired:
            if row.is_retired:
                report.lessons_relisted.add(course.id)
            row.position, row.version, row.content, row.outline, row.package, row.is_retired, row.updated_at = (
                position, version, stored, lesson_outline(stored), package, False, now)
            report.changed.append(label)
    listed = {lesson.id for lesson in content.lessons}
    departed: list[tuple[str, int, dict]] = []
    for key, row in existing.items():
        if key not in listed and not row.is_retired:
            row.is_retired = True
            row.updated_at = now
            report.retired.append(f"lesson {content.id}/{key}")
            report.lessons_relisted.add(course.id)
            departed.append((key, row.id, row.content))
    if arrived and departed:
        report.renames += likely_renames(content.id, departed, arrived)


def _sync_quiz(course: Course, content: c.Course, *, now: datetime, report: SyncReport) -> None:
    current = db.session.scalar(select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                          QuizVersion.is_current.is_(True)))
    if content.quiz is None:
        if current is not None:
            current.is_current = False
            report.retired.append(f"quiz {content.id}/{current.key}")
        return
    settings, questions = quiz_snapshot(content.quiz)
    version = _digest({"id": content.quiz.id, "pass_mark": content.quiz.pass_mark, "settings": settings,
                       "questions": questions})
    if current is not None and current.version == version:
        return
    if current is not None:
        current.is_current = False
    earlier = db.session.scalar(select(QuizVersion).where(
        QuizVersion.course_id == course.id, QuizVersion.key == content.quiz.id, QuizVersion.version == version))
    if earlier is not None:  # the files went back to an earlier version: make that one current again
        earlier.is_current = True
    else:
        db.session.add(QuizVersion(course_id=course.id, key=content.quiz.id, version=version,
                                   pass_mark=content.quiz.pass_mark, settings=settings, questions=questions,
                                   question_count=len(questions), is_current=True, created_at=now))
    (report.changed if current is not None else report.added).append(f"quiz {content.id}/{content.quiz.id}")


# --- reading -------------------------------------------------------------------------------------

def catalogue_query(*, area: str | None = None, level: str | None = None, language: str | None = None,
                    search: str | None = None) -> Select:
    """Live courses matching the filters, ordered by key."""
    query = select(Course).where(Course.is_retired.is_(False)).order_by(Course.key)
    if area:
        query = query.where(Course.competency_area == area)
    if level:
        query = query.where(Course.level == level)
    if language:
        query = query.where(Course.languages.contains(language))
    if search:
        query = query.where(Course.search_text.contains(search.strip().lower(), autoescape=True))
    return query


def get_live_course(key: str) -> Course | None:
    """The course with this key unless it is retired (from the content cache when it can serve)."""
    live = cache.live_content()
    if live is not None:
        course = live.by_key.get(key)
        return cache.attach(course) if course is not None else None
    return db.session.scalar(select(Course).where(Course.key == key, Course.is_retired.is_(False)))


def list_live_lessons(course: Course) -> list[Lesson]:
    """The course's lessons that are not retired, in order (from the content cache when it can serve)."""
    live = cache.live_content()
    if live is not None and course.id in live.lessons:
        return [cache.attach(lesson) for lesson in live.lessons[course.id]]
    return list(db.session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.is_retired.is_(False))
                                   .order_by(Lesson.position)))


def get_lesson_variant(lesson: Lesson, locale: str, default: str) -> tuple[str, dict]:
    """Lesson.variant (language shown, its title, body, minutes and AI label), with the text from the content cache
    when it holds this lesson."""
    live = cache.live_content()
    content = live.contents.get(lesson.id) if live is not None else None
    if content is None:
        return lesson.variant(locale, default)
    language = lesson.language_for(locale, default)
    return language, content[language]


def list_live_lessons_of(course_ids: list[int]) -> list[Lesson]:
    """The live lessons of several courses, in course then lesson order (one query, or none from the content
    cache), for progress summaries.

    From the database only their ids, keys and positions are loaded; any other attribute is read when used.
    """
    live = cache.live_content()
    if live is not None and all(course_id in live.lessons for course_id in course_ids):
        return [cache.attach(lesson) for course_id in sorted(course_ids) for lesson in live.lessons[course_id]]
    return list(db.session.scalars(
        select(Lesson).options(load_only(Lesson.id, Lesson.course_id, Lesson.key, Lesson.position))
        .where(Lesson.course_id.in_(course_ids), Lesson.is_retired.is_(False))
        .order_by(Lesson.course_id, Lesson.position)))


def get_live_file(course_key: str, path: str) -> CourseFile | None:
    """The recorded media file at `path` of the live course `course_key` (without its bytes), or None."""
    return db.session.scalar(select(CourseFile).join(Course, Course.id == CourseFile.course_id).where(
        Course.key == course_key, Course.is_retired.is_(False), CourseFile.path == path))


def get_file_bytes(sha256: str) -> bytes | None:
    """The stored bytes with this content hash."""
    return db.session.scalar(select(FileBlob.data).where(FileBlob.sha256 == sha256))


def list_quiz_course_ids(course_ids: list[int]) -> set[int]:
    """Which of these courses have a final quiz (one query, or none from the content cache)."""
    if not course_ids:
        return set()
    live = cache.live_content()
    if live is not None and all(course_id in live.by_id for course_id in course_ids):
        return {course_id for course_id in course_ids if course_id in live.quizzes}
    return set(db.session.scalars(select(QuizVersion.course_id).where(QuizVersion.course_id.in_(course_ids),
                                                                      QuizVersion.is_current.is_(True))))


def get_current_quiz(course: Course) -> QuizVersion | None:
    """The quiz version new attempts use, if the course has a quiz (from the content cache when it can serve)."""
    live = cache.live_content()
    if live is not None and course.id in live.by_id:
        quiz = live.quizzes.get(course.id)
        return cache.attach(quiz) if quiz is not None else None
    return db.session.scalar(select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                       QuizVersion.is_current.is_(True)))
