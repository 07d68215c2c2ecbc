"""Matching (lms.questions.matching): grading."""

from __future__ import annotations

import pytest

from lms.questions import grade
from lms.questions.base import Graded
from tests.questions.samples import (
    matching,
    right,
    score,
)

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
