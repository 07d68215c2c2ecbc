"""Matching: the learner matches each left side with a right side (a select beside each left side).

The form never says which right belongs to which left: the selects and the options are the attempt's opaque tokens
(lms.quizzes.fields), drawn separately for each left and each right, and the rights are shown shuffled away from
the file order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from lms.questions.base import (
    WRONG,
    Form,
    Graded,
    Invalid,
    QuestionToken,
    QuestionType,
    chosen_in_selects,
    graded,
    ids,
    shuffled_away,
    unique,
)
from lms.questions.spec import Id, QuestionBase, Strict, Texts, texts


class PairSpec(Strict):
    id: Id
    left: Texts
    right: Texts


class MatchingSpec(QuestionBase):
    type: Literal["matching"]
    pairs: Annotated[list[PairSpec], Field(min_length=2, max_length=20)]


@dataclass(frozen=True)
class Pair:
    """A left/right pair of a matching question."""

    id: str
    left: dict[str, str]
    right: dict[str, str]


class Matching(QuestionType):
    """matching: {left pair id: chosen right pair id}; the score is the fraction of pairs matched correctly.

    Keys that are not pair ids are ignored; a pair left out counts as wrong.
    """

    name = "matching"
    spec = MatchingSpec

    def build(self, spec, default: str) -> dict:
        if not unique([pair.id for pair in spec.pairs]):
            raise Invalid(f"question {spec.id!r}: pair ids must be unique")
        return {"pairs": tuple(Pair(p.id, texts(p.left, default), texts(p.right, default)) for p in spec.pairs)}

    def parts(self, question) -> list[tuple[str, dict, tuple]]:
        parts = []
        for n, pair in enumerate(question.pairs):
            parts += [(f"pair {pair.id!r} (left)", pair.left, ("pairs", n, "left")),
                      (f"pair {pair.id!r} (right)", pair.right, ("pairs", n, "right"))]
        return parts

    def layout(self, question: dict, *, shuffle: bool, rng: random.Random) -> dict:
        """{"rights": [pair ids in the display order of the right-hand side]}, ALWAYS shuffled: left and right in file
        order would line every left up with its right, which is the answer."""
        return {"rights": shuffled_away(ids(question.get("pairs")), rng)}

    def controls(self, question: dict, layout: dict, token: QuestionToken) -> dict:
        """"fields" {pair id: token (the name of the select beside its left side)},
        "values" {pair id: token of the option showing its right side}."""
        return {"fields": {pid: token("field", pid) for pid in ids(question.get("pairs"))},
                "values": {rid: token("value", rid) for rid in layout.get("rights", ())}}

    def parse(self, question: dict, layout: dict, controls: dict, form: Form) -> dict[str, str] | None:
        return chosen_in_selects(controls, form) or None

    def grade(self, question: dict, answer: object) -> Graded:
        if not isinstance(answer, dict):
            return WRONG
        pairs = ids(question.get("pairs"))
        if not pairs:
            return WRONG
        matched = sum(1 for pair in pairs if isinstance(chosen := answer.get(pair), str) and chosen == pair)
        return graded(matched / len(pairs))

    def right_answer(self, question: dict) -> dict[str, str]:
        return {pair: pair for pair in ids(question.get("pairs"))}

    def wrong_answer(self, question: dict, rng: random.Random) -> dict[str, str] | None:
        pairs = ids(question.get("pairs"))
        return dict(zip(pairs, pairs[1:] + pairs[:1], strict=True)) if len(pairs) > 1 else None


TYPE = Matching()
