"""Short text (lms.questions.short_text): grading and normalisation, with properties checked by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.questions import TYPES, grade
from lms.questions.base import MAX_ANSWER_LENGTH, Graded, Invalid, Rejected
from lms.questions.short_text import ShortTextSpec, normalise
from tests.questions.samples import (
    FAST,
    controls_of,
    right,
    rng,
    score,
    short_text,
)

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

# --- properties ----------------------------------------------------------------------------------------------------

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


# --- file and form --------------------------------------------------------------------------------------------------

KIND = TYPES["short_text"]


def spec(**changes) -> ShortTextSpec:
    return ShortTextSpec.model_validate({"id": "q4", "type": "short_text", "text": "?", **changes})


def test_short_text_bare_accepted_list_is_in_the_default_language():
    assert KIND.build(spec(accepted=["ИИ"]), "ru") == {"accepted": {"ru": ("ИИ",)}, "pattern": None}


def test_short_text_needs_accepted_answers_or_a_pattern():
    with pytest.raises(Invalid, match="has no correct answer"):
        KIND.build(spec(), "en")


def test_short_text_pattern_must_be_a_regular_expression():
    with pytest.raises(Invalid, match="pattern is not a valid regular expression"):
        KIND.build(spec(pattern="(AI"), "en")


def test_short_text_form_gives_the_text_as_typed():
    question = short_text()
    assert KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": [" «AI» "]}) == " «AI» "


@pytest.mark.parametrize("values", [[], [""], ["   "]])
def test_short_text_form_left_empty_is_unanswered(values):
    question = short_text()
    assert KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": values}) is None


@pytest.mark.parametrize("values", [["A" * (MAX_ANSWER_LENGTH + 1)], ["AI", "AI"]])
def test_short_text_form_oversized_or_repeated_is_rejected(values):
    question = short_text()
    with pytest.raises(Rejected):
        KIND.parse(question, {}, controls_of(KIND, question, {}), {"name": values})


def test_short_text_sample_answer_is_right_and_the_wrong_one_is_blank():
    question = short_text()
    assert right(question, KIND.right_answer(question))
    assert KIND.wrong_answer(question, rng()) is None
