"""Single choice: exactly one of the options is correct; the learner picks one (radio buttons)."""

from __future__ import annotations

import random
from typing import Annotated, Literal

from pydantic import Field

from lms.questions.base import RIGHT, WRONG, Form, Graded, Invalid, chosen_value
from lms.questions.choice import ChoiceType, OptionSpec, correct_ids
from lms.questions.spec import QuestionBase


class SingleSpec(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[OptionSpec], Field(min_length=2, max_length=20)]


class Single(ChoiceType):
    """single: the answer is the id of the one correct option."""

    name = "single"
    spec = SingleSpec

    def check_correct(self, spec, correct: int) -> None:
        if correct != 1:
            raise Invalid(f"question {spec.id!r}: a single-choice question needs exactly one correct option "
                          f"(has {correct})")

    def parse(self, question: dict, layout: dict, controls: dict, form: Form) -> str | None:
        return chosen_value(controls, form)

    def grade(self, question: dict, answer: object) -> Graded:
        if not isinstance(answer, str):
            return WRONG
        return RIGHT if answer in correct_ids(question) else WRONG

    def right_answer(self, question: dict) -> str | None:
        return next((o["id"] for o in question.get("options") or () if o.get("correct")), None)

    def wrong_answer(self, question: dict, rng: random.Random) -> str | None:
        wrong = [o["id"] for o in question.get("options") or () if not o.get("correct")]
        return rng.choice(wrong) if wrong else None


TYPE = Single()
