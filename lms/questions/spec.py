"""The shared pieces of the course file format (ids, languages, texts, the AI-content mark, a question's common keys).

Checked with pydantic; unknown keys are errors. lms.courses.schema builds the manifest and quiz models from these,
and each question type (lms.questions.<type>) adds the model of its own keys. The model names and fields are the
published JSON Schema (docs/schema/), so they change only with the format.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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


class AIGeneratedSpec(Strict):
    """A question drafted by an AI system (`lms ai draft-questions`): which system and model, on which day."""

    system: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    model: Annotated[str, StringConstraints(max_length=200)] = ""
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None


class CompetencyRefSpec(Strict):
    """A competency (an id of courses/competencies.yml) and the level (1-4) a course or question evidences."""

    id: Id
    level: Annotated[int, Field(ge=1, le=10)]


class QuestionBase(Strict):
    id: Id
    text: Texts
    topic: Id | None = None
    points: Annotated[int, Field(ge=1, le=100)] = 1
    explanation: Texts | None = None
    ai_content: AIContentSpec | None = None
    #: Set by `lms ai draft-questions`; a live quiz refuses it until `reviewed_by` names the person who checked it.
    ai_generated: AIGeneratedSpec | None = None
    reviewed_by: Annotated[str, StringConstraints(max_length=200)] | None = None
    #: The competencies (courses/competencies.yml) and levels a right answer to this question evidences.
    competencies: Annotated[list[CompetencyRefSpec], Field(max_length=20)] = []


def texts(value, default_language: str) -> dict[str, str]:
    """Texts as a file gives them (one string, or one per language) by language; a bare string is in the default."""
    if value is None:
        return {}
    return dict(value) if isinstance(value, dict) else {default_language: value}
