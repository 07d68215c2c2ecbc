"""What every question type has: the handler interface, the graded result, typed errors and shared helpers.

A question is seen in three forms. In quiz.yml it is the type's pydantic model (`spec`); parsed, it is
`lms.courses.content.Question`; stored with a quiz version, it is that dataclass as a dict (`dataclasses.asdict`,
possibly after a JSON round trip, so sequences may be lists or tuples). Layouts, form controls, parsing and grading
work on the stored dict; building and checking work on the model and the dataclass. Pure: no Flask, no database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from lms.questions.spec import QuestionBase

#: Longer text answers (short_text, numeric) are refused by the form and score 0 without being looked at.
MAX_ANSWER_LENGTH = 1000

#: How many times an ordering/matching layout is reshuffled when a shuffle happens to show the answer.
RESHUFFLES = 10

#: The submitted form: field name -> its values (a field may repeat).
Form = dict[str, list[str]]

#: Hands out a form token for one control of the question: ("name", None) the question's field (or fieldset),
#: ("field", id) the select of an ordering item or a matching pair, ("value", id) an option, a choice or a rank.
QuestionToken = Callable[[str, str | None], str]


class Invalid(ValueError):
    """A question in quiz.yml that fits its model but cannot be asked (no correct option, ids repeated...).

    The message names the question and says what is wrong; the loader prints it at the question's line.
    """


class Rejected(ValueError):
    """A submitted form that does not fit the attempt's controls for a question (a forged value, a repeated field,
    oversized text). The quiz refuses the whole submission."""


@dataclass(frozen=True)
class Graded:
    """The result of grading one answer."""

    score: float  # 0.0..1.0 fraction of the question's points
    correct: bool  # score == 1


def graded(score: float) -> Graded:
    """A score clamped to 0..1, correct only at exactly 1."""
    score = min(1.0, max(0.0, float(score)))
    return Graded(score=score, correct=score == 1.0)


WRONG = Graded(score=0.0, correct=False)
RIGHT = Graded(score=1.0, correct=True)


class QuestionType:
    """The handler of one question type (the CTFd challenge-type pattern): one subclass per type, registered in
    lms.questions.TYPES. Its partials are templates/questions/_<name>.html (taking) and _<name>_result.html (the
    right answer in the review); both see `q` (the stored question), `layout`, `f` (its form controls) and `name`.

    The defaults suit a question with one free field and no parts; every type overrides `grade`.
    """

    #: The `type` key in quiz.yml.
    name: ClassVar[str] = ""
    #: The pydantic model of the question in quiz.yml (its `type` is Literal[name]).
    spec: ClassVar[type[QuestionBase]] = QuestionBase

    @property
    def take_template(self) -> str:
        """The partial that shows the question's form controls."""
        return f"questions/_{self.name}.html"

    @property
    def result_template(self) -> str:
        """The partial that shows the right answer in the review."""
        return f"questions/_{self.name}_result.html"

    # --- files: quiz.yml -> content.Question ---------------------------------------------------------------------

    def build(self, spec, default: str) -> dict:
        """The type's own fields of content.Question, from its model (texts in `default` when given as one string).

        Raises Invalid when the question cannot be asked.
        """
        return {}

    def parts(self, question) -> list[tuple[str, dict, tuple]]:
        """(label, texts, path below the question in quiz.yml) of every choice (option, item, pair side): each needs
        the languages of the question text."""
        return []

    def warnings(self, question) -> list[str]:
        """Messages about a question that can be asked but is probably not what the author meant."""
        return []

    # --- taking: layout, form controls, parsing ------------------------------------------------------------------

    def layout(self, question: dict, *, shuffle: bool, rng: random.Random) -> dict:
        """The display order of the question's parts for one attempt (stored with it); `shuffle` is the quiz's
        shuffle_options. The same rng state gives the same layout."""
        return {}

    def controls(self, question: dict, layout: dict, token: QuestionToken) -> dict:
        """The tokens of the question's form controls besides "name": "values" {meaning: token} and, for a question
        answered in several selects, "fields" {part id: token}."""
        return {}

    def parse(self, question: dict, layout: dict, controls: dict, form: Form) -> object | None:
        """The answer in the form, as stored and graded; None when the question was left unanswered.

        Raises Rejected for a value that is not one of the question's tokens, a repeated field or oversized text.
        """
        return text_answer(controls, form)

    # --- grading and sample answers ------------------------------------------------------------------------------

    def grade(self, question: dict, answer: object) -> Graded:
        """The score of one answer. Any missing, empty or wrong-shaped answer scores 0 and never raises."""
        raise NotImplementedError

    def right_answer(self, question: dict) -> object | None:
        """The answer a learner who knows it gives, as parse() returns it (demo data); None when there is none."""
        return None

    def wrong_answer(self, question: dict, rng: random.Random) -> object | None:
        """A plausible wrong (or partly right) answer (demo data); None leaves the question unanswered."""
        return None


# --- helpers for the types --------------------------------------------------------------------------------------


def ids(entries: Iterable[dict] | None) -> list[str]:
    """The ids of stored options, items or pairs, in file order."""
    return [entry["id"] for entry in entries or ()]


def is_id_list(answer: object) -> bool:
    """A list, tuple, set or frozenset of strings (a str itself is not a list of ids)."""
    return isinstance(answer, list | tuple | set | frozenset) and all(isinstance(x, str) for x in answer)


def unique(values: list[str]) -> bool:
    """No value repeats."""
    return len(set(values)) == len(values)


def shuffled_away(answer: list[str], rng: random.Random) -> list[str]:
    """A shuffled copy of `answer` that differs from it whenever any order could.

    Reshuffled up to RESHUFFLES times when it comes out in the answer's order, then rotated by one, so with two or
    more distinct ids the answer is never shown for free.
    """
    shown = list(answer)
    rng.shuffle(shown)
    if len(set(answer)) < 2:
        return shown
    for _ in range(RESHUFFLES):
        if shown != answer:
            return shown
        rng.shuffle(shown)
    if shown == answer:
        shown = shown[1:] + shown[:1]
    return shown


def reverse(mapping: dict[str, str]) -> dict[str, str]:
    """{token: id} from {id: token}."""
    return {token: key for key, token in mapping.items()}


def chosen_value(controls: dict, form: Form) -> str | None:
    """The meaning of the one value chosen in the question's field (radio buttons); None when nothing was chosen."""
    meaning = reverse(controls.get("values", {}))
    values = form.get(controls["name"], [])
    if len(values) > 1 or any(value not in meaning for value in values):
        raise Rejected()
    return meaning[values[0]] if values else None


def text_answer(controls: dict, form: Form) -> str | None:
    """The text typed in the question's one field; None when empty or only whitespace."""
    values = form.get(controls["name"], [])
    if len(values) > 1 or any(len(value) > MAX_ANSWER_LENGTH for value in values):
        raise Rejected()
    return values[0] if values and values[0].strip() else None


def chosen_in_selects(controls: dict, form: Form) -> dict[str, str]:
    """{part id: meaning of the option chosen in its select}, for the parts given a choice ("" is the "—")."""
    meaning = reverse(controls.get("values", {}))
    chosen = {}
    for part_id, name in controls["fields"].items():
        raw = form.get(name, [])
        if raw and raw[0]:
            if len(raw) > 1 or raw[0] not in meaning:
                raise Rejected()
            chosen[part_id] = meaning[raw[0]]
    return chosen
