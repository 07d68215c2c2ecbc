"""Grading quiz answers: one pure function per question type. No Flask, no database.

A question is the stored form of `lms.courses.content.Question` (`dataclasses.asdict`, possibly after a JSON round
trip, so sequences may be lists or tuples). An answer is what the caller parsed from the form; any missing, empty or
wrong-shaped answer scores 0 and never raises.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Longer answers (short_text, numeric) score 0 without being looked at.
MAX_ANSWER_LENGTH = 1000

#: Absolute slack added to a numeric tolerance (scaled up for large answers) so float noise never fails an answer.
EPSILON = 1e-9


@dataclass(frozen=True)
class Graded:
    """The result of grading one answer."""

    score: float  # 0.0..1.0 fraction of the question's points
    correct: bool  # score == 1


def _graded(score: float) -> Graded:
    score = min(1.0, max(0.0, float(score)))
    return Graded(score=score, correct=score == 1.0)


WRONG = Graded(score=0.0, correct=False)
RIGHT = Graded(score=1.0, correct=True)


def _ids(entries: Iterable[dict] | None) -> list[str]:
    return [entry["id"] for entry in entries or ()]


def _is_id_list(answer: object) -> bool:
    """A list, tuple, set or frozenset of strings (a str itself is not a list of ids)."""
    return isinstance(answer, list | tuple | set | frozenset) and all(isinstance(x, str) for x in answer)


# --- choice questions ---------------------------------------------------------------------------------------------


def grade_single(question: dict, answer: object) -> Graded:
    """single: the answer is the id of the one correct option."""
    if not isinstance(answer, str):
        return WRONG
    correct = {option["id"] for option in question.get("options") or () if option.get("correct")}
    return RIGHT if answer in correct else WRONG


def grade_multiple(question: dict, answer: object) -> Graded:
    """multiple: all_or_nothing (the selected set is the correct set) or partial ((right - wrong) / correct).

    Unknown option ids count as wrong selections; repeated ids count once.
    """
    if not _is_id_list(answer):
        return WRONG
    correct = {option["id"] for option in question.get("options") or () if option.get("correct")}
    if not correct:
        return WRONG
    selected = set(answer)
    if question.get("scoring") == "partial":
        right = len(selected & correct)
        wrong = len(selected - correct)
        return _graded((right - wrong) / len(correct))
    return RIGHT if selected == correct else WRONG


def grade_true_false(question: dict, answer: object) -> Graded:
    """true_false: the answer is the bool in the question (None, strings and numbers are not bools)."""
    expected = question.get("answer")
    if not isinstance(answer, bool) or not isinstance(expected, bool):
        return WRONG
    return RIGHT if answer is expected else WRONG


# --- short text -----------------------------------------------------------------------------------------------------

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


def grade_short_text(question: dict, answer: object) -> Graded:
    """short_text: the normalised answer equals a normalised accepted answer in any language, or matches `pattern`.

    `pattern` is matched with re.fullmatch and re.IGNORECASE against the answer with surrounding whitespace removed.
    An empty answer is never right.
    """
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


# --- numeric --------------------------------------------------------------------------------------------------------

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


def grade_numeric(question: dict, answer: object) -> Graded:
    """numeric: |given - answer| <= tolerance (plus a tiny epsilon for float noise)."""
    expected = parse_number(question.get("answer"))
    tolerance = parse_number(question.get("tolerance")) or 0.0
    given = parse_number(answer)
    if expected is None or given is None:
        return WRONG
    slack = max(0.0, tolerance) + EPSILON * max(1.0, abs(expected))
    return RIGHT if abs(given - expected) <= slack else WRONG


# --- ordering and matching ------------------------------------------------------------------------------------------


def grade_ordering(question: dict, answer: object) -> Graded:
    """ordering: right only when the ids are exactly the items in the listed order (no partial credit)."""
    if not isinstance(answer, list | tuple) or not _is_id_list(answer):
        return WRONG
    expected = _ids(question.get("items"))
    return RIGHT if expected and list(answer) == expected else WRONG


def grade_matching(question: dict, answer: object) -> Graded:
    """matching: {left pair id: chosen right pair id}; the score is the fraction of pairs matched correctly.

    Keys that are not pair ids are ignored; a pair left out counts as wrong.
    """
    if not isinstance(answer, dict):
        return WRONG
    pairs = _ids(question.get("pairs"))
    if not pairs:
        return WRONG
    matched = sum(1 for pair in pairs if isinstance(chosen := answer.get(pair), str) and chosen == pair)
    return _graded(matched / len(pairs))


# --- registry and totals --------------------------------------------------------------------------------------------

GRADERS: dict[str, Callable[[dict, object], Graded]] = {
    "single": grade_single,
    "multiple": grade_multiple,
    "true_false": grade_true_false,
    "short_text": grade_short_text,
    "numeric": grade_numeric,
    "ordering": grade_ordering,
    "matching": grade_matching,
}


def grade(question: dict, answer: object) -> Graded:
    """Grade one answer to one question. Raises KeyError for an unknown (or missing) question type."""
    return GRADERS[question["type"]](question, answer)


def percent(points_earned: float, points_possible: float) -> float:
    """Points earned as a percentage of the points possible, rounded to 2 decimals (0.0 when nothing was possible)."""
    if points_possible <= 0:
        return 0.0
    return round(points_earned * 100 / points_possible, 2)


def passed(percent: float, pass_mark: float) -> bool:
    """Whether a percentage reaches the pass mark (the pass mark itself passes)."""
    return percent >= pass_mark
