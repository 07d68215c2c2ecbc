"""Grading an attempt (lms.quizzes.grading): the percentage and the pass mark. Each type's grading: tests/questions."""

from __future__ import annotations

import pytest

from lms.quizzes.grading import passed, percent

# --- percent and passed ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("earned", "possible", "expected"), [
    (7, 10, 70.0), (2, 3, 66.67), (1, 3, 33.33), (0, 5, 0.0), (5, 5, 100.0), (2.5, 4, 62.5), (1 / 3 + 2, 3, 77.78),
])
def test_percent_is_rounded_to_two_decimals(earned, possible, expected):
    assert percent(earned, possible) == expected


def test_percent_of_nothing_possible_is_zero():
    assert percent(0, 0) == 0.0


def test_passed_at_the_pass_mark():
    assert passed(70.0, 70)


def test_not_passed_just_below_the_pass_mark():
    assert not passed(69.99, 70)


def test_passed_above_the_pass_mark():
    assert passed(100.0, 70)


def test_seven_of_ten_passes_a_seventy_percent_mark():
    assert passed(percent(7, 10), 70)
