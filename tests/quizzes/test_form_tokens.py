"""The quiz form reveals nothing: every field name, option value and control id is an opaque per-attempt token, a
forged or unknown token is refused, and attempts started before tokens existed can still be submitted."""

from __future__ import annotations

import re

import pytest

from lms.courses import services as courses
from lms.courses.yamlfile import load
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.quizzes import services
from lms.quizzes.fields import is_token
from lms.quizzes.models import QuizAttempt
from tests import factories
from tests.conftest import CSRF_RE
from tests.quizzes.forms import browser_form, fields_of, form_for
from tests.quizzes.test_quiz_pages import (
    RICH_QUIZ,
    _attempt,
    _learner_with_attempt,
    _quiz_events,
    _quiz_form,
    _started,
    _submit,
)

#: Right answers to every question of RICH_QUIZ, as a learner picks them.
RICH_RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "quokkaword",
              "q-number": "73 519", "q-order": {"first": 1, "second": 2, "third": 3, "fourth": 4},
              "q-match": {"one": "one", "two": "two", "three": "three"}}


def _ids_in_quiz_file(text: str) -> set[str]:
    """Every id in a quiz.yml: questions, options, items and pairs."""
    ids = set()
    for question in load(text).data["questions"]:  # the app's own YAML reading
        ids.add(question["id"])
        for part in ("options", "items", "pairs"):
            ids.update(entry["id"] for entry in question.get(part) or ())
    return ids


def _controls(html: str) -> dict[str, list[str]]:
    """The names, values, ids and label targets of the quiz form's controls (the CSRF token left out)."""
    form = CSRF_RE.sub("", _quiz_form(html))
    found = {kind: re.findall(rf'\b{kind}="([^"]*)"', form) for kind in ("name", "value", "id", "for")}
    found["value"] = [value for value in found["value"] if value]  # the "—" (no choice) of a select
    return found


def _two_attempt_pages(app, login_as, make_quiz_course) -> list[str]:
    """The pages of a learner's two attempts at RICH_QUIZ (the first submitted with nothing answered)."""
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, first = _learner_with_attempt(app, login_as, key)
    pages = [client.get(f"/quiz/attempts/{first}").get_data(as_text=True)]
    assert _submit(client, first, {}).status_code == 303
    second = _started(client, key)
    assert second != first
    pages.append(client.get(f"/quiz/attempts/{second}").get_data(as_text=True))
    return pages


def test_no_field_name_or_value_of_any_question_type_reveals_an_id_or_the_answer(app, login_as, make_quiz_course):
    pages = _two_attempt_pages(app, login_as, make_quiz_course)
    file_ids = _ids_in_quiz_file(RICH_QUIZ)
    plain = {"true", "false", "1", "2", "3", "4"}  # true/false choices and ordering ranks
    seen = []
    for html in pages:
        assert all(text in html for text in ("Which colour is the sky?", "Water is wet.", "The secret word?",
                                             "The magic number?", "Step Alpha", "Left One"))  # all seven types
        controls = _controls(html)
        names, values = set(controls["name"]), set(controls["value"])
        assert len(names) == 1 + 1 + 1 + 1 + 1 + 4 + 3  # one per question, one select per item and per pair
        assert len(values) == 3 + 3 + 2 + 4 + 3  # options, true/false, ranks, right-hand sides
        for text in names | values | set(controls["id"]) | set(controls["for"]):
            token = text.removesuffix("-input")  # the text inputs' ids: their field's token and "-input"
            assert is_token(token), text
            assert token not in file_ids | plain, text
            # A token is 16 hex digits after "f": an id made only of hex letters (a, b, c) could turn up in one by
            # chance; no other id can be part of one.
            assert not any(part in token for part in file_ids | plain if not re.fullmatch(r"[0-9a-f]+", part)), text
        assert not names & values  # no option carries the name of a select (the old matching key)
        seen.append((names, values))
    (first_names, first_values), (second_names, second_values) = seen
    assert not first_names & second_names  # the same questions in another attempt: other names...
    assert not first_values & second_values  # ...and other values


def test_reloading_an_attempt_shows_the_same_tokens(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    pages = [_controls(client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)) for _ in range(2)]
    assert pages[0] == pages[1]


def test_right_answers_sent_through_the_tokens_score_full_marks_for_every_type(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    assert _submit(client, attempt_id, form_for(app, attempt_id, RICH_RIGHT)).status_code == 303
    attempt = _attempt(app, attempt_id)
    assert attempt.answers == {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": True,
                               "q-short": "quokkaword", "q-number": "73 519",
                               "q-order": ["first", "second", "third", "fourth"],
                               "q-match": {"one": "one", "two": "two", "three": "three"}}
    assert attempt.score_percent == 100.0


def _forged(kind: str, fields: dict, other: dict) -> dict:
    """A right form with one thing forged (`other`: the tokens of another attempt at the same quiz)."""
    form = browser_form(fields, RICH_RIGHT)
    single, order, match = fields["q-single"], fields["q-order"], fields["q-match"]
    if kind == "unknown name":
        form["f0123456789abcdef"] = single["values"]["a"]
    elif kind == "unknown value":
        form[single["name"]] = "f0123456789abcdef"
    elif kind == "value of another question":
        form[single["name"]] = fields["q-multiple"]["values"]["a"]
    elif kind == "rank token as a matching choice":
        form[match["fields"]["one"]] = order["values"]["1"]
    elif kind == "a fieldset id as a field":
        form[order["name"]] = order["values"]["1"]
    elif kind == "name from another attempt":
        form[other["q-short"]["name"]] = "quokkaword"
    elif kind == "value from another attempt":
        form[single["name"]] = other["q-single"]["values"]["a"]
    elif kind == "old name of an id":
        form["q-q-single"] = "a"
    elif kind == "matching choice named by its pair id":
        form[match["fields"]["one"]] = "one"
    elif kind == "ordering rank as a number":
        form[order["fields"]["first"]] = "1"
    return form


@pytest.mark.parametrize("kind", ["unknown name", "unknown value", "value of another question",
                                  "rank token as a matching choice", "a fieldset id as a field",
                                  "name from another attempt", "value from another attempt", "old name of an id",
                                  "matching choice named by its pair id", "ordering rank as a number"])
def test_a_forged_or_unknown_token_is_refused_and_changes_nothing(app, login_as, make_quiz_course, kind):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    with app.app_context():  # another learner's attempt at the same quiz, with tokens of its own
        other = factories.user("other@example.kz")
        course = courses.get_live_course(key)
        learning.enroll(other, course, now=utcnow())
        other_id = services.start_attempt(other, course, now=utcnow(), language="en").id
        db.session.commit()
    response = _submit(client, attempt_id, _forged(kind, fields_of(app, attempt_id), fields_of(app, other_id)))
    assert response.status_code == 400
    assert "could not be accepted" in response.get_data(as_text=True)
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.answers, attempt.score_percent, attempt.submitted_at) == ("open", {}, None, None)
    assert _quiz_events(app) == 0


# --- attempts started before tokens ----------------------------------------------------------------------------------

def _attempt_from_before_tokens(app, login_as, make_quiz_course) -> tuple[object, int]:
    """An open attempt as the code before tokens stored it: the layout without "fields"."""
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.layout = {name: value for name, value in attempt.layout.items() if name != "fields"}
        db.session.commit()
    return client, attempt_id


#: RICH_RIGHT as the form before tokens named it.
OLD_FORM = {"q-q-single": "a", "q-q-multiple": ["a", "b"], "q-q-true-false": "true", "q-q-short": "quokkaword",
            "q-q-number": "73 519", "q-q-order-first": "1", "q-q-order-second": "2", "q-q-order-third": "3",
            "q-q-order-fourth": "4", "q-q-match-one": "one", "q-q-match-two": "two", "q-q-match-three": "three"}


def test_an_attempt_started_before_tokens_accepts_a_page_loaded_before_the_upgrade(app, login_as, make_quiz_course):
    client, attempt_id = _attempt_from_before_tokens(app, login_as, make_quiz_course)
    assert _submit(client, attempt_id, OLD_FORM).status_code == 303
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.score_percent) == ("submitted", 100.0)


def test_an_attempt_started_before_tokens_refuses_an_old_name_that_is_not_its_own(app, login_as, make_quiz_course):
    client, attempt_id = _attempt_from_before_tokens(app, login_as, make_quiz_course)
    response = _submit(client, attempt_id, {**OLD_FORM, "q-q-match-one": "four"})
    assert response.status_code == 400
    assert _attempt(app, attempt_id).status == "open"


def test_an_attempt_started_before_tokens_shows_derived_tokens_that_submit(app, login_as, make_quiz_course):
    client, attempt_id = _attempt_from_before_tokens(app, login_as, make_quiz_course)
    pages = [client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True) for _ in range(2)]
    controls = _controls(pages[0])
    assert controls == _controls(pages[1])  # derived from the attempt's seed: the same on every reload
    file_ids = _ids_in_quiz_file(RICH_QUIZ)
    assert all(is_token(text) and text not in file_ids for text in controls["name"] + controls["value"])
    assert "fields" not in _attempt(app, attempt_id).layout  # derived, not stored by a page view
    assert _submit(client, attempt_id, form_for(app, attempt_id, RICH_RIGHT)).status_code == 303
    assert _attempt(app, attempt_id).score_percent == 100.0
