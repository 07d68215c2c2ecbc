"""Stored questions of every type, as the database gives them back, and small grading helpers for the type tests."""

from __future__ import annotations

import json
import random
from dataclasses import asdict

from hypothesis import settings

from lms.courses.content import Question
from lms.questions import grade
from lms.questions.choice import Option
from lms.questions.matching import Pair
from lms.questions.ordering import Item

FAST = settings(max_examples=150, deadline=None, database=None)


def stored(question: Question) -> dict:
    """A question as the database gives it back: asdict, then a JSON round trip (tuples become lists)."""
    return json.loads(json.dumps(asdict(question)))


def single() -> dict:
    return stored(Question(id="q1", type="single", text={"en": "?"}, options=(
        Option("a", {"en": "A"}, correct=True), Option("b", {"en": "B"}), Option("c", {"en": "C"}))))


def multiple(scoring: str = "all_or_nothing") -> dict:
    """Correct: a, b, c. Wrong: d, e."""
    options = tuple(Option(i, {"en": i}, correct=i in "abc") for i in "abcde")
    return stored(Question(id="q2", type="multiple", text={"en": "?"}, options=options, scoring=scoring))


def true_false(answer: bool = True) -> dict:
    return stored(Question(id="q3", type="true_false", text={"en": "?"}, answer=answer))


def short_text(accepted: dict | None = None, pattern: str | None = None) -> dict:
    if accepted is None:
        accepted = {"en": ("AI",), "ru": ("ИИ", "AI"), "kk": ("ЖИ", "AI")}
    return stored(Question(id="q4", type="short_text", text={"en": "?"}, accepted=accepted, pattern=pattern))


def numeric(answer: float = 2000.0, tolerance: float = 0.0) -> dict:
    return stored(Question(id="q5", type="numeric", text={"en": "?"}, answer=answer, tolerance=tolerance))


ORDER = ["define", "data", "train", "monitor"]


def ordering() -> dict:
    return stored(Question(id="q6", type="ordering", text={"en": "?"},
                           items=tuple(Item(i, {"en": i}) for i in ORDER)))


def matching() -> dict:
    return stored(Question(id="q7", type="matching", text={"en": "?"},
                           pairs=tuple(Pair(i, {"en": i}, {"en": i.upper()}) for i in ("owner", "developer", "user"))))


QUESTIONS = {"single": single, "multiple": multiple, "true_false": true_false, "short_text": short_text,
             "numeric": numeric, "ordering": ordering, "matching": matching}
#: Answers that have no right shape for any type.
NONSENSE = [None, 0, 1.5, object(), b"a", [None], [["a"]], {"a": None}]


def right(question: dict, answer) -> bool:
    result = grade(question, answer)
    return result.correct and result.score == 1.0


def score(question: dict, answer) -> float:
    return grade(question, answer).score


def token(part: str, key: str | None) -> str:
    """Readable stand-ins for the attempt's opaque tokens (lms.quizzes.fields): "name", "value:a", "field:p"."""
    return part if key is None else f"{part}:{key}"


def controls_of(kind, question: dict, layout: dict) -> dict:
    """The question's form controls as lms.quizzes.fields builds them, with readable tokens."""
    return {"name": token("name", None), **kind.controls(question, layout, token)}


def rng(seed: int = 1) -> random.Random:
    """A seeded generator, as the demo data uses for its sample answers."""
    return random.Random(seed)  # noqa: S311 - sample answers, not security
