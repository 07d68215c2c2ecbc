"""Multiple choice: one or more options are correct; the learner ticks any (checkboxes). All or nothing, or partial
credit."""

from __future__ import annotations

import random
from typing import Annotated, Literal

from pydantic import Field

from lms.questions.base import RIGHT, WRONG, Form, Graded, Invalid, Rejected, graded, is_id_list, reverse
from lms.questions.choice import ChoiceType, OptionSpec, correct_ids
from lms.questions.spec import QuestionBase


class MultipleSpec(QuestionBase):
    type: Literal["multiple"]
    scoring: Literal["all_or_nothing", "partial"] = "all_or_nothing"
    options: Annotated[list[OptionSpec], Field(min_length=2, max_length=20)]


class Multiple(ChoiceType):
    """multiple: all_or_nothing (the selected set is the correct set) or partial ((right - wrong) / correct)."""

    name = "multiple"
    spec = MultipleSpec

    def build(self, spec, default: str) -> dict:
        return {**super().build(spec, default), "scoring": spec.scoring}

    def check_correct(self, spec, correct: int) -> None:
        if correct < 1:
            raise Invalid(f"question {spec.id!r} has no correct option")

    def parse(self, question: dict, layout: dict, controls: dict, form: Form) -> list[str]:
        """The ids of the ticked options, sorted ([] when none is ticked: an answer, and a wrong one)."""
        meaning = reverse(controls.get("values", {}))
        values = form.get(controls["name"], [])
        if any(value not in meaning for value in values):
            raise Rejected()
        return sorted({meaning[value] for value in values})

    def grade(self, question: dict, answer: object) -> Graded:
        """Unknown option ids count as wrong selections; repeated ids count once."""
        if not is_id_list(answer):
            return WRONG
        correct = correct_ids(question)
        if not correct:
            return WRONG
        selected = set(answer)
        if question.get("scoring") == "partial":
            right = len(selected & correct)
            wrong = len(selected - correct)
            return graded((right - wrong) / len(correct))
        return RIGHT if selected == correct else WRONG

    def right_answer(self, question: dict) -> list[str]:
        return sorted(o["id"] for o in question.get("options") or () if o.get("correct"))

    def wrong_answer(self, question: dict, rng: random.Random) -> list[str] | None:
        ids = [o["id"] for o in question.get("options") or ()]
        return sorted(rng.sample(ids, k=max(1, len(ids) // 2))) if ids else None


TYPE = Multiple()
