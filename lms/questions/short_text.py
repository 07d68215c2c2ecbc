"""Short text: the learner types a word or a few; accepted answers (any language) or a pattern say what is right."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lms.questions.base import MAX_ANSWER_LENGTH, RIGHT, WRONG, Graded, Invalid, QuestionType
from lms.questions.spec import Lang, QuestionBase, Text


class ShortTextSpec(QuestionBase):
    type: Literal["short_text"]
    accepted: dict[Lang, Annotated[list[Text], Field(min_length=1)]] | list[Text] = {}
    pattern: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


#: Kazakh-specific letters -> their Russian look-alikes, and Russian ё -> е (applied after casefolding).
_LETTERS = str.maketrans({
    "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
})
#: Characters stripped from both ends besides whitespace and Unicode punctuation (category P*).
_EXTRA_EDGE = frozenset("`")


def _is_edge(char: str) -> bool:
    return char.isspace() or char in _EXTRA_EDGE or unicodedata.category(char).startswith("P")


def _normalise_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    text = " ".join(text.split())
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def normalise(text: str) -> str:
    """The comparable form of a short text answer.

    NFKC, casefold, ё -> е and Kazakh letters -> Russian look-alikes (ә а, ғ г, қ к, ң н, ө о, ұ у, ү у, һ х, і и),
    internal whitespace collapsed to one space, whitespace/punctuation/quotes stripped from both ends.
    Idempotent: the steps are repeated until the text no longer changes (NFKC after a letter mapping can compose).
    """
    for _ in range(8):
        again = _normalise_once(text)
        if again == text:
            break
        text = again
    return text


def _accepted_answers(question: dict) -> list[str]:
    accepted = question.get("accepted") or {}
    values: list[str] = []
    for answers in accepted.values() if isinstance(accepted, dict) else (accepted,):
        if isinstance(answers, str):
            values.append(answers)
        elif isinstance(answers, list | tuple):
            values.extend(a for a in answers if isinstance(a, str))
    return values


class ShortText(QuestionType):
    """short_text: the normalised answer equals a normalised accepted answer in any language, or matches `pattern`.

    `pattern` is matched with re.fullmatch and re.IGNORECASE against the answer with surrounding whitespace removed.
    An empty answer is never right.
    """

    name = "short_text"
    spec = ShortTextSpec

    def build(self, spec, default: str) -> dict:
        accepted = spec.accepted if isinstance(spec.accepted, dict) else (
            {default: spec.accepted} if spec.accepted else {})
        if not accepted and not spec.pattern:
            raise Invalid(f"question {spec.id!r} has no correct answer: give accepted answers or a pattern")
        if spec.pattern:
            try:
                re.compile(spec.pattern)
            except re.error as exc:
                raise Invalid(f"question {spec.id!r}: pattern is not a valid regular expression ({exc})") from None
        return {"accepted": {k: tuple(v) for k, v in accepted.items()}, "pattern": spec.pattern}

    def grade(self, question: dict, answer: object) -> Graded:
        if not isinstance(answer, str) or len(answer) > MAX_ANSWER_LENGTH:
            return WRONG
        given = normalise(answer)
        if not given:
            return WRONG
        if any(given == normalise(accepted) for accepted in _accepted_answers(question)):
            return RIGHT
        pattern = question.get("pattern")
        if isinstance(pattern, str) and pattern:
            try:
                if re.fullmatch(pattern, answer.strip(), re.IGNORECASE):
                    return RIGHT
            except re.error:
                return WRONG
        return WRONG

    def right_answer(self, question: dict) -> str | None:
        return next((text for texts in (question.get("accepted") or {}).values() for text in texts), None)


TYPE = ShortText()
