"""Numeric (lms.questions.numeric): reading a typed number and grading it, with a property checked by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.courses.content import Question
from lms.questions import TYPES, grade
from lms.questions.base import MAX_ANSWER_LENGTH, Graded
from lms.questions.numeric import NumericSpec, parse_number
from tests.questions.samples import (
    FAST,
    controls_of,
    numeric,
    right,
    rng,
    score,
)

# --- numeric --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["2000", " 2000 ", " 2 000 ", "2\u00a0000", "2\u202f000", "2000.0", "2000,0",
                                    "+2000", "2000.", "２０００"])
def test_numeric_accepted_spellings(answer):
    assert grade(numeric(), answer) == Graded(1.0, True)


@pytest.mark.parametrize("answer", ["1,5", "1.5", " 1,50 "])
def test_numeric_comma_or_dot_decimal_separator(answer):
    assert right(numeric(1.5), answer)


@pytest.mark.parametrize("answer", [",5", ".5", "0,5"])
def test_numeric_leading_separator(answer):
    assert right(numeric(0.5), answer)


def test_numeric_comma_is_never_a_thousands_separator():
    assert score(numeric(2000), "2,000") == 0.0
    assert right(numeric(2), "2,000")


@pytest.mark.parametrize("answer", ["-3", "−3", " - 3"])
def test_numeric_negative_numbers(answer):
    assert right(numeric(-3), answer)


def test_numeric_wrong_number_scores_zero():
    assert grade(numeric(), "1999") == Graded(0.0, False)


@pytest.mark.parametrize("answer", ["", " ", "abc", "2000abc", "2000 тг", "1e3", "inf", "nan", "1,5,0", "1.000,5",
                                    "--1", "+", ".", ",", "0x10", "1_000", "½"])
def test_numeric_unparsable_scores_zero(answer):
    assert score(numeric(1000), answer) == 0.0


@pytest.mark.parametrize("answer", [None, ["2000"], {"a": "2000"}, True])
def test_numeric_wrong_shape_scores_zero(answer):
    assert score(numeric(), answer) == 0.0


def test_numeric_bool_is_not_one():
    assert score(numeric(1), True) == 0.0


def test_numeric_already_parsed_number_is_accepted():
    assert right(numeric(), 2000) and right(numeric(1.5), 1.5)


@pytest.mark.parametrize("answer", [float("nan"), float("inf")])
def test_numeric_non_finite_numbers_score_zero(answer):
    assert score(numeric(), answer) == 0.0


def test_numeric_overflowing_digits_score_zero():
    assert score(numeric(), "9" * 400) == 0.0


def test_numeric_answer_over_the_maximum_length_scores_zero():
    assert score(numeric(), " " * MAX_ANSWER_LENGTH + "2000") == 0.0


def test_numeric_zero_tolerance_is_exact():
    assert score(numeric(2000), "2000.0001") == 0.0


@pytest.mark.parametrize("answer", ["1.6", "1.4", "1,6", "1.55"])
def test_numeric_tolerance_edges_are_inclusive_despite_float_noise(answer):
    assert right(numeric(1.5, 0.1), answer)


@pytest.mark.parametrize("answer", ["1.61", "1.39", "1.6000001"])
def test_numeric_just_outside_the_tolerance_scores_zero(answer):
    assert score(numeric(1.5, 0.1), answer) == 0.0


def test_numeric_float_noise_in_the_expected_answer_is_forgiven():
    assert right(numeric(0.1 + 0.2), "0.3")


def test_numeric_large_tolerance():
    assert right(numeric(2000, 50), "1950") and score(numeric(2000, 50), "1949") == 0.0


def test_parse_number_examples():
    assert parse_number(" 2 000 ") == 2000.0
    assert parse_number("1,5") == 1.5
    assert parse_number("x") is None

# --- properties ----------------------------------------------------------------------------------------------------

@FAST
@given(st.integers(-10**12, 10**12))
def test_any_integer_typed_with_grouping_spaces_is_read_back(number):
    sign, digits = ("-" if number < 0 else ""), str(abs(number))
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    assert right(numeric(float(number)), sign + " ".join(groups))


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["numeric"]


def test_numeric_build_reads_the_answer_and_tolerance_as_floats():
    spec = NumericSpec.model_validate({"id": "q5", "type": "numeric", "text": "?", "answer": 2000, "tolerance": 5})
    assert KIND.build(spec, "en") == {"answer": 2000.0, "tolerance": 5.0}


def test_numeric_warns_about_a_tolerance_that_accepts_zero():
    question = Question(id="q5", type="numeric", text={"en": "?"}, answer=10.0, tolerance=10.0)
    assert KIND.warnings(question) == ["question 'q5': tolerance 10 accepts even 0 for 10"]


def test_numeric_narrow_tolerance_has_no_warning():
    assert KIND.warnings(Question(id="q5", type="numeric", text={"en": "?"}, answer=10.0, tolerance=1.0)) == []


def test_numeric_form_gives_the_text_as_typed():
    question = numeric()
    assert KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": ["2 000"]}) == "2 000"


@pytest.mark.parametrize("answer", [2000.0, 1.5])
def test_numeric_sample_answers_are_typed_numbers_right_and_wrong(answer):
    question = numeric(answer)
    assert right(question, KIND.right_answer(question))
    assert score(question, KIND.wrong_answer(question, rng())) == 0.0
