"""Ordering (lms.questions.ordering): grading."""

from __future__ import annotations

import pytest

from lms.questions import grade
from lms.questions.base import Graded
from tests.questions.samples import (
    ORDER,
    ordering,
    right,
    score,
)

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
