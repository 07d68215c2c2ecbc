"""Drawing an attempt's questions and the display layout of each question: sizes, topics, determinism, shuffling."""

from __future__ import annotations

import copy
import random
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lms.quizzes.draw import draw_questions, shuffle_layout

FAST = settings(max_examples=150, deadline=None, database=None)


def pool(*topics: str | None) -> list[dict]:
    """Questions q0, q1, ... with the given topics."""
    return [{"id": f"q{i}", "type": "single", "topic": topic} for i, topic in enumerate(topics)]


def ids_of(questions: list[dict]) -> list[str]:
    return [q["id"] for q in questions]


def rng(seed: int = 1) -> random.Random:
    """A seeded generator, as an attempt would make from its stored seed."""
    return random.Random(seed)  # noqa: S311 - layout, not security


def draw_all(questions, seed: int = 1, *, draw=None, draw_per_topic=None) -> list[str]:
    return draw_questions(questions, draw=draw, draw_per_topic=draw_per_topic or {}, rng=rng(seed))


TEN = pool(*(["data"] * 4 + ["limits"] * 3 + [None] * 3))


# --- draw_questions: no settings ------------------------------------------------------------------------------------


def test_no_draw_settings_gives_every_question_in_file_order():
    assert draw_all(TEN) == ids_of(TEN)


def test_empty_draw_per_topic_counts_as_no_setting():
    assert draw_questions(TEN, draw=None, draw_per_topic={}, rng=rng()) == ids_of(TEN)


def test_no_draw_settings_with_an_empty_pool_gives_nothing():
    assert draw_all([]) == []


# --- draw_questions: draw N -----------------------------------------------------------------------------------------


def test_draw_n_gives_n_distinct_questions_of_the_pool():
    drawn = draw_all(TEN, draw=4)
    assert len(drawn) == len(set(drawn)) == 4
    assert set(drawn) <= set(ids_of(TEN))


def test_draw_n_keeps_the_file_order_of_the_drawn_questions():
    drawn = draw_all(TEN, draw=5)
    assert drawn == [i for i in ids_of(TEN) if i in drawn]


def test_draw_everything_gives_the_whole_pool():
    assert draw_all(TEN, draw=10) == ids_of(TEN)


def test_draw_more_than_the_pool_raises():
    with pytest.raises(ValueError, match="has 10"):
        draw_all(TEN, draw=11)


@pytest.mark.parametrize("count", [0, -1])
def test_draw_below_one_raises(count):
    with pytest.raises(ValueError):
        draw_all(TEN, draw=count)


def test_draw_from_an_empty_pool_raises():
    with pytest.raises(ValueError):
        draw_all([], draw=1)


def test_draw_is_the_same_for_the_same_seed():
    assert draw_all(TEN, 42, draw=3) == draw_all(TEN, 42, draw=3)


def test_draw_differs_between_seeds():
    assert len({tuple(draw_all(TEN, seed, draw=3)) for seed in range(50)}) > 10


def test_draw_picks_every_question_about_equally_often():
    counts = Counter(q for seed in range(3000) for q in draw_all(TEN, seed, draw=3))
    assert set(counts) == set(ids_of(TEN))
    assert all(800 <= n <= 1000 for n in counts.values())  # 900 expected each


# --- draw_questions: draw per topic ---------------------------------------------------------------------------------


def test_draw_per_topic_gives_exactly_n_of_each_listed_topic():
    drawn = set(draw_all(TEN, draw_per_topic={"data": 2, "limits": 3}))
    topics = Counter(q["topic"] for q in TEN if q["id"] in drawn)
    assert topics == {"data": 2, "limits": 3}


def test_draw_per_topic_leaves_out_unlisted_topics_and_untagged_questions():
    drawn = set(draw_all(TEN, draw_per_topic={"data": 1}))
    assert {q["topic"] for q in TEN if q["id"] in drawn} == {"data"}


def test_draw_per_topic_keeps_file_order():
    drawn = draw_all(TEN, draw_per_topic={"limits": 2, "data": 2})
    assert drawn == [i for i in ids_of(TEN) if i in drawn]


def test_draw_per_topic_does_not_depend_on_the_key_order_of_the_setting():
    for seed in range(20):
        assert (draw_all(TEN, seed, draw_per_topic={"data": 2, "limits": 1})
                == draw_all(TEN, seed, draw_per_topic={"limits": 1, "data": 2}))


def test_draw_per_topic_is_the_same_for_the_same_seed():
    assert draw_all(TEN, 7, draw_per_topic={"data": 2}) == draw_all(TEN, 7, draw_per_topic={"data": 2})


def test_draw_per_topic_differs_between_seeds():
    assert len({tuple(draw_all(TEN, seed, draw_per_topic={"data": 2})) for seed in range(50)}) > 3


def test_draw_per_topic_with_too_few_questions_raises():
    with pytest.raises(ValueError, match="'limits'"):
        draw_all(TEN, draw_per_topic={"limits": 4})


def test_draw_per_topic_with_an_unknown_topic_raises():
    with pytest.raises(ValueError, match="'ethics'"):
        draw_all(TEN, draw_per_topic={"ethics": 1})


def test_draw_per_topic_with_a_zero_count_raises():
    with pytest.raises(ValueError):
        draw_all(TEN, draw_per_topic={"data": 0})


def test_draw_and_draw_per_topic_together_raise():
    with pytest.raises(ValueError, match="not both"):
        draw_all(TEN, draw=2, draw_per_topic={"data": 1})


def test_repeated_question_ids_raise():
    with pytest.raises(ValueError, match="unique"):
        draw_all([*TEN, TEN[0]], draw=2)


def test_draw_does_not_change_the_questions():
    before = copy.deepcopy(TEN)
    draw_all(TEN, draw=3)
    draw_all(TEN, draw_per_topic={"data": 2})
    assert before == TEN


# --- shuffle_layout -------------------------------------------------------------------------------------------------


def choice(kind: str = "single", n: int = 5) -> dict:
    return {"id": "q", "type": kind, "options": [{"id": f"o{i}", "text": {}, "correct": i == 0} for i in range(n)]}


def ordering(n: int = 4) -> dict:
    return {"id": "q", "type": "ordering", "items": [{"id": f"i{i}", "text": {}} for i in range(n)]}


def matching(n: int = 4) -> dict:
    return {"id": "q", "type": "matching", "pairs": [{"id": f"p{i}", "left": {}, "right": {}} for i in range(n)]}


def layout(question: dict, seed: int = 1, *, shuffle: bool = True) -> dict:
    return shuffle_layout(question, shuffle=shuffle, rng=rng(seed))


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_choice_options_keep_file_order_without_shuffle(kind):
    assert layout(choice(kind), shuffle=False) == {"options": ["o0", "o1", "o2", "o3", "o4"]}


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_choice_options_are_a_permutation_when_shuffled(kind):
    assert sorted(layout(choice(kind))["options"]) == ["o0", "o1", "o2", "o3", "o4"]


def test_choice_options_are_shuffled_differently_for_different_seeds():
    assert len({tuple(layout(choice(), seed)["options"]) for seed in range(50)}) > 10


def test_choice_shuffle_may_keep_file_order():
    """Options are shuffled uniformly: their file order gives nothing away, so it is not avoided."""
    orders = [layout(choice(n=2), seed)["options"] for seed in range(100)]
    assert ["o0", "o1"] in orders and ["o1", "o0"] in orders


def test_ordering_items_are_shuffled_even_without_shuffle():
    assert len({tuple(layout(ordering(), seed, shuffle=False)["items"]) for seed in range(50)}) > 5


@pytest.mark.parametrize("shuffle", [True, False])
def test_ordering_items_never_show_the_answer_for_two_items(shuffle):
    assert all(layout(ordering(2), seed, shuffle=shuffle) == {"items": ["i1", "i0"]} for seed in range(300))


def test_ordering_items_never_show_the_answer_for_three_items():
    assert all(layout(ordering(3), seed)["items"] != ["i0", "i1", "i2"] for seed in range(500))


class _StuckShuffle(random.Random):
    """A generator whose shuffle never moves anything."""

    def shuffle(self, x):
        pass


@pytest.mark.parametrize(("question", "shown"), [(ordering(3), "items"), (matching(3), "rights")])
def test_layout_rotates_when_every_reshuffle_shows_the_answer(question, shown):
    result = shuffle_layout(question, shuffle=True, rng=_StuckShuffle(0))
    entries = question.get("items") or question["pairs"]
    ids = [e["id"] for e in entries]
    assert result[shown] == [*ids[1:], ids[0]]


def test_ordering_items_are_a_permutation():
    assert sorted(layout(ordering(6))["items"]) == [f"i{i}" for i in range(6)]


def test_ordering_with_one_item_shows_it():
    assert layout(ordering(1)) == {"items": ["i0"]}


def test_ordering_with_identical_ids_does_not_loop():
    question = {"id": "q", "type": "ordering", "items": [{"id": "x", "text": {}}, {"id": "x", "text": {}}]}
    assert layout(question) == {"items": ["x", "x"]}


def test_ordering_with_repeated_ids_still_hides_the_answer():
    question = {"id": "q", "type": "ordering", "items": [{"id": i, "text": {}} for i in "aab"]}
    assert all(layout(question, seed)["items"] != ["a", "a", "b"] for seed in range(200))


@pytest.mark.parametrize("shuffle", [True, False])
def test_matching_rights_are_a_permutation_of_the_pairs(shuffle):
    assert sorted(layout(matching(), shuffle=shuffle)["rights"]) == ["p0", "p1", "p2", "p3"]


@pytest.mark.parametrize("shuffle", [True, False])
def test_matching_rights_never_line_up_with_their_lefts(shuffle):
    """Lefts are shown in file order; rights in file order too would show every answer, so they are always mixed."""
    assert all(layout(matching(2), seed, shuffle=shuffle) == {"rights": ["p1", "p0"]} for seed in range(300))


def test_matching_rights_differ_between_seeds():
    assert len({tuple(layout(matching(), seed)["rights"]) for seed in range(50)}) > 5


@pytest.mark.parametrize("kind", ["true_false", "short_text", "numeric", "essay"])
@pytest.mark.parametrize("shuffle", [True, False])
def test_other_types_have_an_empty_layout(kind, shuffle):
    assert layout({"id": "q", "type": kind}, shuffle=shuffle) == {}


@pytest.mark.parametrize("question", [choice(), ordering(), matching()], ids=["choice", "ordering", "matching"])
def test_layout_is_the_same_for_the_same_seed(question):
    assert layout(question, 99) == layout(question, 99)


@pytest.mark.parametrize("question", [choice(), ordering(), matching()], ids=["choice", "ordering", "matching"])
def test_layout_does_not_change_the_question(question):
    before = copy.deepcopy(question)
    layout(question)
    assert question == before


def test_layout_works_on_tuples_straight_from_asdict():
    question = {"id": "q", "type": "ordering", "items": ({"id": "a", "text": {}}, {"id": "b", "text": {}})}
    assert layout(question) == {"items": ["b", "a"]}


def test_an_attempt_is_rebuilt_identically_from_its_seed():
    questions = [{**choice(), "id": "c1"}, {**ordering(), "id": "o1"}, {**matching(), "id": "m1"},
                 {"id": "t1", "type": "true_false"}, {**choice("multiple"), "id": "c2"}]

    def build(seed: int):
        r = rng(seed)
        drawn = draw_questions(questions, draw=4, draw_per_topic={}, rng=r)
        by_id = {q["id"]: q for q in questions}
        return drawn, [shuffle_layout(by_id[i], shuffle=True, rng=r) for i in drawn]

    assert build(2024) == build(2024)
    assert len({repr(build(seed)) for seed in range(20)}) > 1


# --- properties -----------------------------------------------------------------------------------------------------

ids = st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), max_size=20, unique=True)
seeds = st.integers(0, 2**32)


@FAST
@given(ids, seeds, st.booleans(), st.sampled_from(["single", "multiple", "ordering", "matching"]))
def test_layout_is_a_permutation_of_the_ids(question_ids, seed, shuffle, kind):
    key, shown = {"single": ("options", "options"), "multiple": ("options", "options"),
                  "ordering": ("items", "items"), "matching": ("pairs", "rights")}[kind]
    question = {"id": "q", "type": kind, key: [{"id": i} for i in question_ids]}
    result = shuffle_layout(question, shuffle=shuffle, rng=rng(seed))
    assert list(result) == [shown]
    assert sorted(result[shown]) == sorted(question_ids)


@FAST
@given(ids.filter(lambda i: len(i) >= 2), seeds, st.booleans(), st.sampled_from(["ordering", "matching"]))
def test_ordering_and_matching_layouts_never_show_the_answer(question_ids, seed, shuffle, kind):
    key, shown = ("items", "items") if kind == "ordering" else ("pairs", "rights")
    question = {"id": "q", "type": kind, key: [{"id": i} for i in question_ids]}
    assert shuffle_layout(question, shuffle=shuffle, rng=rng(seed))[shown] != question_ids


@FAST
@given(ids, seeds, st.booleans(), st.sampled_from(["single", "ordering", "matching"]))
def test_layout_is_deterministic_for_a_seed(question_ids, seed, shuffle, kind):
    key = {"single": "options", "ordering": "items", "matching": "pairs"}[kind]
    question = {"id": "q", "type": kind, key: [{"id": i} for i in question_ids]}
    first = shuffle_layout(question, shuffle=shuffle, rng=rng(seed))
    assert shuffle_layout(question, shuffle=shuffle, rng=rng(seed)) == first


@FAST
@given(ids.filter(bool), seeds, st.data())
def test_draw_gives_distinct_ids_of_the_requested_size(question_ids, seed, data):
    questions = [{"id": i} for i in question_ids]
    count = data.draw(st.integers(1, len(questions)))
    drawn = draw_questions(questions, draw=count, draw_per_topic={}, rng=rng(seed))
    assert len(drawn) == len(set(drawn)) == count
    assert set(drawn) <= set(question_ids)
    assert drawn == draw_questions(questions, draw=count, draw_per_topic={}, rng=rng(seed))


@FAST
@given(ids, seeds, st.data())
def test_draw_of_more_than_the_pool_raises(question_ids, seed, data):
    questions = [{"id": i} for i in question_ids]
    count = data.draw(st.integers(len(questions) + 1, len(questions) + 5))
    with pytest.raises(ValueError):
        draw_questions(questions, draw=count, draw_per_topic={}, rng=rng(seed))


@FAST
@given(ids.filter(bool), seeds, st.data())
def test_draw_per_topic_gives_the_requested_count_of_each_topic(question_ids, seed, data):
    topic_names = st.sampled_from(["a", "b", "c", None])
    questions = [{"id": i, "topic": data.draw(topic_names)} for i in question_ids]
    available = Counter(q["topic"] for q in questions if q["topic"])
    wanted = {t: data.draw(st.integers(1, n)) for t, n in available.items() if data.draw(st.booleans())}
    assume(wanted)
    drawn = draw_questions(questions, draw=None, draw_per_topic=wanted, rng=rng(seed))
    assert len(drawn) == len(set(drawn)) == sum(wanted.values())
    topic_of = {q["id"]: q["topic"] for q in questions}
    assert Counter(topic_of[i] for i in drawn) == wanted


@FAST
@given(ids.filter(bool), seeds, st.data())
def test_draw_per_topic_asking_more_than_a_topic_has_raises(question_ids, seed, data):
    questions = [{"id": i, "topic": "a"} for i in question_ids]
    with pytest.raises(ValueError):
        draw_questions(questions, draw=None, draw_per_topic={"a": len(questions) + data.draw(st.integers(1, 3))},
                       rng=rng(seed))
