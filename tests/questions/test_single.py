"""Single choice (lms.questions.single): grading."""

from __future__ import annotations

import pytest

from lms.questions import TYPES, grade
from lms.questions.base import Graded, Invalid, Rejected
from lms.questions.choice import Option
from lms.questions.single import SingleSpec
from tests.questions.samples import controls_of, right, rng, score, single

# --- single ---------------------------------------------------------------------------------------------------------


def test_single_correct_option_scores_one():
    assert grade(single(), "a") == Graded(1.0, True)


def test_single_wrong_option_scores_zero():
    assert grade(single(), "b") == Graded(0.0, False)


def test_single_unknown_option_scores_zero():
    assert score(single(), "z") == 0.0


@pytest.mark.parametrize("answer", [None, ""])
def test_single_missing_answer_scores_zero(answer):
    assert score(single(), answer) == 0.0


@pytest.mark.parametrize("answer", [["a"], {"a"}, ("a",), {"a": "a"}, True])
def test_single_wrong_shape_scores_zero_even_holding_the_right_id(answer):
    assert score(single(), answer) == 0.0


def test_single_answer_is_case_sensitive():
    assert score(single(), "A") == 0.0


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["single"]


def spec(**changes) -> SingleSpec:
    data = {"id": "q1", "type": "single", "text": "Which?",
            "options": [{"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B"}], **changes}
    return SingleSpec.model_validate(data)


def test_single_build_gives_the_options_with_texts_in_the_default_language():
    assert KIND.build(spec(), "ru")["options"] == (Option("a", {"ru": "A"}, True), Option("b", {"ru": "B"}))


@pytest.mark.parametrize("flags", [(True, True), (False, False)])
def test_single_needs_exactly_one_correct_option(flags):
    options = [{"id": i, "text": i, "correct": flag} for i, flag in zip("ab", flags, strict=True)]
    with pytest.raises(Invalid, match="exactly one correct option"):
        KIND.build(spec(options=options), "en")


def test_single_option_ids_must_be_unique():
    options = [{"id": "a", "text": "A", "correct": True}, {"id": "a", "text": "B"}]
    with pytest.raises(Invalid, match="option ids must be unique"):
        KIND.build(spec(options=options), "en")


def test_single_form_gives_the_chosen_option():
    question = single()
    controls = controls_of(KIND, question, {"options": ["c", "a", "b"]})
    assert KIND.parse(question, {}, controls, {"name": ["value:b"]}) == "b"


def test_single_form_without_a_choice_is_unanswered():
    question = single()
    assert KIND.parse(question, {}, controls_of(KIND, question, {"options": ["a", "b", "c"]}), {}) is None


@pytest.mark.parametrize("values", [["value:zzz"], ["b"], ["value:a", "value:b"]])
def test_single_form_with_a_forged_or_second_value_is_rejected(values):
    question = single()
    with pytest.raises(Rejected):
        KIND.parse(question, {}, controls_of(KIND, question, {"options": ["a", "b", "c"]}), {"name": values})


def test_single_sample_answers_are_right_and_wrong():
    question = single()
    assert right(question, KIND.right_answer(question))
    assert score(question, KIND.wrong_answer(question, rng())) == 0.0
