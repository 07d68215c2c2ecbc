"""Course content as parsed from files: frozen dataclasses, no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from lms.questions.choice import Option
from lms.questions.matching import Pair
from lms.questions.ordering import Item

if TYPE_CHECKING:
    from lms.courses.folder import FileEntry

LANGUAGES = ("kk", "ru", "en")


class CompetencyArea(StrEnum):
    """The competency areas a course belongs to (course.yml `competency_area`)."""

    FOUNDATIONS = "foundations"
    GENERATIVE_AI = "generative-ai"
    ETHICS_LAW = "ethics-law"
    DATA = "data"
    MANAGEMENT = "management"


class Level(StrEnum):
    """Course levels (course.yml `level`)."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


COMPETENCY_AREAS = tuple(CompetencyArea)
LEVELS = tuple(Level)

#: Text per language, e.g. {"en": "...", "ru": "..."}.
Texts = dict[str, str]


@dataclass(frozen=True)
class AIContent:
    """A declaration that content was produced (generated) or helped (assisted) by an AI system."""

    kind: str  # generated | assisted
    tool: str | None = None
    reviewer: str | None = None

    def as_dict(self) -> dict:
        """Plain form, for storage."""
        return {"kind": self.kind, "tool": self.tool, "reviewer": self.reviewer}


@dataclass(frozen=True)
class LessonVariant:
    """One language version of a lesson."""

    language: str
    title: str
    body: str  # Markdown, without front matter
    body_first_line: int  # line of the body's first line in its file
    path: Path
    estimated_minutes: int | None = None
    ai_content: AIContent | None = None


@dataclass(frozen=True)
class ScormPackage:
    """A SCORM package (a zip in the course folder) as check read it: what a sync unpacks and records."""

    file: str  # relative to the course folder, e.g. scorm/drill.zip
    sha256: str
    size: int
    version: str  # "1.2" | "2004"
    #: The launch file inside the package (with the manifest's query string, if any).
    launch: str
    title: str
    file_count: int
    unpacked_bytes: int
    mastery_score: str | None = None
    launch_data: str | None = None
    #: The zip on disk; a sync reads it again (verifying the hash) only to unpack a version not unpacked yet.
    source: FileEntry | None = None

    def as_dict(self) -> dict:
        """The stored form (Lesson.package): everything but the file on disk."""
        return {"file": self.file, "sha256": self.sha256, "size": self.size, "version": self.version,
                "launch": self.launch, "title": self.title, "file_count": self.file_count,
                "unpacked_bytes": self.unpacked_bytes, "mastery_score": self.mastery_score,
                "launch_data": self.launch_data}


@dataclass(frozen=True)
class Lesson:
    """A lesson: a stable id, its language versions and its type (lms.courses.lessontypes)."""

    id: str
    variants: dict[str, LessonVariant]
    #: "markdown" (lessons/<file>.<lang>.md) or "scorm" (a package, in `package`).
    kind: str = "markdown"
    package: ScormPackage | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this lesson has a file in."""
        return tuple(lang for lang in LANGUAGES if lang in self.variants)


@dataclass(frozen=True)
class Question:
    """A quiz question. Which fields are used depends on `type`: its handler (lms.questions.TYPES) fills them in.

    The options, items and pairs are the types' own dataclasses (lms.questions.choice, ordering, matching).
    """

    id: str
    type: str
    text: Texts
    points: int = 1
    topic: str | None = None
    explanation: Texts = field(default_factory=dict)
    ai_content: AIContent | None = None
    options: tuple[Option, ...] = ()
    scoring: str = "all_or_nothing"  # multiple: all_or_nothing | partial
    answer: bool | float | None = None  # true_false: bool; numeric: number
    tolerance: float = 0.0
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pattern: str | None = None
    items: tuple[Item, ...] = ()
    pairs: tuple[Pair, ...] = ()
    #: (competency id, level) pairs a right answer evidences (courses/competencies.yml).
    competencies: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Quiz:
    """A course's final quiz: settings and the pool of questions."""

    id: str
    pass_mark: int
    questions: tuple[Question, ...]
    max_attempts: int | None = None
    wait_minutes: int = 0
    time_limit_minutes: int | None = None
    draw: int | None = None
    draw_per_topic: dict[str, int] = field(default_factory=dict)
    shuffle_options: bool = True
    #: When learners see right answers and explanations: always | after_passing | after_last_attempt | never.
    review: str = "after_passing"
    #: Questions of the ungraded pre-test drawn from the pool before the first lesson (None: no pre-test).
    pretest_questions: int | None = None


@dataclass(frozen=True)
class Media:
    """A media file declared in the manifest (to carry an AI-content label)."""

    file: str  # relative to the course folder, e.g. media/x.svg
    ai_content: AIContent | None = None


@dataclass(frozen=True)
class CourseFile:
    """A media file as check read it: what a sync records and the platform serves (never the file on disk)."""

    path: str  # relative to the course folder, e.g. media/x.svg
    sha256: str
    size: int
    content_type: str
    #: The file on disk; a sync reads it again (verifying the hash) only when no stored copy has this hash.
    source: FileEntry


@dataclass(frozen=True)
class Evaluation:
    """A course's own evaluation questionnaire (course.yml `evaluation:`): (question id, texts) 1-5 scales, in order,
    and whether a free-text comment is asked for."""

    questions: tuple[tuple[str, Texts], ...]
    comment: bool = True

    def as_dict(self) -> dict:
        """The stored form (Course.evaluation)."""
        return {"questions": [{"id": key, "text": dict(text)} for key, text in self.questions],
                "comment": self.comment}


@dataclass(frozen=True)
class Course:
    """A course as its files describe it."""

    id: str
    folder: Path
    default_language: str
    title: Texts
    summary: Texts
    competency_area: str
    level: str
    estimated_minutes: int
    lessons: tuple[Lesson, ...]
    self_enrollment: bool = True
    #: Self-enrolment is a request that the learner's line manager (or HR officer) approves (lms.approvals).
    enrollment_approval: bool = False
    certificate: bool = False
    #: How long a certificate stays valid (None: no expiry).
    certificate_valid_months: int | None = None
    ai_content: AIContent | None = None
    quiz: Quiz | None = None
    media: tuple[Media, ...] = ()
    #: Hash of every file of the course (names and bytes): changes with any edit.
    version: str = ""
    #: The media files under media/ that the manifest lists or a lesson uses; only these are served.
    files: tuple[CourseFile, ...] = ()
    #: The course's own evaluation questionnaire (None: the default questions, lms.evaluations.questions).
    evaluation: Evaluation | None = None
    #: (competency id, level) pairs that passing the final quiz evidences (courses/competencies.yml).
    competencies: tuple[tuple[str, int], ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages in which every lesson can be read (the default language always counts)."""
        return tuple(lang for lang in LANGUAGES
                     if lang == self.default_language or all(lang in lesson.variants for lesson in self.lessons))
