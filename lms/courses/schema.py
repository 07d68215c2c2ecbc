"""The shape of course files (manifest, lesson front matter, quiz), checked with pydantic; unknown keys are errors.

The shared pieces (ids, texts, the AI-content mark) are in lms.questions.spec and each question's keys in its type's
module (lms.questions.<type>); QuizSpec takes the union of the registered types.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag

from lms.questions import QuestionSpec
from lms.questions.spec import AIContentSpec, CompetencyRefSpec, Id, Lang, Strict, Texts


class MediaSpec(Strict):
    file: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    ai_content: AIContentSpec | None = None


class LessonEntry(Strict):
    """A lesson whose files are named differently from its id (kept across a rename): `{id: ..., file: ...}`."""

    id: Id
    file: Id  # lessons/<file>.<lang>.md


class ScormLessonEntry(Strict):
    """A lesson that is a SCORM package in the course folder: `{id: ..., scorm: scorm/<name>.zip, title: {...}}`."""

    id: Id
    scorm: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    #: The lesson's title per language; without one, the package's own title (in the default language).
    title: Texts | None = None
    estimated_minutes: Annotated[int, Field(ge=1, le=1_000)] | None = None
    ai_content: AIContentSpec | None = None


def _lesson_kind(value) -> str:
    if isinstance(value, ScormLessonEntry) or (isinstance(value, dict) and "scorm" in value):
        return "scorm"
    return "entry" if isinstance(value, dict | LessonEntry) else "id"


#: A lesson in the manifest: its id (files lessons/<id>.<lang>.md), an id with the name of its files, or a SCORM
#: package (lms.courses.lessontypes has one module per kind).
LessonItem = Annotated[
    Annotated[Id, Tag("id")] | Annotated[LessonEntry, Tag("entry")] | Annotated[ScormLessonEntry, Tag("scorm")],
    Discriminator(_lesson_kind),
]


class EvaluationQuestionSpec(Strict):
    """One 1-5 scale question of a course's own evaluation questionnaire (lms.evaluations)."""

    id: Id
    text: Texts


class EvaluationSpec(Strict):
    """A course's own evaluation questionnaire: its scale questions and whether a free-text comment is asked for."""

    questions: Annotated[list[EvaluationQuestionSpec], Field(min_length=1, max_length=10)]
    comment: bool = True


class CourseSpec(Strict):
    id: Id
    default_language: Lang
    title: Texts
    summary: Texts
    competency_area: Literal["foundations", "generative-ai", "ethics-law", "data", "management"]
    level: Literal["beginner", "intermediate", "advanced"]
    estimated_minutes: Annotated[int, Field(ge=1, le=10_000)]
    self_enrollment: bool = True
    #: Self-enrolment waits for the learner's line manager (or HR officer) to approve it (lms.approvals).
    enrollment_approval: bool = False
    certificate: bool = False
    certificate_valid_months: Annotated[int, Field(ge=1, le=600)] | None = None
    ai_content: AIContentSpec | None = None
    lessons: Annotated[list[LessonItem], Field(min_length=1, max_length=200)]
    quiz: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    media: list[MediaSpec] = []
    #: The course's own evaluation questionnaire; without one, learners get the default questions.
    evaluation: EvaluationSpec | None = None
    #: The competencies (courses/competencies.yml) and levels that passing the final quiz evidences.
    competencies: Annotated[list[CompetencyRefSpec], Field(max_length=50)] = []


class LessonFrontMatter(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    estimated_minutes: Annotated[int, Field(ge=1, le=1_000)] | None = None
    ai_content: AIContentSpec | None = None


class PretestSpec(Strict):
    """`pretest: {questions: N}` in quiz.yml: before the first lesson, offer an ungraded pre-test of N questions
    drawn from the quiz's pool (lms.pretests; its score against the final quiz's is the learning gain)."""

    questions: Annotated[int, Field(ge=1, le=100)]


class QuizSpec(Strict):
    id: Id
    pass_mark: Annotated[int, Field(ge=1, le=100)]
    max_attempts: Annotated[int, Field(ge=1, le=100)] | None = None
    wait_minutes: Annotated[int, Field(ge=0, le=100_000)] = 0
    time_limit_minutes: Annotated[int, Field(ge=1, le=1_000)] | None = None
    draw: Annotated[int, Field(ge=1)] | None = None
    draw_per_topic: dict[Id, Annotated[int, Field(ge=1)]] | None = None
    shuffle_options: bool = True
    review: Literal["always", "after_passing", "after_last_attempt", "never"] = "after_passing"
    pretest: PretestSpec | None = None
    questions: Annotated[list[QuestionSpec], Field(min_length=1, max_length=1_000)]


class ProgrammeGroupSpec(Strict):
    """Optional courses of a programme: any `pick` of `courses` count."""

    title: Texts
    pick: Annotated[int, Field(ge=1, le=100)]
    courses: Annotated[list[Id], Field(min_length=1, max_length=100)]


class ProgrammeSpec(Strict):
    """courses/programmes/<id>.yml: a path through several courses (lms.courses.programmes)."""

    id: Id
    default_language: Lang
    title: Texts
    summary: Texts
    #: Required courses, in the order learners should take them.
    courses: Annotated[list[Id], Field(max_length=100)] = []
    groups: Annotated[list[ProgrammeGroupSpec], Field(max_length=20)] = []
    certificate: bool = False
    certificate_valid_months: Annotated[int, Field(ge=1, le=600)] | None = None
