"""True or false (lms.questions.true_false): grading."""

from __future__ import annotations

import pytest

from lms.questions import TYPES, grade
from lms.questions.base import Graded, Rejected
from lms.questions.true_false import TrueFalseSpec
from tests.questions.samples import controls_of, right, rng, score, true_false

# --- true/false -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("expected", [True, False])
def test_true_false_matching_bool_scores_one(expected):
    assert grade(true_false(expected), expected) == Graded(1.0, True)


@pytest.mark.parametrize("expected", [True, False])
def test_true_false_opposite_bool_scores_zero(expected):
    assert grade(true_false(expected), not expected) == Graded(0.0, False)


def test_true_false_no_answer_scores_zero_even_when_the_answer_is_false():
    assert score(true_false(False), None) == 0.0


@pytest.mark.parametrize("answer", ["true", "True", 1, 1.0, [True]])
def test_true_false_truthy_non_bools_score_zero(answer):
    assert score(true_false(True), answer) == 0.0


@pytest.mark.parametrize("answer", ["false", "", 0, 0.0, []])
def test_true_false_falsy_non_bools_score_zero(answer):
    assert score(true_false(False), answer) == 0.0


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["true_false"]


@pytest.mark.parametrize(("value", "answer"), [("value:true", True), ("value:false", False)])
def test_true_false_form_gives_the_bool(value, answer):
    question = true_false()
    assert KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": [value]}) is answer


def test_true_false_form_without_a_choice_is_unanswered():
    question = true_false()
    assert KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": []}) is None


@pytest.mark.parametrize("values", [["true"], ["value:true", "value:false"]])
def test_true_false_form_with_a_forged_or_second_value_is_rejected(values):
    question = true_false()
    with pytest.raises(Rejected):
        KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": values})


def test_true_false_build_keeps_the_answer():
    spec = TrueFalseSpec.model_validate({"id": "q3", "type": "true_false", "text": "?", "answer": False})
    assert KIND.build(spec, "en") == {"answer": False}


@pytest.mark.parametrize("expected", [True, False])
def test_true_false_sample_answers_are_right_and_wrong(expected):
    question = true_false(expected)
    assert right(question, KIND.right_answer(question))
    assert score(question, KIND.wrong_answer(question, rng())) == 0.0
