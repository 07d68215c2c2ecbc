"""The shape of course files (manifest, lesson front matter, quiz), checked with pydantic; unknown keys are errors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
Lang = Literal["kk", "ru", "en"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Texts = dict[Lang, Text] | Text


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AIContentSpec(Strict):
    kind: Literal["generated", "assisted"]
    tool: Annotated[str, StringConstraints(max_length=200)] | None = None
    reviewer: Annotated[str, StringConstraints(max_length=200)] | None = None


class MediaSpec(Strict):
    file: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    ai_content: AIContentSpec | None = None


class LessonEntry(Strict):
    """A lesson whose files are named differently from its id (kept across a rename): `{id: ..., file: ...}`."""

    id: Id
    file: Id  # lessons/<file>.<lang>.md


#: A lesson in the manifest: its id (files lessons/<id>.<lang>.md), or an id with the name of its files.
LessonItem = Annotated[
    Annotated[Id, Tag("id")] | Annotated[LessonEntry, Tag("entry")],
    Discriminator(lambda value: "entry" if isinstance(value, dict | LessonEntry) else "id"),
]


class CourseSpec(Strict):
    id: Id
    default_language: Lang
    title: Texts
    summary: Texts
    competency_area: Literal["foundations", "generative-ai", "ethics-law", "data", "management"]
    level: Literal["beginner", "intermediate", "advanced"]
    estimated_minutes: Annotated[int, Field(ge=1, le=10_000)]
    self_enrollment: bool = True
    certificate: bool = False
    certificate_valid_months: Annotated[int, Field(ge=1, le=600)] | None = None
    ai_content: AIContentSpec | None = None
    lessons: Annotated[list[LessonItem], Field(min_length=1, max_length=200)]
    quiz: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    media: list[MediaSpec] = []


class LessonFrontMatter(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    estimated_minutes: Annotated[int, Field(ge=1, le=1_000)] | None = None
    ai_content: AIContentSpec | None = None


class OptionSpec(Strict):
    id: Id
    text: Texts
    correct: bool = False


class ItemSpec(Strict):
    id: Id
    text: Texts


class PairSpec(Strict):
    id: Id
    left: Texts
    right: Texts


class QuestionBase(Strict):
    id: Id
    text: Texts
    topic: Id | None = None
    points: Annotated[int, Field(ge=1, le=100)] = 1
    explanation: Texts | None = None
    ai_content: AIContentSpec | None = None


class SingleSpec(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[OptionSpec], Field(min_length=2, max_length=20)]


class MultipleSpec(QuestionBase):
    type: Literal["multiple"]
    scoring: Literal["all_or_nothing", "partial"] = "all_or_nothing"
    options: Annotated[list[OptionSpec], Field(min_length=2, max_length=20)]


class TrueFalseSpec(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class ShortTextSpec(QuestionBase):
    type: Literal["short_text"]
    accepted: dict[Lang, Annotated[list[Text], Field(min_length=1)]] | list[Text] = {}
    pattern: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


class NumericSpec(QuestionBase):
    type: Literal["numeric"]
    answer: int | float
    tolerance: Annotated[int | float, Field(ge=0)] = 0


class OrderingSpec(QuestionBase):
    type: Literal["ordering"]
    items: Annotated[list[ItemSpec], Field(min_length=2, max_length=20)]


class MatchingSpec(QuestionBase):
    type: Literal["matching"]
    pairs: Annotated[list[PairSpec], Field(min_length=2, max_length=20)]


QuestionSpec = Annotated[
    SingleSpec | MultipleSpec | TrueFalseSpec | ShortTextSpec | NumericSpec | OrderingSpec | MatchingSpec,
    Field(discriminator="type"),
]


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
    questions: Annotated[list[QuestionSpec], Field(min_length=1, max_length=1_000)]
