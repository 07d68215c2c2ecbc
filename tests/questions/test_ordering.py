"""Ordering (lms.questions.ordering): grading."""

from __future__ import annotations

import pytest

from lms.questions import TYPES, grade
from lms.questions.base import Graded, Invalid, Rejected
from lms.questions.ordering import OrderingSpec
from tests.questions.samples import ORDER, controls_of, ordering, right, rng, score

# --- ordering -------------------------------------------------------------------------------------------------------


def test_ordering_listed_order_scores_one():
    assert grade(ordering(), list(ORDER)) == Graded(1.0, True)


def test_ordering_tuple_is_accepted():
    assert right(ordering(), tuple(ORDER))


def test_ordering_two_swapped_items_score_zero():
    assert grade(ordering(), ["define", "train", "data", "monitor"]) == Graded(0.0, False)


def test_ordering_reversed_scores_zero():
    assert score(ordering(), ORDER[::-1]) == 0.0


def test_ordering_missing_item_scores_zero():
    assert score(ordering(), ORDER[:-1]) == 0.0


def test_ordering_extra_item_scores_zero():
    assert score(ordering(), [*ORDER, "celebrate"]) == 0.0


def test_ordering_repeated_item_scores_zero():
    assert score(ordering(), [*ORDER, "monitor"]) == 0.0


def test_ordering_unknown_id_scores_zero():
    assert score(ordering(), ["define", "data", "train", "zzz"]) == 0.0


@pytest.mark.parametrize("answer", [[], None, "define,data,train,monitor", set(ORDER), {i: i for i in ORDER},
                                    [*ORDER[:3], None]])
def test_ordering_empty_or_wrong_shape_scores_zero(answer):
    assert score(ordering(), answer) == 0.0


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["ordering"]
SHOWN = {"items": ["train", "define", "monitor", "data"]}


def test_ordering_item_ids_must_be_unique():
    spec = OrderingSpec.model_validate({"id": "q6", "type": "ordering", "text": "?",
                                        "items": [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]})
    with pytest.raises(Invalid, match="item ids must be unique"):
        KIND.build(spec, "en")


def test_ordering_controls_are_a_rank_select_per_shown_item():
    controls = controls_of(KIND, ordering(), SHOWN)
    assert list(controls["fields"]) == SHOWN["items"] and list(controls["values"]) == ["1", "2", "3", "4"]


def test_ordering_form_gives_the_items_by_their_ranks():
    question = ordering()
    form = {"field:train": ["value:3"], "field:define": ["value:1"], "field:monitor": ["value:4"],
            "field:data": ["value:2"]}
    assert KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), form) == ORDER


def test_ordering_form_breaks_ties_by_the_display_order_and_leaves_out_unranked_items():
    question = ordering()
    form = {"field:data": ["value:1"], "field:train": ["value:1"], "field:define": [""]}
    assert KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), form) == ["train", "data"]


def test_ordering_form_without_ranks_is_unanswered():
    question = ordering()
    assert KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), {"field:data": [""]}) is None


@pytest.mark.parametrize("values", [["value:9"], ["1"], ["value:1", "value:2"]])
def test_ordering_form_with_a_forged_or_second_rank_is_rejected(values):
    question = ordering()
    with pytest.raises(Rejected):
        KIND.parse(question, SHOWN, controls_of(KIND, question, SHOWN), {"field:data": values})


def test_ordering_sample_answers_are_right_and_wrong():
    question = ordering()
    assert right(question, KIND.right_answer(question))
    assert score(question, KIND.wrong_answer(question, rng())) == 0.0
