"""True or false: the statement in the question text is true, or it is false."""

from __future__ import annotations

import random
from typing import Literal

from lms.questions.base import RIGHT, WRONG, Form, Graded, QuestionToken, QuestionType, chosen_value
from lms.questions.spec import QuestionBase


class TrueFalseSpec(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class TrueFalse(QuestionType):
    """true_false: the answer is the bool in the question (None, strings and numbers are not bools)."""

    name = "true_false"
    spec = TrueFalseSpec

    def build(self, spec, default: str) -> dict:
        return {"answer": spec.answer}

    def controls(self, question: dict, layout: dict, token: QuestionToken) -> dict:
        """"values" {"true": token, "false": token}."""
        return {"values": {value: token("value", value) for value in ("true", "false")}}

    def parse(self, question: dict, layout: dict, controls: dict, form: Form) -> bool | None:
        value = chosen_value(controls, form)
        return None if value is None else value == "true"

    def grade(self, question: dict, answer: object) -> Graded:
        expected = question.get("answer")
        if not isinstance(answer, bool) or not isinstance(expected, bool):
            return WRONG
        return RIGHT if answer is expected else WRONG

    def right_answer(self, question: dict) -> bool | None:
        return question.get("answer")

    def wrong_answer(self, question: dict, rng: random.Random) -> bool | None:
        return None if question.get("answer") is None else not question["answer"]


TYPE = TrueFalse()
