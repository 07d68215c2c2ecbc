"""Typed AI actions: what is asked (a request) and what comes back (a result), independent of any provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    """The things the platform's AI does."""

    TUTOR_ANSWER = "tutor_answer"  # a learner's question about a course, answered from its lessons
    QUESTION_DRAFTS = "question_drafts"  # draft quiz questions from a lesson, for an author to review
    LESSON_SUMMARY = "lesson_summary"  # a short summary of a lesson


ACTIONS = tuple(Action)


@dataclass(frozen=True)
class Passage:
    """A piece of lesson text: where it is (lesson, heading anchor) and what it says, in one language."""

    course_key: str
    lesson_key: str
    lesson_title: str
    heading: str  # the heading's text ("" before the first heading)
    anchor: str  # the heading's id on the lesson page ("" before the first heading)
    language: str
    text: str
    score: float = 0.0

    def as_log(self) -> dict:
        """What the log keeps of a passage: where it is, not its text."""
        return {"lesson": self.lesson_key, "heading": self.anchor, "language": self.language,
                "score": round(self.score, 3)}


@dataclass(frozen=True)
class AIRequest:
    """One action to perform: the question or lesson, the language, and the retrieved passages to ground it."""

    action: Action
    language: str
    course_key: str
    question: str = ""
    passages: tuple[Passage, ...] = ()
    count: int = 5
    #: Names to remove from what leaves the server (the asking person's own name, say).
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftQuestion:
    """A drafted quiz question in the quiz file's terms (type, text, answer) and the passage it came from."""

    type: str  # true_false | short_text | single
    text: str
    passage: Passage
    answer: bool | None = None
    accepted: tuple[str, ...] = ()
    options: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class AIResult:
    """What a provider returns: text, the passages it cites, drafts for question_drafts, and the usage figures."""

    text: str
    passages: tuple[Passage, ...] = ()
    drafts: tuple[DraftQuestion, ...] = ()
    #: False when nothing in the course answers the question (the extractive provider says so plainly).
    answered: bool = True
    model: str = ""
    model_version: str = ""
    prompt: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    extra: dict = field(default_factory=dict)


class ProviderError(Exception):
    """A provider could not perform the action (timeout, HTTP error, malformed answer); the manager falls back."""


class Provider(Protocol):
    """An AI provider: one module in lms.ai.providers, registered in PROVIDERS."""

    name: str

    def supports(self, action: Action) -> bool:
        """Whether this provider can perform `action`."""

    def run(self, request: AIRequest, settings: dict) -> AIResult:
        """Perform the action; raise ProviderError on any failure."""
