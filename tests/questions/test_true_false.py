"""True or false (lms.questions.true_false): grading."""

from __future__ import annotations

import pytest

from lms.questions import grade
from lms.questions.base import Graded
from tests.questions.samples import (
    score,
    true_false,
)

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
