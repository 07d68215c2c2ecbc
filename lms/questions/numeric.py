"""Numeric: the learner types a number; right within the question's tolerance."""

from __future__ import annotations

import math
import random
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import Field

from lms.questions.base import MAX_ANSWER_LENGTH, RIGHT, WRONG, Graded, QuestionType
from lms.questions.spec import QuestionBase


class NumericSpec(QuestionBase):
    type: Literal["numeric"]
    answer: int | float
    tolerance: Annotated[int | float, Field(ge=0)] = 0


#: Absolute slack added to a numeric tolerance (scaled up for large answers) so float noise never fails an answer.
EPSILON = 1e-9

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def parse_number(raw: object) -> float | None:
    """A learner's number: "2000", " 2 000 ", "1,5" (comma = decimal separator), "1.5", "-3"; None if unparsable.

    Spaces anywhere are dropped (thousands separators). There is no thousands comma: "2,000" is 2.0. Exponents,
    "inf" and "nan" are refused. An int or float (not a bool) is taken as it is.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
        return value if math.isfinite(value) else None
    if not isinstance(raw, str) or len(raw) > MAX_ANSWER_LENGTH:
        return None
    text = unicodedata.normalize("NFKC", raw).replace("\u2212", "-")
    text = "".join(text.split())
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", "."))
    return value if math.isfinite(value) else None


def _typed(value) -> str:
    """A number as a learner types it ("2000", "1.5")."""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


class Numeric(QuestionType):
    """numeric: |given - answer| <= tolerance (plus a tiny epsilon for float noise)."""

    name = "numeric"
    spec = NumericSpec

    def build(self, spec, default: str) -> dict:
        return {"answer": float(spec.answer), "tolerance": float(spec.tolerance)}

    def warnings(self, question) -> list[str]:
        """A tolerance so wide that it accepts even 0."""
        if question.answer and question.tolerance >= abs(question.answer):
            return [f"question {question.id!r}: tolerance {question.tolerance:g} accepts even 0 for "
                    f"{question.answer:g}"]
        return []

    def grade(self, question: dict, answer: object) -> Graded:
        expected = parse_number(question.get("answer"))
        tolerance = parse_number(question.get("tolerance")) or 0.0
        given = parse_number(answer)
        if expected is None or given is None:
            return WRONG
        slack = max(0.0, tolerance) + EPSILON * max(1.0, abs(expected))
        return RIGHT if abs(given - expected) <= slack else WRONG

    def right_answer(self, question: dict) -> str | None:
        return _typed(question["answer"]) if question.get("answer") is not None else None

    def wrong_answer(self, question: dict, rng: random.Random) -> str | None:
        return _typed(float(question["answer"]) * 2 + 1) if question.get("answer") is not None else None


TYPE = Numeric()
