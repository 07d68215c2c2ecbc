"""Multiple choice (lms.questions.multiple): all-or-nothing and partial grading, properties checked by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.courses.content import Question
from lms.questions import TYPES, grade
from lms.questions.base import Graded, Invalid, Rejected
from lms.questions.choice import Option
from lms.questions.multiple import MultipleSpec
from tests.questions.samples import (
    FAST,
    controls_of,
    multiple,
    right,
    rng,
    score,
    stored,
)

# --- multiple: all or nothing ---------------------------------------------------------------------------------------


def test_multiple_exact_set_scores_one():
    assert grade(multiple(), ["a", "b", "c"]) == Graded(1.0, True)


@pytest.mark.parametrize("answer", [["c", "a", "b"], {"a", "b", "c"}, ("b", "c", "a"), frozenset("abc")])
def test_multiple_order_and_collection_type_do_not_matter(answer):
    assert right(multiple(), answer)


def test_multiple_repeated_ids_count_once():
    assert right(multiple(), ["a", "a", "b", "c", "c"])


def test_multiple_subset_scores_zero():
    assert score(multiple(), ["a", "b"]) == 0.0


def test_multiple_superset_scores_zero():
    assert score(multiple(), ["a", "b", "c", "d"]) == 0.0


def test_multiple_unknown_extra_id_scores_zero():
    assert score(multiple(), ["a", "b", "c", "zzz"]) == 0.0


@pytest.mark.parametrize("answer", [[], set(), None])
def test_multiple_empty_answer_scores_zero(answer):
    assert score(multiple(), answer) == 0.0


def test_multiple_a_bare_string_is_not_a_list_of_ids():
    question = stored(Question(id="q", type="multiple", text={}, options=(Option("a", {}, True), Option("b", {}))))
    assert score(question, "a") == 0.0


@pytest.mark.parametrize("answer", [["a", "b", None], ["a", "b", "c", 1], {"a": "a", "b": "b", "c": "c"}])
def test_multiple_wrong_shape_scores_zero(answer):
    assert score(multiple(), answer) == 0.0


def test_multiple_defaults_to_all_or_nothing_for_an_unknown_scoring():
    question = multiple()
    question["scoring"] = "generous"
    assert score(question, ["a", "b"]) == 0.0


def test_multiple_without_correct_options_scores_zero():
    question = multiple()
    for option in question["options"]:
        option["correct"] = False
    assert score(question, []) == 0.0


# --- multiple: partial ----------------------------------------------------------------------------------------------


def test_partial_exact_set_scores_exactly_one():
    assert grade(multiple("partial"), ["a", "b", "c"]) == Graded(1.0, True)


def test_partial_two_of_three_right_scores_two_thirds():
    assert grade(multiple("partial"), ["a", "b"]) == Graded(2 / 3, False)


def test_partial_wrong_selection_cancels_a_right_one():
    assert score(multiple("partial"), ["a", "b", "d"]) == pytest.approx(1 / 3)


def test_partial_more_wrong_than_right_scores_zero_not_negative():
    assert score(multiple("partial"), ["a", "d", "e"]) == 0.0


def test_partial_selecting_everything_is_penalised():
    assert score(multiple("partial"), ["a", "b", "c", "d", "e"]) == pytest.approx(1 / 3)


def test_partial_unknown_id_counts_as_wrong():
    assert score(multiple("partial"), ["a", "b", "c", "zzz"]) == pytest.approx(2 / 3)


def test_partial_repeated_wrong_id_counts_once():
    assert score(multiple("partial"), ["a", "b", "c", "d", "d"]) == pytest.approx(2 / 3)


def test_partial_empty_answer_scores_zero():
    assert score(multiple("partial"), []) == 0.0


def test_partial_wrong_shape_scores_zero():
    assert score(multiple("partial"), ["a", "b", 3]) == 0.0

# --- properties ----------------------------------------------------------------------------------------------------

ids = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)

@st.composite
def multiple_questions(draw):
    """A partial-credit multiple question with at least one correct option, and its correct set."""
    option_ids = draw(st.lists(ids, min_size=2, max_size=20, unique=True))
    flags = draw(st.lists(st.booleans(), min_size=len(option_ids), max_size=len(option_ids)))
    if not any(flags):
        flags[draw(st.integers(0, len(flags) - 1))] = True
    question = stored(Question(id="q", type="multiple", text={}, scoring="partial",
                               options=tuple(Option(i, {}, f) for i, f in zip(option_ids, flags, strict=True))))
    return question, {i for i, f in zip(option_ids, flags, strict=True) if f}


@FAST
@given(multiple_questions(), st.data())
def test_partial_credit_is_between_zero_and_one(question_and_correct, data):
    question, _ = question_and_correct
    option_ids = [o["id"] for o in question["options"]]
    answer = data.draw(st.lists(st.one_of(st.sampled_from(option_ids), ids)))
    result = grade(question, answer)
    assert 0.0 <= result.score <= 1.0
    assert result.correct == (result.score == 1.0)


@FAST
@given(multiple_questions())
def test_partial_credit_is_exactly_one_for_the_correct_set(question_and_correct):
    question, correct = question_and_correct
    assert grade(question, sorted(correct)) == Graded(1.0, True)


@FAST
@given(multiple_questions(), st.data())
def test_partial_credit_is_below_one_for_any_other_set(question_and_correct, data):
    question, correct = question_and_correct
    option_ids = [o["id"] for o in question["options"]]
    answer = set(data.draw(st.lists(st.one_of(st.sampled_from(option_ids), ids))))
    if answer != correct:
        assert grade(question, answer).score < 1.0


@FAST
@given(multiple_questions(), st.data())
def test_adding_a_wrong_option_never_raises_the_partial_score(question_and_correct, data):
    question, correct = question_and_correct
    option_ids = [o["id"] for o in question["options"]]
    answer = data.draw(st.sets(st.sampled_from(option_ids)))
    wrong = data.draw(st.one_of(st.sampled_from(option_ids), ids).filter(lambda i: i not in correct))
    assert grade(question, answer | {wrong}).score <= grade(question, answer).score


@FAST
@given(multiple_questions(), st.data())
def test_adding_a_correct_option_never_lowers_the_partial_score(question_and_correct, data):
    question, correct = question_and_correct
    option_ids = [o["id"] for o in question["options"]]
    answer = data.draw(st.sets(st.sampled_from(option_ids)))
    extra = data.draw(st.sampled_from(sorted(correct)))
    assert grade(question, answer | {extra}).score >= grade(question, answer).score


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["multiple"]


def spec(**changes) -> MultipleSpec:
    data = {"id": "q2", "type": "multiple", "text": "Which?",
            "options": [{"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B"}], **changes}
    return MultipleSpec.model_validate(data)


def test_multiple_build_keeps_the_scoring():
    assert KIND.build(spec(scoring="partial"), "en")["scoring"] == "partial"


def test_multiple_needs_a_correct_option():
    with pytest.raises(Invalid, match="has no correct option"):
        KIND.build(spec(options=[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]), "en")


def test_multiple_form_gives_the_ticked_options_sorted():
    question = multiple()
    controls = controls_of(KIND, question, {"options": list("edcba")})
    assert KIND.parse(question, {}, controls, {"name": ["value:c", "value:a", "value:c"]}) == ["a", "c"]


def test_multiple_form_with_nothing_ticked_is_an_empty_answer():
    question = multiple()
    assert KIND.parse(question, {}, controls_of(KIND, question, {"options": list("abcde")}), {}) == []


def test_multiple_form_with_a_forged_value_is_rejected():
    question = multiple()
    with pytest.raises(Rejected):
        KIND.parse(question, {}, controls_of(KIND, question, {"options": list("abcde")}),
                   {"name": ["value:a", "value:z"]})


def test_multiple_sample_answers_are_right_and_not_right():
    question = multiple()
    assert right(question, KIND.right_answer(question))
    assert not right(question, KIND.wrong_answer(question, rng()))
