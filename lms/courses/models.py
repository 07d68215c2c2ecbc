"""Courses, lessons and quiz versions as synced from the content files.

Rows are never deleted by a sync: a course or lesson that leaves the files is retired (hidden from new learners),
so learners' records that point at it stay valid.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms import content_version
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import localized


class Course(db.Model):
    """A course; `key` is the stable id from its manifest."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Folder of the course files, relative to the courses root. Media are served from CourseFile, never from here.
    folder: Mapped[str] = mapped_column(String(300))
    #: Content hash of the whole course (manifest, lessons, quiz, media); changes with any edit.
    version: Mapped[str] = mapped_column(String(64))
    default_language: Mapped[str] = mapped_column(String(2))
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    competency_area: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    estimated_minutes: Mapped[int]
    #: Languages in which every lesson can be read, e.g. "en,ru".
    languages: Mapped[str] = mapped_column(String(20))
    self_enrollment: Mapped[bool] = mapped_column(default=True)
    #: Self-enrolment is a request the learner's line manager (or HR officer) approves (lms.approvals); assigned
    #: learners are enrolled without one.
    enrollment_approval: Mapped[bool] = mapped_column(default=False)
    has_certificate: Mapped[bool] = mapped_column(default=False)
    #: Months a certificate stays valid; None: no expiry.
    certificate_valid_months: Mapped[int | None]
    ai_content: Mapped[dict | None] = mapped_column(JSON)
    #: {relative media path: ai_content dict} for media files declared in the manifest.
    media: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The course's own evaluation questionnaire (content.Evaluation.as_dict); None: the default questions.
    evaluation: Mapped[dict | None] = mapped_column(JSON)
    #: [{"id": competency key, "level": n}] that passing the final quiz evidences (courses/competencies.yml).
    competencies: Mapped[list | None] = mapped_column(JSON)
    #: Lower-cased titles in every language, for catalogue search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    is_retired: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(back_populates="course", order_by="Lesson.position")
    quiz_versions: Mapped[list[QuizVersion]] = relationship(back_populates="course")

    def title_in(self, locale: str) -> str:
        """The title in `locale`, or in another language when that one is missing."""
        return localized(self.title, locale)

    def summary_in(self, locale: str) -> str:
        """The summary in `locale`, or in another language when that one is missing."""
        return localized(self.summary, locale)

    @property
    def language_list(self) -> list[str]:
        """The languages in which the whole course can be read."""
        return [lang for lang in self.languages.split(",") if lang]


class Lesson(db.Model):
    """A lesson of a course; `key` is its stable id. `content` holds every language version.

    `content` (every language's full text) is loaded only when read: lesson lists need only `outline`.
    """

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    #: Content hash of this lesson (all languages); recorded with learners' progress.
    version: Mapped[str] = mapped_column(String(64))
    #: {lang: {"title", "body", "estimated_minutes", "ai_content"}}
    content: Mapped[dict] = mapped_column(JSON, deferred=True)
    #: `content` without the bodies: {lang: {"title", "estimated_minutes", "ai_content"}}, for lesson lists.
    outline: Mapped[dict] = mapped_column(JSON)
    #: A SCORM lesson's package as check read it (content.ScormPackage.as_dict: sha256, version, launch, title, ...);
    #: None for a Markdown lesson. Its bytes are unpacked by hash under the SCORM_DIR setting, never read from here.
    package: Mapped[dict | None] = mapped_column(JSON)
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="lessons")

    @property
    def kind(self) -> str:
        """The lesson type (lms.courses.lessontypes): "scorm" with a package, else "markdown"."""
        return "scorm" if self.package else "markdown"

    def variant(self, locale: str, default: str) -> tuple[str, dict]:
        """(language, content) to show for `locale`: that language if written, else the course's default."""
        language = self.language_for(locale, default)
        return language, self.content[language]

    def heading(self, locale: str, default: str) -> tuple[str, dict]:
        """(language, outline entry: title, estimated_minutes, ai_content) with the same fallback as variant()."""
        language = self.language_for(locale, default)
        return language, self.outline[language]

    def language_for(self, locale: str, default: str) -> str:
        """The language shown for `locale`: that language if written, else the course's default, else any."""
        if locale in self.outline:
            return locale
        if default in self.outline:
            return default
        return next(iter(self.outline))

    def title_in(self, locale: str, default: str) -> str:
        """The lesson title for `locale`, with the same fallback as variant()."""
        return self.heading(locale, default)[1]["title"]


class QuizVersion(db.Model):
    """One version of a course's final quiz. A changed quiz gets a new row; attempts keep the version they used."""

    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("course_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    pass_mark: Mapped[int]
    #: Attempt rules: max_attempts, wait_minutes, time_limit_minutes, draw, draw_per_topic, shuffle_options.
    settings: Mapped[dict] = mapped_column(JSON)
    #: The questions exactly as synced (ids, types, texts, answers); graded against this snapshot.
    #: Loaded only when read (starting, taking and grading an attempt); pages about the quiz need none of it.
    questions: Mapped[list] = mapped_column(JSON, deferred=True)
    #: len(questions), for pages that only say how many there are.
    question_count: Mapped[int]
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="quiz_versions")


class FileBlob(db.Model):
    """The bytes of a course file, stored once per content hash whatever course or version holds them."""

    __tablename__ = "file_blobs"

    #: SHA-256 of `data`, hex: the key, so an unchanged file is stored once across versions and courses.
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    #: Loaded only when served: the media view reads the metadata first (and answers 304 without the bytes).
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseFile(db.Model):
    """A media file of a course as the last successful sync recorded it: the only files the platform serves.

    Written by the sync in the same transaction as the course, from the bytes `courses check` read; a file on disk
    that no sync took, or one changed since, is never served.
    """

    __tablename__ = "course_files"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    #: Relative to the course folder, e.g. media/diagram.svg (the URL path after /files/).
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("file_blobs.sha256"), index=True)
    size: Mapped[int]
    #: Fixed by the file's suffix at check time (lms.courses.media.MEDIA_TYPES).
    content_type: Mapped[str] = mapped_column(String(100))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)




class Programme(db.Model):
    """A programme (a path through several courses) as synced from courses/programmes/<key>.yml; `key` is its stable
    id. Never deleted: a programme removed from the files is retired, and the certificates and assignments that name
    it stay."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Hash of the programme's file as loaded; changes with any edit.
    version: Mapped[str] = mapped_column(String(64))
    default_language: Mapped[str] = mapped_column(String(2))
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    #: {"courses": [course key, ...] required in order, "groups": [{"title": {lang: text}, "pick": n,
    #: "courses": [course key, ...]}]}: courses by their stable keys, never by row id.
    structure: Mapped[dict] = mapped_column(JSON)
    has_certificate: Mapped[bool] = mapped_column(default=False)
    #: Months a programme certificate stays valid; None: no expiry.
    certificate_valid_months: Mapped[int | None]
    is_retired: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title_in(self, locale: str) -> str:
        """The title in `locale`, or in another language when that one is missing."""
        return localized(self.title, locale)

    def summary_in(self, locale: str) -> str:
        """The summary in `locale`, or in another language when that one is missing."""
        return localized(self.summary, locale)

    @property
    def course_keys(self) -> list[str]:
        """Every course the programme names: the required ones in order, then each group's."""
        return [*self.structure.get("courses", []),
                *(key for group in self.structure.get("groups", []) for key in group["courses"])]


content_version.watch(Course, Lesson, QuizVersion, CourseFile, FileBlob, Programme)
