"""Grading: one behaviour per test for every question type, plus properties checked with hypothesis."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.courses.content import QUESTION_TYPES, Item, Option, Pair, Question
from lms.quizzes.grading import (
    GRADERS,
    MAX_ANSWER_LENGTH,
    Graded,
    grade,
    normalise,
    parse_number,
    passed,
    percent,
)

FAST = settings(max_examples=150, deadline=None, database=None)


def stored(question: Question) -> dict:
    """A question as the database gives it back: asdict, then a JSON round trip (tuples become lists)."""
    return json.loads(json.dumps(asdict(question)))


def single() -> dict:
    return stored(Question(id="q1", type="single", text={"en": "?"}, options=(
        Option("a", {"en": "A"}, correct=True), Option("b", {"en": "B"}), Option("c", {"en": "C"}))))


def multiple(scoring: str = "all_or_nothing") -> dict:
    """Correct: a, b, c. Wrong: d, e."""
    options = tuple(Option(i, {"en": i}, correct=i in "abc") for i in "abcde")
    return stored(Question(id="q2", type="multiple", text={"en": "?"}, options=options, scoring=scoring))


def true_false(answer: bool = True) -> dict:
    return stored(Question(id="q3", type="true_false", text={"en": "?"}, answer=answer))


def short_text(accepted: dict | None = None, pattern: str | None = None) -> dict:
    if accepted is None:
        accepted = {"en": ("AI",), "ru": ("ИИ", "AI"), "kk": ("ЖИ", "AI")}
    return stored(Question(id="q4", type="short_text", text={"en": "?"}, accepted=accepted, pattern=pattern))


def numeric(answer: float = 2000.0, tolerance: float = 0.0) -> dict:
    return stored(Question(id="q5", type="numeric", text={"en": "?"}, answer=answer, tolerance=tolerance))


ORDER = ["define", "data", "train", "monitor"]


def ordering() -> dict:
    return stored(Question(id="q6", type="ordering", text={"en": "?"},
                           items=tuple(Item(i, {"en": i}) for i in ORDER)))


def matching() -> dict:
    return stored(Question(id="q7", type="matching", text={"en": "?"},
                           pairs=tuple(Pair(i, {"en": i}, {"en": i.upper()}) for i in ("owner", "developer", "user"))))


QUESTIONS = {"single": single, "multiple": multiple, "true_false": true_false, "short_text": short_text,
             "numeric": numeric, "ordering": ordering, "matching": matching}
#: Answers that have no right shape for any type.
NONSENSE = [None, 0, 1.5, object(), b"a", [None], [["a"]], {"a": None}]


def right(question: dict, answer) -> bool:
    result = grade(question, answer)
    return result.correct and result.score == 1.0


def score(question: dict, answer) -> float:
    return grade(question, answer).score


# --- registry -------------------------------------------------------------------------------------------------------


def test_there_is_a_grader_for_every_question_type():
    assert set(GRADERS) == set(QUESTION_TYPES)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_grade_dispatches_on_the_question_type(kind, monkeypatch):
    monkeypatch.setitem(GRADERS, kind, lambda question, answer: Graded(0.5, False))
    assert grade(QUESTIONS[kind](), None) == Graded(0.5, False)


def test_grade_raises_key_error_for_an_unknown_type():
    with pytest.raises(KeyError):
        grade({"id": "q", "type": "essay"}, "text")


def test_grade_raises_key_error_for_a_question_without_a_type():
    with pytest.raises(KeyError):
        grade({"id": "q"}, "text")


def test_graded_is_frozen():
    with pytest.raises(FrozenInstanceError):
        Graded(1.0, True).score = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@pytest.mark.parametrize("answer", NONSENSE, ids=lambda answer: type(answer).__name__)
def test_nonsense_answers_score_zero_for_every_type(kind, answer):
    assert grade(QUESTIONS[kind](), answer) == Graded(0.0, False)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_questions_straight_from_asdict_with_tuples_are_graded(kind):
    raw = {"single": "a", "multiple": ["a", "b", "c"], "true_false": True, "short_text": "AI", "numeric": "2000",
           "ordering": ORDER, "matching": {"owner": "owner", "developer": "developer", "user": "user"}}
    question = asdict(Question(id="q", type=kind, text={"en": "?"}, answer=True if kind == "true_false" else 2000.0,
                               options=(Option("a", {}, True), Option("b", {}, True), Option("c", {}, True)),
                               accepted={"en": ("AI",)}, items=tuple(Item(i, {}) for i in ORDER),
                               pairs=tuple(Pair(i, {}, {}) for i in ("owner", "developer", "user"))))
    assert right(question, raw[kind])


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


# --- short text -----------------------------------------------------------------------------------------------------


def test_short_text_exact_accepted_answer_scores_one():
    assert grade(short_text(), "AI") == Graded(1.0, True)


def test_short_text_is_case_insensitive():
    assert right(short_text(), "ai")


def test_short_text_answer_in_another_language_is_accepted():
    assert right(short_text({"en": ("AI",), "kk": ("ЖИ",)}), "жи")


def test_short_text_wrong_answer_scores_zero():
    assert grade(short_text(), "ML") == Graded(0.0, False)


def test_short_text_extra_and_odd_whitespace_is_collapsed():
    assert right(short_text({"kk": ("Жасанды интеллект",)}), "  жасанды  \t интеллект\n")


def test_short_text_kazakh_letters_may_be_typed_as_russian_look_alikes():
    assert right(short_text({"kk": ("Қазақстан",)}), "Казакстан")


def test_short_text_russian_look_alikes_accept_a_kazakh_spelled_answer():
    assert right(short_text({"kk": ("Казакстан",)}), "ҚАЗАҚСТАН")


def test_short_text_kazakh_and_russian_names_are_different_words():
    """Қазақстан -> казакстан, not казахстан: authors list the Russian name under ru when they want it."""
    assert score(short_text({"kk": ("Қазақстан",)}), "Казахстан") == 0.0


def test_short_text_kazakh_and_russian_names_both_accepted_when_both_listed():
    question = short_text({"kk": ("Қазақстан",), "ru": ("Казахстан",)})
    assert right(question, "Казахстан") and right(question, "қазақстан") and right(question, "казакстан")


@pytest.mark.parametrize(("accepted", "answer"), [("ёлка", "елка"), ("елка", "ёлка"), ("Ёлка", "ЕЛКА")])
def test_short_text_yo_and_ye_are_the_same(accepted, answer):
    assert right(short_text({"ru": (accepted,)}), answer)


@pytest.mark.parametrize("answer", ["«ИИ»", '"AI"', "'AI'", "AI.", "(AI)", "AI!", "„ИИ“", "— AI —", "`AI`", " «AI» ."])
def test_short_text_surrounding_punctuation_and_quotes_are_ignored(answer):
    assert right(short_text(), answer)


def test_short_text_inner_punctuation_counts():
    assert score(short_text(), "A.I.") == 0.0


def test_short_text_fullwidth_letters_are_normalised():
    assert right(short_text(), "ＡＩ")


def test_short_text_latin_look_alikes_are_not_mapped():
    assert score(short_text({"kk": ("ЖИ",)}), "ЖI") == 0.0  # Latin I
    assert score(short_text({"ru": ("САР",)}), "CAP") == 0.0  # Latin C, A, P


@pytest.mark.parametrize("answer", ["", "   ", "...", "«»"])
def test_short_text_empty_answer_scores_zero(answer):
    assert score(short_text(), answer) == 0.0


def test_short_text_empty_answer_is_wrong_even_if_an_accepted_answer_normalises_to_empty():
    assert score(short_text({"en": ("?!",)}), "") == 0.0


@pytest.mark.parametrize("answer", [None, ["AI"], {"en": "AI"}, True, 0])
def test_short_text_wrong_shape_scores_zero(answer):
    assert score(short_text(), answer) == 0.0


def test_short_text_answer_of_the_maximum_length_is_graded():
    assert right(short_text(), " " * (MAX_ANSWER_LENGTH - 2) + "AI")


def test_short_text_answer_over_the_maximum_length_scores_zero():
    assert score(short_text(), " " * (MAX_ANSWER_LENGTH - 1) + "AI") == 0.0


def test_short_text_huge_answer_scores_zero():
    assert score(short_text(pattern=r".*"), "AI" * 500_000) == 0.0


def test_short_text_pattern_full_match_ignoring_case_scores_one():
    assert right(short_text({}, pattern=r"ai|artificial intelligence"), "Artificial Intelligence")


def test_short_text_pattern_must_match_the_whole_answer():
    assert score(short_text({}, pattern=r"ai"), "AI is great") == 0.0


def test_short_text_pattern_sees_the_answer_without_surrounding_whitespace():
    assert right(short_text({}, pattern=r"\d{12}"), "  123456789012\n")


def test_short_text_pattern_is_an_alternative_to_accepted_answers():
    question = short_text({"en": ("AI",)}, pattern=r"a\.i\.")
    assert right(question, "AI") and right(question, "a.i.")


def test_short_text_invalid_pattern_scores_zero_without_raising():
    assert score(short_text({}, pattern=r"(unclosed"), "(unclosed") == 0.0


def test_short_text_plain_string_accepted_list_is_tolerated():
    question = short_text()
    question["accepted"] = {"en": "AI"}
    assert right(question, "ai")


# --- normalise ------------------------------------------------------------------------------------------------------


def test_normalise_example():
    assert normalise("  «Жасанды   Интеллект»  ") == "жасанды интеллект"


@pytest.mark.parametrize(("kazakh", "russian"), list(zip("әғқңөұүһі", "агкноуухи", strict=True)))
def test_normalise_maps_each_kazakh_letter(kazakh, russian):
    assert normalise(kazakh) == russian
    assert normalise(kazakh.upper()) == russian


def test_normalise_maps_yo():
    assert normalise("Ёж ёлка") == "еж елка"


def test_normalise_composes_a_decomposed_yo():
    assert normalise("е\u0308лка") == "елка"


def test_normalise_repeats_until_stable_when_mapping_lets_nfkc_compose_again():
    """ё + combining diaeresis -> е + diaeresis (first pass) -> ё (NFKC) -> е."""
    assert normalise("ё\u0308") == "е"


def test_normalise_keeps_other_cyrillic_letters():
    assert normalise("ЙЦУКЕН шщзхъ эюя") == "йцукен шщзхъ эюя"


def test_normalise_of_empty_is_empty():
    assert normalise("") == ""


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


# --- properties -----------------------------------------------------------------------------------------------------

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


KAZAKH_RUSSIAN = st.text(alphabet="аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяАӘЁҚҢӨҰҮІ \t\n.,!?«»\"'-–—()\u0308")


@FAST
@given(st.one_of(st.text(), KAZAKH_RUSSIAN))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@FAST
@given(st.one_of(st.text(), KAZAKH_RUSSIAN))
def test_normalised_text_has_no_edge_or_double_whitespace(text):
    result = normalise(text)
    assert result == result.strip() and "  " not in result


@FAST
@given(KAZAKH_RUSSIAN.filter(lambda t: normalise(t) != ""))
def test_an_accepted_answer_is_always_accepted_as_typed(text):
    assert right(short_text({"kk": (text,)}), text)


@FAST
@given(st.integers(-10**12, 10**12))
def test_any_integer_typed_with_grouping_spaces_is_read_back(number):
    sign, digits = ("-" if number < 0 else ""), str(abs(number))
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    assert right(numeric(float(number)), sign + " ".join(groups))


ANY_ANSWER = st.one_of(st.none(), st.text(), st.lists(st.text()), st.dictionaries(st.text(), st.text()),
                       st.booleans())


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@settings(max_examples=100, deadline=None, database=None)
@given(answer=ANY_ANSWER)
def test_grade_never_raises_for_arbitrary_answers(kind, answer):
    result = grade(QUESTIONS[kind](), answer)
    assert 0.0 <= result.score <= 1.0
    assert result.correct == (result.score == 1.0)


@pytest.mark.parametrize("kind", QUESTION_TYPES)
@settings(max_examples=50, deadline=None, database=None)
@given(answer=ANY_ANSWER)
def test_grade_never_raises_for_arbitrary_answers_when_a_pattern_is_set(kind, answer):
    question = QUESTIONS[kind]()
    question["pattern"] = r"[a-zа-я ]+"
    assert 0.0 <= grade(question, answer).score <= 1.0
