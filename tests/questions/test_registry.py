"""The registry of question types: every type the format names has a handler that grades, lays out and parses."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms import PROJECT_ROOT
from lms.courses.content import Question
from lms.courses.schema import QuizSpec
from lms.questions import QUESTION_TYPES, TYPES, grade
from lms.questions.base import Graded, QuestionType
from lms.questions.choice import Option
from lms.questions.matching import Pair
from lms.questions.ordering import Item
from tests.questions.samples import (
    NONSENSE,
    ORDER,
    QUESTIONS,
    right,
)

TEMPLATES = PROJECT_ROOT / "lms" / "templates"

# --- registry -------------------------------------------------------------------------------------------------------


def _schema_types() -> dict[str, dict]:
    """The `type` values quiz.yml accepts, as the JSON Schema of QuizSpec names them, with each one's model."""
    schema = QuizSpec.model_json_schema()
    mapping = schema["properties"]["questions"]["items"]["discriminator"]["mapping"]
    return {kind: schema["$defs"][ref.rsplit("/", 1)[-1]] for kind, ref in mapping.items()}


def test_the_registry_covers_every_type_the_schema_names():
    assert set(_schema_types()) == set(TYPES)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_each_type_s_model_takes_its_own_name_as_type(kind):
    assert _schema_types()[kind]["properties"]["type"]["const"] == kind
    assert TYPES[kind].spec.model_fields["type"].annotation.__args__ == (kind,)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_there_is_a_grader_for_every_question_type(kind):
    assert type(TYPES[kind]).grade is not QuestionType.grade


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@pytest.mark.parametrize("part", ["take_template", "result_template"])
def test_every_type_has_its_partials(kind, part):
    assert (TEMPLATES / getattr(TYPES[kind], part)).is_file()


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_grade_dispatches_on_the_question_type(kind, monkeypatch):
    monkeypatch.setattr(TYPES[kind], "grade", lambda question, answer: Graded(0.5, False))
    assert grade(QUESTIONS[kind](), None) == Graded(0.5, False)


def test_grade_raises_key_error_for_an_unknown_type():
    with pytest.raises(KeyError):
        grade({"id": "q", "type": "essay"}, "text")


def test_grade_raises_key_error_for_a_question_without_a_type():
    with pytest.raises(KeyError):
        grade({"id": "q"}, "text")


def test_graded_is_frozen():
    with pytest.raises(FrozenInstanceError):
        Graded(1.0, True).score = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@pytest.mark.parametrize("answer", NONSENSE, ids=lambda answer: type(answer).__name__)
def test_nonsense_answers_score_zero_for_every_type(kind, answer):
    assert grade(QUESTIONS[kind](), answer) == Graded(0.0, False)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_questions_straight_from_asdict_with_tuples_are_graded(kind):
    raw = {"single": "a", "multiple": ["a", "b", "c"], "true_false": True, "short_text": "AI", "numeric": "2000",
           "ordering": ORDER, "matching": {"owner": "owner", "developer": "developer", "user": "user"}}
    question = asdict(Question(id="q", type=kind, text={"en": "?"}, answer=True if kind == "true_false" else 2000.0,
                               options=(Option("a", {}, True), Option("b", {}, True), Option("c", {}, True)),
                               accepted={"en": ("AI",)}, items=tuple(Item(i, {}) for i in ORDER),
                               pairs=tuple(Pair(i, {}, {}) for i in ("owner", "developer", "user"))))
    assert right(question, raw[kind])

ANY_ANSWER = st.one_of(st.none(), st.text(), st.lists(st.text()), st.dictionaries(st.text(), st.text()),
                       st.booleans())


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@settings(max_examples=100, deadline=None, database=None)
@given(answer=ANY_ANSWER)
def test_grade_never_raises_for_arbitrary_answers(kind, answer):
    result = grade(QUESTIONS[kind](), answer)
    assert 0.0 <= result.score <= 1.0
    assert result.correct == (result.score == 1.0)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@settings(max_examples=50, deadline=None, database=None)
@given(answer=ANY_ANSWER)
def test_grade_never_raises_for_arbitrary_answers_when_a_pattern_is_set(kind, answer):
    question = QUESTIONS[kind]()
    question["pattern"] = r"[a-zа-я ]+"
    assert 0.0 <= grade(question, answer).score <= 1.0
