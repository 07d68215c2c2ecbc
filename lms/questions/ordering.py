"""Ordering: the learner puts the items in order (a rank select beside each); the file lists them in the right order."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from lms.questions.base import (
    RIGHT,
    WRONG,
    Form,
    Graded,
    Invalid,
    QuestionToken,
    QuestionType,
    chosen_in_selects,
    ids,
    is_id_list,
    shuffled_away,
    unique,
)
from lms.questions.spec import Id, QuestionBase, Strict, Texts, texts


class ItemSpec(Strict):
    id: Id
    text: Texts


class OrderingSpec(QuestionBase):
    type: Literal["ordering"]
    items: Annotated[list[ItemSpec], Field(min_length=2, max_length=20)]


@dataclass(frozen=True)
class Item:
    """An item of an ordering question (listed in the correct order)."""

    id: str
    text: dict[str, str]


class Ordering(QuestionType):
    """ordering: right only when the ids are exactly the items in the listed order (no partial credit)."""

    name = "ordering"
    spec = OrderingSpec

    def build(self, spec, default: str) -> dict:
        if not unique([item.id for item in spec.items]):
            raise Invalid(f"question {spec.id!r}: item ids must be unique")
        return {"items": tuple(Item(i.id, texts(i.text, default)) for i in spec.items)}

    def parts(self, question) -> list[tuple[str, dict, tuple]]:
        return [(f"item {i.id!r}", i.text, ("items", n, "text")) for n, i in enumerate(question.items)]

    def layout(self, question: dict, *, shuffle: bool, rng: random.Random) -> dict:
        """{"items": [item ids]}, ALWAYS shuffled (the file order is the answer), never in the answer's order."""
        return {"items": shuffled_away(ids(question.get("items")), rng)}

    def controls(self, question: dict, layout: dict, token: QuestionToken) -> dict:
        """"fields" {item id: token (the name of its rank select)}, "values" {"1".."n": token of that rank}."""
        shown = layout.get("items", ())
        return {"fields": {iid: token("field", iid) for iid in shown},
                "values": {str(rank): token("value", str(rank)) for rank in range(1, len(shown) + 1)}}

    def parse(self, question: dict, layout: dict, controls: dict, form: Form) -> list[str] | None:
        """The item ids by the rank given to each (ties and items without a rank: in display order)."""
        chosen = chosen_in_selects(controls, form)
        if not chosen:
            return None
        order = layout["items"]
        return sorted(chosen, key=lambda item_id: (int(chosen[item_id]), order.index(item_id)))

    def grade(self, question: dict, answer: object) -> Graded:
        if not isinstance(answer, list | tuple) or not is_id_list(answer):
            return WRONG
        expected = ids(question.get("items"))
        return RIGHT if expected and list(answer) == expected else WRONG

    def right_answer(self, question: dict) -> list[str]:
        return ids(question.get("items"))

    def wrong_answer(self, question: dict, rng: random.Random) -> list[str]:
        return list(reversed(ids(question.get("items"))))


TYPE = Ordering()
