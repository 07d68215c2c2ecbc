"""What single and multiple choice questions share: options (one or more correct), their layout and controls."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lms.questions.base import Invalid, QuestionToken, QuestionType, ids, unique
from lms.questions.spec import Id, Strict, Texts, texts


class OptionSpec(Strict):
    id: Id
    text: Texts
    correct: bool = False


@dataclass(frozen=True)
class Option:
    """An option of a single or multiple choice question."""

    id: str
    text: dict[str, str]
    correct: bool = False


class ChoiceType(QuestionType):
    """A question answered by choosing among options; the options are shuffled when the quiz says so."""

    def build(self, spec, default: str) -> dict:
        if not unique([o.id for o in spec.options]):
            raise Invalid(f"question {spec.id!r}: option ids must be unique")
        self.check_correct(spec, sum(o.correct for o in spec.options))
        return {"options": tuple(Option(o.id, texts(o.text, default), o.correct) for o in spec.options)}

    def check_correct(self, spec, correct: int) -> None:
        """Raise Invalid unless `correct` options are right for this type."""

    def parts(self, question) -> list[tuple[str, dict, tuple]]:
        return [(f"option {o.id!r}", o.text, ("options", n, "text")) for n, o in enumerate(question.options)]

    def layout(self, question: dict, *, shuffle: bool, rng: random.Random) -> dict:
        """{"options": [option ids]}, shuffled when `shuffle` is true, else in file order."""
        shown = ids(question.get("options"))
        if shuffle:
            rng.shuffle(shown)
        return {"options": shown}

    def controls(self, question: dict, layout: dict, token: QuestionToken) -> dict:
        """"values" {option id: token}."""
        return {"values": {oid: token("value", oid) for oid in layout.get("options", ())}}


def correct_ids(question: dict) -> set[str]:
    """The ids of a stored question's correct options."""
    return {option["id"] for option in question.get("options") or () if option.get("correct")}
