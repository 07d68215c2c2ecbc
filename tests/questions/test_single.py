"""Single choice (lms.questions.single): grading."""

from __future__ import annotations

import pytest

from lms.questions import grade
from lms.questions.base import Graded
from tests.questions.samples import (
    score,
    single,
)

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
