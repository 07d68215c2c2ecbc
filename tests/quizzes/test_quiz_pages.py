"""Quiz pages through the test client: the page in progress, tampering, double and concurrent requests, review rules,
course completion, author preview, and access to other people's attempts."""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.courses import services as courses
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Activity, CourseCompletion
from lms.quizzes import services
from lms.quizzes.fields import attempt_fields, random_tokens
from lms.quizzes.models import QuizAttempt
from tests import factories
from tests.conftest import CSRF_RE, csrf_token, post_form
from tests.quizzes.forms import fields_of, form_for

LEARNER = "learner@example.kz"
LESSONS = ("intro", "data-basics", "wrap-up")

#: What a learner picks in the builder's quiz (tests/courses/builders.py::quiz_text) with every answer right / wrong;
#: tests.quizzes.forms turns it into the attempt's form tokens.
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "AI", "q-number": "2000"}
WRONG = {"q-single": "b", "q-multiple": ["c"], "q-true-false": "false", "q-short": "ML", "q-number": "1"}

#: A quiz with every question type, explanations and answers that are easy to spot in a page.
RICH_QUIZ = """id: final
pass_mark: 70
questions:
  - id: q-single
    type: single
    text: {en: Which colour is the sky?}
    options:
      - {id: a, text: {en: Blue sky option}, correct: true}
      - {id: b, text: {en: Green sky option}}
      - {id: c, text: {en: Red sky option}}
    explanation: {en: Zebraexplain single because of scattering.}
  - id: q-multiple
    type: multiple
    text: {en: Which are fruits?}
    options:
      - {id: a, text: {en: Apple fruit}, correct: true}
      - {id: b, text: {en: Pear fruit}, correct: true}
      - {id: c, text: {en: Carrot vegetable}}
    explanation: {en: Zebraexplain multiple botanical.}
  - id: q-true-false
    type: true_false
    text: {en: Water is wet.}
    answer: true
    explanation: {en: Zebraexplain truefalse.}
  - id: q-short
    type: short_text
    text: {en: The secret word?}
    accepted:
      en: [Quokkaword]
      ru: [Квоккаслово]
    explanation: {en: Zebraexplain short.}
  - id: q-number
    type: numeric
    text: {en: The magic number?}
    answer: 73519
    tolerance: 0
    explanation: {en: Zebraexplain numeric.}
  - id: q-order
    type: ordering
    text: {en: Put the steps in order.}
    items:
      - {id: first, text: {en: Step Alpha}}
      - {id: second, text: {en: Step Bravo}}
      - {id: third, text: {en: Step Charlie}}
      - {id: fourth, text: {en: Step Delta}}
    explanation: {en: Zebraexplain ordering.}
  - id: q-match
    type: matching
    text: {en: Match the pairs.}
    pairs:
      - {id: one, left: {en: Left One}, right: {en: Right Uno}}
      - {id: two, left: {en: Left Two}, right: {en: Right Dos}}
      - {id: three, left: {en: Left Three}, right: {en: Right Tres}}
    explanation: {en: Zebraexplain matching.}
"""


# --- helpers ---------------------------------------------------------------------------------------------------------

def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _user(app, email: str = LEARNER, roles: set[Role] | None = None) -> int:
    with app.app_context():
        return factories.user(email, roles=roles).id


def _enrol(client, key: str) -> None:
    response = post_form(client, f"/courses/{key}/enroll", {}, token_from=f"/courses/{key}")
    assert response.status_code == 303


def _complete_lessons(client, key: str, lessons=LESSONS):
    for lesson in lessons:
        response = post_form(client, f"/courses/{key}/lessons/{lesson}/complete", {}, token_from=f"/courses/{key}")
        assert response.status_code == 303
    return response


def _start(client, key: str, data: dict | None = None):
    return post_form(client, f"/courses/{key}/quiz/start", data or {}, token_from=f"/courses/{key}/quiz")


def _started(client, key: str) -> int:
    """Start (or resume) the quiz and return the attempt id."""
    response = _start(client, key)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    match = re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _submit(client, attempt_id: int, data: dict):
    """POST these form fields (tokens, or anything forged) to the attempt."""
    return post_form(client, f"/quiz/attempts/{attempt_id}/submit", data, token_from=f"/quiz/attempts/{attempt_id}")


def _answer(client, attempt_id: int, answers: dict, **extra):
    """Submit `answers` (by question id, as the learner picks them) through the attempt's form tokens, plus `extra`
    fields as they are."""
    return _submit(client, attempt_id, {**form_for(client.application, attempt_id, answers), **extra})


def _attempt(app, attempt_id: int) -> QuizAttempt:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def _quiz_events(app) -> int:
    with app.app_context():
        return _count(Activity, verb="quiz_passed") + _count(Activity, verb="quiz_failed")


def _learner_with_attempt(app, login_as, key: str):
    """A signed-in, enrolled learner with an open attempt: (client, attempt id)."""
    _user(app)
    client = login_as(LEARNER)
    _enrol(client, key)
    return client, _started(client, key)


def _structure(html: str) -> list[tuple[str, str]]:
    """The quiz form as shown: question fieldsets, choices with their values, and selects, in page order."""
    form = _quiz_form(html)
    return re.findall(r'<fieldset class="question card" id="([^"]+)"|<input type="(?:radio|checkbox)" name="([^"]+)"'
                      r'[^>]*value="([^"]+)"|<select name="([^"]+)"', form)


def _quiz_form(html: str) -> str:
    match = re.search(r'<form method="post" action="/quiz/attempts/\d+/submit" class="quiz".*?</form>', html, re.S)
    assert match, html[:2000]
    return match.group(0)


def _follow(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


# --- the attempt page ------------------------------------------------------------------------------------------------

def test_reloading_the_attempt_page_shows_the_same_questions_in_the_same_order(app, login_as, make_quiz_course):
    key = make_quiz_course({"draw": 3})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    first = _structure(client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True))
    second = _structure(client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True))
    assert first == second
    shown = [fieldset for fieldset, *_ in first if fieldset]
    fields = fields_of(app, attempt_id)
    assert shown == [fields[qid]["name"] for qid in _attempt(app, attempt_id).layout["questions"]]
    assert len(shown) == 3


def test_starting_again_resumes_the_open_attempt(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    assert _started(client, quiz_course_key) == attempt_id
    with app.app_context():
        assert _count(QuizAttempt) == 1


def test_switching_the_language_mid_attempt_keeps_the_questions_and_layout(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    layout = _attempt(app, attempt_id).layout
    english = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Which statement is true?" in english
    response = post_form(client, "/language", {"locale": "ru", "next": f"/quiz/attempts/{attempt_id}"},
                         token_from=f"/quiz/attempts/{attempt_id}")
    assert response.status_code == 302
    russian = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Какое утверждение верно?" in russian
    assert _structure(russian) == _structure(english)
    assert _attempt(app, attempt_id).layout == layout


def test_the_page_of_a_quiz_in_progress_holds_no_answers(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Which colour is the sky?" in html and "Step Alpha" in html  # the questions are there
    page = CSRF_RE.sub("", html)  # a random token could contain anything
    lowered = page.lower()
    assert "correct" not in lowered
    assert "zebraexplain" not in lowered  # no explanations
    assert "quokkaword" not in lowered and "квоккаслово" not in lowered  # no accepted short answers
    assert "73519" not in page  # no numeric answer
    assert "application/json" not in lowered and '{"' not in page and "&#34;" not in page  # no JSON
    form = _quiz_form(html)
    assert "data-" not in re.sub(r' data-ai-(?:generated|system|reviewed)="[^"]*"', "", form)  # only AI labels
    hidden = re.findall(r'<input type="hidden" name="([^"]+)"', form)
    assert hidden == ["csrf_token"]
    order = [re.search(step, html).start() for step in ("Step Alpha", "Step Bravo", "Step Charlie", "Step Delta")]
    assert order != sorted(order)  # the ordering items are not shown in their right order
    one = fields_of(app, attempt_id)["q-match"]["fields"]["one"]
    matching = re.search(rf'<select name="{one}".*?</select>', html, re.S).group(0)
    rights = re.findall(r"Right (Uno|Dos|Tres)", matching)
    assert sorted(rights) == ["Dos", "Tres", "Uno"]
    assert rights != ["Uno", "Dos", "Tres"]  # the right-hand sides do not line up with their left-hand sides


def test_a_timed_attempt_shows_its_deadline(app, login_as, make_quiz_course):
    key = make_quiz_course({"time_limit_minutes": 15})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    deadline = _attempt(app, attempt_id).deadline_at
    assert f'data-deadline="{deadline.isoformat()}"' in html
    assert "Submit by" in html


# --- tampering -------------------------------------------------------------------------------------------------------

def test_an_unknown_option_id_is_refused_and_nothing_is_stored(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    response = _answer(client, attempt_id, RIGHT, **{fields_of(app, attempt_id)["q-single"]["name"]: "zzz"})
    assert response.status_code == 400
    assert "could not be accepted" in response.get_data(as_text=True)
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.answers, attempt.score_percent, attempt.submitted_at) == ("open", {}, None, None)
    assert _quiz_events(app) == 0


def test_an_unknown_multiple_choice_option_is_refused(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    multiple = fields_of(app, attempt_id)["q-multiple"]
    response = _answer(client, attempt_id, RIGHT,
                       **{multiple["name"]: [multiple["values"]["a"], multiple["values"]["b"], "zzz"]})
    assert response.status_code == 400
    assert _attempt(app, attempt_id).status == "open"


def test_answers_named_by_the_ids_of_questions_not_drawn_are_refused(app, login_as, make_quiz_course):
    """An attempt's page names only its own questions, by tokens; naming others by their ids is tampering."""
    key = make_quiz_course({"draw": 1})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    drawn = _attempt(app, attempt_id).layout["questions"]
    others = {f"q-{qid}": value for qid, value in RIGHT.items() if qid not in drawn}
    assert len(others) == 4  # right answers to questions that other attempts may have drawn
    response = _submit(client, attempt_id, others)
    assert response.status_code == 400
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.answers, attempt.results) == ("open", {}, {})


def test_a_question_of_another_learners_attempt_is_not_graded_in_mine(app, login_as, make_quiz_course):
    key = make_quiz_course({"draw": 1})
    other_id = _user(app, "other@example.kz")
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    mine = _attempt(app, attempt_id).layout["questions"]
    theirs = next(qid for qid in ("q-true-false", "q-short", "q-number") if qid not in mine)
    with app.app_context():  # the other learner's attempt has a question this attempt did not draw
        other = db.session.get(User, other_id)
        course = courses.get_live_course(key)
        learning.enroll(other, course, now=utcnow())
        attempt = services.start_attempt(other, course, now=utcnow(), language="en")
        layout = attempt.layout
        by_id = services.questions_by_id(attempt)
        fields = attempt_fields(by_id, [theirs], {theirs: {}}, random_tokens())
        attempt.layout = {**layout, "questions": [theirs], "layouts": {theirs: {}}, "fields": fields}
        other_attempt = attempt.id
        db.session.commit()
    response = _submit(client, attempt_id, form_for(app, other_attempt, {theirs: RIGHT[theirs]}))
    assert response.status_code == 400  # their tokens are unknown to my attempt
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.answers, attempt.score_percent) == ("open", {}, None)


def test_a_one_megabyte_text_answer_is_refused_and_nothing_is_stored(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    response = _answer(client, attempt_id, {**RIGHT, "q-short": "A" * 1_000_000})
    assert response.status_code in (400, 413)
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.answers, attempt.score_percent) == ("open", {}, None)
    assert _quiz_events(app) == 0


def test_a_text_answer_just_over_the_limit_is_refused(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    response = _answer(client, attempt_id, {**RIGHT, "q-short": "A" * (services.MAX_TEXT_ANSWER + 1)})
    assert response.status_code == 400
    assert _attempt(app, attempt_id).status == "open"


def test_a_forged_score_field_is_ignored(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    response = _answer(client, attempt_id, WRONG, score="100", score_percent="100", passed="1")
    assert response.status_code == 303
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.score_percent, attempt.passed) == ("submitted", 0.0, False)


def test_a_missing_answer_scores_zero_for_that_question(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    answers = {qid: value for qid, value in RIGHT.items() if qid != "q-number"}
    assert _answer(client, attempt_id, answers).status_code == 303
    attempt = _attempt(app, attempt_id)
    assert "q-number" not in attempt.answers
    assert attempt.results["q-number"]["score"] == 0
    assert attempt.results["q-single"]["score"] == 1
    assert (attempt.score_percent, attempt.passed) == (80.0, True)


def test_leaving_every_question_unanswered_as_a_browser_does_scores_zero(app, login_as, make_quiz_course):
    """A browser sends empty text fields and the empty "—" choice of every select; that is not tampering."""
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    form = _quiz_form(client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True))
    empty = dict.fromkeys(re.findall(r'<(?:select|input type="text") name="([^"]+)"', form), "")
    fields = fields_of(app, attempt_id)
    assert {fields["q-order"]["fields"]["first"], fields["q-match"]["fields"]["one"], fields["q-short"]["name"]} <= set(
        empty)
    response = _submit(client, attempt_id, empty)
    assert response.status_code == 303
    attempt = _attempt(app, attempt_id)
    assert attempt.status == "submitted"
    assert attempt.answers == {"q-multiple": []}
    assert attempt.score_percent == 0.0


def test_right_ordering_and_matching_answers_from_the_form_score_one(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    answers = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "quokkaword",
               "q-number": "73 519", "q-order": {"first": 1, "second": 2, "third": 3, "fourth": 4},
               "q-match": {"one": "one", "two": "two", "three": "three"}}
    assert _answer(client, attempt_id, answers).status_code == 303
    attempt = _attempt(app, attempt_id)
    assert attempt.answers["q-order"] == ["first", "second", "third", "fourth"]
    assert {qid: r["score"] for qid, r in attempt.results.items()} == dict.fromkeys(attempt.results, 1.0)
    assert attempt.score_percent == 100.0


def test_an_ordering_rank_that_is_not_a_plain_number_is_refused(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    for rank in ("²", "0", "5", "1" * 5000, "-1"):
        response = _submit(client, attempt_id, {fields_of(app, attempt_id)["q-order"]["fields"]["first"]: rank})
        assert response.status_code == 400, rank
    assert _attempt(app, attempt_id).status == "open"


def test_an_unknown_matching_choice_is_refused(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ)
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    response = _submit(client, attempt_id, {fields_of(app, attempt_id)["q-match"]["fields"]["one"]: "four"})
    assert response.status_code == 400
    assert _attempt(app, attempt_id).status == "open"


# --- double and concurrent requests ----------------------------------------------------------------------------------

def test_submitting_twice_says_already_submitted_and_changes_nothing(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    token = csrf_token(client, f"/quiz/attempts/{attempt_id}")
    path = f"/quiz/attempts/{attempt_id}/submit"
    first = client.post(path, data={"csrf_token": token, **form_for(app, attempt_id, WRONG)})
    assert first.status_code == 303
    before = _attempt(app, attempt_id)
    second = client.post(path, data={"csrf_token": token, **form_for(app, attempt_id, WRONG)})
    assert second.status_code == 303
    assert "already been submitted" in _follow(client, second)
    after = _attempt(app, attempt_id)
    assert (after.status, after.score_percent, after.submitted_at, after.answers) == (
        before.status, before.score_percent, before.submitted_at, before.answers)
    assert _quiz_events(app) == 1


def test_resubmitting_other_answers_to_a_submitted_attempt_changes_nothing(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    assert _answer(client, attempt_id, WRONG).status_code == 303
    before = _attempt(app, attempt_id)
    right = form_for(app, attempt_id, RIGHT)
    for form in (right, {**right, fields_of(app, attempt_id)["q-single"]["name"]: "zzz"}):
        response = _submit(client, attempt_id, form)
        assert response.status_code == 303
        assert "already been submitted" in _follow(client, response)
    after = _attempt(app, attempt_id)
    assert (after.score_percent, after.passed, after.submitted_at) == (0.0, False, before.submitted_at)
    assert _quiz_events(app) == 1


def _signed_in_clients(app, count: int, token_path: str | None = None):
    """`count` test clients signed in as the learner (as separate tabs or devices), with a CSRF token each."""
    clients, tokens = [], []
    for _ in range(count):
        client = app.test_client()
        response = post_form(client, "/login", {"email": LEARNER, "password": factories.PASSWORD})
        assert response.status_code == 302
        clients.append(client)
    for client in clients:
        tokens.append(csrf_token(client, token_path or "/my-learning"))
    return clients, tokens


def _race(clients, tokens, path: str, data: dict) -> list:
    """POST `data` to `path` from every client at the same moment; return the responses."""
    responses, errors = [], []
    barrier = threading.Barrier(len(clients))

    def post(client, token):
        try:
            barrier.wait()
            responses.append(client.post(path, data={"csrf_token": token, **data}))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return responses


def test_concurrent_submits_grade_the_attempt_once(app, login_as, quiz_course_key):
    _client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    clients, tokens = _signed_in_clients(app, 4, f"/quiz/attempts/{attempt_id}")
    responses = _race(clients, tokens, f"/quiz/attempts/{attempt_id}/submit", form_for(app, attempt_id, RIGHT))
    assert [r.status_code for r in responses] == [303] * 4
    assert _quiz_events(app) == 1
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.score_percent) == ("submitted", 100.0)


def test_concurrent_starts_leave_one_attempt(app, login_as, quiz_course_key):
    _user(app)
    _enrol(login_as(LEARNER), quiz_course_key)
    clients, tokens = _signed_in_clients(app, 4, f"/courses/{quiz_course_key}/quiz")
    responses = _race(clients, tokens, f"/courses/{quiz_course_key}/quiz/start", {})
    assert [r.status_code for r in responses] == [303] * 4
    locations = {r.headers["Location"] for r in responses}
    assert len(locations) == 1
    assert re.search(r"/quiz/attempts/\d+$", locations.pop())
    with app.app_context():
        assert _count(QuizAttempt) == 1
        assert _count(Activity, verb="quiz_started") == 1


# --- starting: refusals ----------------------------------------------------------------------------------------------

def test_starting_without_enrolment_is_refused_with_a_message(app, login_as, quiz_course_key):
    _user(app)
    client = login_as(LEARNER)
    response = _start(client, quiz_course_key)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/courses/{quiz_course_key}/quiz")
    assert "Enrol in the course first." in _follow(client, response)
    with app.app_context():
        assert _count(QuizAttempt) == 0


def test_starting_after_the_last_attempt_is_refused_with_a_message(app, login_as, make_quiz_course):
    key = make_quiz_course({"max_attempts": 1})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _answer(client, attempt_id, WRONG)
    response = _start(client, key)
    assert response.status_code == 303
    assert "You have used all your attempts at this quiz." in _follow(client, response)
    with app.app_context():
        assert _count(QuizAttempt) == 1


def test_starting_after_passing_is_refused_with_a_message(app, login_as, quiz_course_key):
    client, attempt_id = _learner_with_attempt(app, login_as, quiz_course_key)
    _answer(client, attempt_id, RIGHT)
    response = _start(client, quiz_course_key)
    assert response.status_code == 303
    assert "You have already passed this quiz." in _follow(client, response)
    with app.app_context():
        assert _count(QuizAttempt) == 1


def test_starting_during_the_wait_is_refused_with_a_message(app, login_as, make_quiz_course):
    key = make_quiz_course({"wait_minutes": 60})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _answer(client, attempt_id, WRONG)
    response = _start(client, key)
    assert "You can start a new attempt after the waiting time." in _follow(client, response)
    with app.app_context():
        assert _count(QuizAttempt) == 1


def test_refusing_a_start_still_closes_an_expired_attempt(app, login_as, make_quiz_course):
    key = make_quiz_course({"max_attempts": 1, "time_limit_minutes": 5})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    with app.app_context():  # the time limit ran out long ago
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.started_at = utcnow() - services.GRACE * 100
        attempt.deadline_at = utcnow() - services.GRACE * 10
        db.session.commit()
    response = _start(client, key)
    assert "You have used all your attempts at this quiz." in _follow(client, response)
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.score_percent) == ("expired", 0.0)
    assert "1 used, 0 left" in client.get(f"/courses/{key}/quiz").get_data(as_text=True)


# --- review rules ----------------------------------------------------------------------------------------------------

REVIEW_MARK = "Accepted answers: AI"


def _result_page(client, attempt_id: int) -> str:
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Quiz result" in html
    return html


def test_after_passing_review_hides_right_answers_on_a_failed_attempt(app, login_as, make_quiz_course):
    key = make_quiz_course({"review": "after_passing"})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _answer(client, attempt_id, WRONG)
    html = _result_page(client, attempt_id)
    assert REVIEW_MARK not in html
    assert "Right answers and explanations are shown once you pass the quiz." in html


def test_after_passing_review_shows_right_answers_once_passed(app, login_as, make_quiz_course):
    key = make_quiz_course({"review": "after_passing"})
    client, failed_id = _learner_with_attempt(app, login_as, key)
    _answer(client, failed_id, WRONG)
    passed_id = _started(client, key)
    _answer(client, passed_id, RIGHT)
    assert REVIEW_MARK in _result_page(client, passed_id)
    assert REVIEW_MARK in _result_page(client, failed_id)


def test_always_review_shows_right_answers_on_a_failed_attempt(app, login_as, make_quiz_course):
    key = make_quiz_course({"review": "always"})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _answer(client, attempt_id, WRONG)
    assert REVIEW_MARK in _result_page(client, attempt_id)


def test_never_review_shows_no_right_answers_even_after_passing(app, login_as, make_quiz_course):
    key = make_quiz_course({"review": "never", "max_attempts": 1})
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _answer(client, attempt_id, RIGHT)
    html = _result_page(client, attempt_id)
    assert REVIEW_MARK not in html
    assert "This quiz does not show right answers." in html


def test_after_last_attempt_review_shows_right_answers_only_when_no_attempts_are_left(app, login_as,
                                                                                      make_quiz_course):
    key = make_quiz_course({"review": "after_last_attempt", "max_attempts": 2})
    client, first_id = _learner_with_attempt(app, login_as, key)
    _answer(client, first_id, WRONG)
    html = _result_page(client, first_id)
    assert REVIEW_MARK not in html
    assert "Right answers and explanations are shown after your last attempt." in html
    last_id = _started(client, key)
    _answer(client, last_id, WRONG)
    assert REVIEW_MARK in _result_page(client, last_id)
    assert REVIEW_MARK in _result_page(client, first_id)


def test_review_shows_explanations(app, login_as, make_quiz_course):
    key = make_quiz_course(quiz_yml=RICH_QUIZ.replace("pass_mark: 70", "pass_mark: 70\nreview: always"))
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _submit(client, attempt_id, {})
    html = _result_page(client, attempt_id)
    assert "Zebraexplain single because of scattering." in html
    assert "Quokkaword" in html


# --- course completion -----------------------------------------------------------------------------------------------

def test_passing_the_quiz_after_all_lessons_completes_the_course(app, login_as, quiz_course_key):
    _user(app)
    client = login_as(LEARNER)
    _enrol(client, quiz_course_key)
    _complete_lessons(client, quiz_course_key)
    attempt_id = _started(client, quiz_course_key)
    response = _answer(client, attempt_id, RIGHT)
    assert "You have completed the course" in _follow(client, response)
    with app.app_context():
        assert _count(CourseCompletion) == 1
        assert _count(Activity, verb="course_completed") == 1
    assert "completed on" in client.get("/my-learning").get_data(as_text=True)


def test_failing_the_quiz_after_all_lessons_does_not_complete_the_course(app, login_as, quiz_course_key):
    _user(app)
    client = login_as(LEARNER)
    _enrol(client, quiz_course_key)
    _complete_lessons(client, quiz_course_key)
    _answer(client, _started(client, quiz_course_key), WRONG)
    with app.app_context():
        assert _count(CourseCompletion) == 0
    assert "completed on" not in client.get("/my-learning").get_data(as_text=True)


def test_passing_the_quiz_before_the_lessons_are_done_does_not_complete_the_course(app, login_as, quiz_course_key):
    _user(app)
    client = login_as(LEARNER)
    _enrol(client, quiz_course_key)
    _complete_lessons(client, quiz_course_key, LESSONS[:2])
    response = _answer(client, _started(client, quiz_course_key), RIGHT)
    assert "You have completed the course" not in _follow(client, response)
    with app.app_context():
        assert _count(CourseCompletion) == 0


def test_completing_the_last_lesson_after_passing_completes_the_course(app, login_as, quiz_course_key):
    _user(app)
    client = login_as(LEARNER)
    _enrol(client, quiz_course_key)
    _complete_lessons(client, quiz_course_key, LESSONS[:2])
    _answer(client, _started(client, quiz_course_key), RIGHT)
    response = _complete_lessons(client, quiz_course_key, LESSONS[2:])
    assert "You have completed the course" in _follow(client, response)
    with app.app_context():
        assert _count(CourseCompletion) == 1
    assert "completed on" in client.get("/my-learning").get_data(as_text=True)


# --- author preview --------------------------------------------------------------------------------------------------

def test_an_author_can_preview_the_quiz_without_enrolling(app, login_as, quiz_course_key):
    _user(app, "author@example.kz", {Role.AUTHOR})
    client = login_as("author@example.kz")
    assert "Preview the quiz as an author" in client.get(f"/courses/{quiz_course_key}/quiz").get_data(as_text=True)
    response = _start(client, quiz_course_key, {"preview": "1"})
    assert response.status_code == 303
    html = _follow(client, response)
    assert "Preview: this attempt does not count." in html
    assert "Which statement is true?" in html
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert attempt.is_preview


def test_a_passed_preview_does_not_count(app, login_as, quiz_course_key):
    author_id = _user(app, "author@example.kz", {Role.AUTHOR})
    client = login_as("author@example.kz")
    _enrol(client, quiz_course_key)
    _complete_lessons(client, quiz_course_key)
    response = _start(client, quiz_course_key, {"preview": "1"})
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = _answer(client, attempt_id, RIGHT)
    assert "You have completed the course" not in _follow(client, response)
    with app.app_context():
        author = db.session.get(User, author_id)
        course = courses.get_live_course(quiz_course_key)
        assert db.session.get(QuizAttempt, attempt_id).passed
        assert not services.has_passed(author, course)
        standing = services.get_standing(author, courses.get_current_quiz(course), course, now=utcnow())
        assert (standing.used, standing.passed) == (0, False)
        assert _count(CourseCompletion) == 0
        assert _count(Activity, verb="quiz_passed") == 0
    assert "0 used, 3 left" in client.get(f"/courses/{quiz_course_key}/quiz").get_data(as_text=True)


def test_a_learner_cannot_start_a_preview(app, login_as, quiz_course_key):
    _user(app)
    client = login_as(LEARNER)
    _enrol(client, quiz_course_key)
    assert "Preview the quiz" not in client.get(f"/courses/{quiz_course_key}/quiz").get_data(as_text=True)
    assert _start(client, quiz_course_key, {"preview": "1"}).status_code == 403
    with app.app_context():
        assert _count(QuizAttempt) == 0


# --- other people's attempts -----------------------------------------------------------------------------------------

def _someone_elses_attempt(app, login_as, key: str) -> int:
    """An open attempt of another learner (made through the service); then the client signs in as LEARNER."""
    _user(app)
    other_id = _user(app, "other@example.kz")
    with app.app_context():
        other = db.session.get(User, other_id)
        course = courses.get_live_course(key)
        learning.enroll(other, course, now=utcnow())
        attempt_id = services.start_attempt(other, course, now=utcnow(), language="en").id
        db.session.commit()
    login_as(LEARNER)
    return attempt_id


def test_someone_elses_attempt_is_not_found(app, client, login_as, quiz_course_key):
    attempt_id = _someone_elses_attempt(app, login_as, quiz_course_key)
    assert client.get(f"/quiz/attempts/{attempt_id}").status_code == 404


def test_submitting_someone_elses_attempt_is_not_found_and_changes_nothing(app, client, login_as, quiz_course_key):
    attempt_id = _someone_elses_attempt(app, login_as, quiz_course_key)
    response = post_form(client, f"/quiz/attempts/{attempt_id}/submit", form_for(app, attempt_id, RIGHT),
                         token_from="/my-learning")
    assert response.status_code == 404
    attempt = _attempt(app, attempt_id)
    assert (attempt.status, attempt.answers) == ("open", {})


def test_a_score_just_under_the_pass_mark_is_not_shown_rounded_up_to_it(app, login_as, make_quiz_course):
    key = make_quiz_course()
    client, attempt_id = _learner_with_attempt(app, login_as, key)
    _answer(client, attempt_id, WRONG)
    with app.app_context():
        db.session.get(QuizAttempt, attempt_id).score_percent = 69.5
        db.session.commit()
    html = _result_page(client, attempt_id)
    assert "Score: 69% (pass mark 70%)." in html
    assert "70% (pass mark" not in html
