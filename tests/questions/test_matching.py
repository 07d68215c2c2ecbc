"""Matching (lms.questions.matching): grading."""

from __future__ import annotations

import pytest

from lms.questions import TYPES, grade
from lms.questions.base import Graded, Invalid, Rejected
from lms.questions.matching import MatchingSpec
from lms.quizzes.fields import random_tokens
from tests.questions.samples import controls_of, matching, right, rng, score

# --- matching -------------------------------------------------------------------------------------------------------

ALL_MATCHED = {"owner": "owner", "developer": "developer", "user": "user"}


def test_matching_all_pairs_right_scores_one():
    assert grade(matching(), dict(ALL_MATCHED)) == Graded(1.0, True)


def test_matching_one_wrong_pair_gives_partial_credit():
    assert grade(matching(), {"owner": "owner", "developer": "user", "user": "developer"}) == Graded(1 / 3, False)


def test_matching_two_of_three_right():
    answer = {**ALL_MATCHED, "user": "owner"}
    assert grade(matching(), answer) == Graded(2 / 3, False)


def test_matching_all_wrong_scores_zero():
    assert score(matching(), {"owner": "developer", "developer": "user", "user": "owner"}) == 0.0


def test_matching_missing_left_counts_as_wrong():
    assert score(matching(), {"owner": "owner", "developer": "developer"}) == pytest.approx(2 / 3)


def test_matching_unknown_keys_are_ignored():
    assert right(matching(), {**ALL_MATCHED, "intruder": "owner"})


def test_matching_unknown_right_id_counts_as_wrong():
    assert score(matching(), {**ALL_MATCHED, "user": "zzz"}) == pytest.approx(2 / 3)


def test_matching_one_right_chosen_for_every_left_scores_one_pair():
    assert score(matching(), dict.fromkeys(ALL_MATCHED, "owner")) == pytest.approx(1 / 3)


def test_matching_non_string_choice_counts_as_wrong():
    assert score(matching(), {**ALL_MATCHED, "user": None, "owner": ["owner"]}) == pytest.approx(1 / 3)


@pytest.mark.parametrize("answer", [{}, None, [], ["owner", "developer", "user"], "owner", list(ALL_MATCHED.items())])
def test_matching_empty_or_wrong_shape_scores_zero(answer):
    assert score(matching(), answer) == 0.0


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["matching"]
SHOWN = {"rights": ["user", "owner", "developer"]}


def test_matching_pair_ids_must_be_unique():
    spec = MatchingSpec.model_validate({"id": "q7", "type": "matching", "text": "?", "pairs": [
        {"id": "a", "left": "L", "right": "R"}, {"id": "a", "left": "L2", "right": "R2"}]})
    with pytest.raises(Invalid, match="pair ids must be unique"):
        KIND.build(spec, "en")


def test_matching_form_gives_the_right_chosen_for_each_left():
    question = matching()
    form = {"field:owner": ["value:owner"], "field:developer": ["value:user"], "field:user": [""]}
    assert KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), form) == {
        "owner": "owner", "developer": "user"}


def test_matching_form_without_choices_is_unanswered():
    question = matching()
    assert KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), {}) is None


@pytest.mark.parametrize("values", [["value:zzz"], ["owner"], ["value:owner", "value:user"]])
def test_matching_form_with_a_forged_or_second_choice_is_rejected(values):
    question = matching()
    with pytest.raises(Rejected):
        KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), {"field:owner": values})


def test_matching_form_does_not_carry_the_answer_in_names_or_values():
    question = matching()
    tokens = random_tokens()
    controls = KIND.controls(question, SHOWN, lambda part, key: tokens("q7", part, key))
    selects, options = controls["fields"], controls["values"]
    shown = list(selects.values()) + list(options.values())
    assert not any(pid in token for token in shown for pid in ("owner", "developer", "user"))
    assert not set(selects.values()) & set(options.values())
    assert list(options) == SHOWN["rights"]  # the rights in the shuffled order, not the lefts' order


def test_matching_sample_answers_are_right_and_wrong():
    question = matching()
    assert right(question, KIND.right_answer(question))
    assert score(question, KIND.wrong_answer(question, rng())) == 0.0
