"""The quiz form's tokens (lms.quizzes.fields): their shape, distinctness, and the same tokens for the same seed."""

from __future__ import annotations

import pytest

from lms.quizzes import fields
from lms.quizzes.fields import attempt_fields, derived_tokens, is_token, old_names, question_fields, random_tokens

QUESTIONS = {
    "s": {"id": "s", "type": "single", "options": [{"id": "a"}, {"id": "b"}]},
    "t": {"id": "t", "type": "true_false"},
    "n": {"id": "n", "type": "numeric"},
    "o": {"id": "o", "type": "ordering", "items": [{"id": "x"}, {"id": "y"}, {"id": "z"}]},
    "m": {"id": "m", "type": "matching", "pairs": [{"id": "p"}, {"id": "q"}]},
}
LAYOUTS = {"s": {"options": ["b", "a"]}, "t": {}, "n": {}, "o": {"items": ["z", "x", "y"]}, "m": {"rights": ["q", "p"]}}


def _tokens(mapping: dict) -> list[str]:
    found = []
    for controls in mapping.values():
        found.append(controls["name"])
        found += list(controls.get("fields", {}).values()) + list(controls.get("values", {}).values())
    return found


def test_every_question_type_gets_the_controls_its_form_needs():
    result = attempt_fields(QUESTIONS, list(QUESTIONS), LAYOUTS, random_tokens())
    assert set(result["s"]["values"]) == {"a", "b"}
    assert set(result["t"]["values"]) == {"true", "false"}
    assert set(result["n"]) == {"name"}
    assert set(result["o"]["fields"]) == {"x", "y", "z"} and set(result["o"]["values"]) == {"1", "2", "3"}
    assert set(result["m"]["fields"]) == {"p", "q"} and set(result["m"]["values"]) == {"p", "q"}


@pytest.mark.parametrize("make", [random_tokens, lambda: derived_tokens(12345)])
def test_tokens_have_the_token_shape_and_are_distinct_within_an_attempt(make):
    tokens = _tokens(attempt_fields(QUESTIONS, list(QUESTIONS), LAYOUTS, make()))
    assert all(is_token(token) for token in tokens)
    assert len(set(tokens)) == len(tokens)


def test_derived_tokens_are_the_same_for_the_same_seed_and_differ_for_another():
    first, again, other = (attempt_fields(QUESTIONS, list(QUESTIONS), LAYOUTS, derived_tokens(seed))
                           for seed in (7, 7, 8))
    assert first == again
    assert not set(_tokens(first)) & set(_tokens(other))


def test_random_tokens_differ_between_two_attempts():
    first, second = (attempt_fields(QUESTIONS, list(QUESTIONS), LAYOUTS, random_tokens()) for _ in range(2))
    assert not set(_tokens(first)) & set(_tokens(second))


def test_a_token_that_comes_out_twice_is_replaced(monkeypatch):
    made = iter(["0" * 16, "0" * 16, "1" * 16])
    monkeypatch.setattr(fields.secrets, "token_hex", lambda _n: next(made))
    token = random_tokens()
    assert [token("q", "name", None), token("q", "value", "a")] == ["f" + "0" * 16, "f" + "1" * 16]


@pytest.mark.parametrize("name", ["f0123456789abcde", "f0123456789abcdef0", "F0123456789ABCDEF", "g0123456789abcdef",
                                  "q-q-single", "csrf_token", ""])
def test_names_without_the_token_shape_are_not_tokens(name):
    assert not is_token(name)


def test_old_names_are_the_form_before_tokens():
    result = question_fields(QUESTIONS["o"], LAYOUTS["o"], old_names)
    assert result == {"name": "q-o", "fields": {"z": "q-o-z", "x": "q-o-x", "y": "q-o-y"},
                      "values": {"1": "1", "2": "2", "3": "3"}}
