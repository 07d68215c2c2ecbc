"""Pre-test pages through the test client: offered on enrolment, the course page and the first lesson; taken, saved
and resumed, submitted, or skipped; forged forms refused; nobody locked out of the lessons."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.courses import services as courses
from lms.extensions import db
from lms.pretests.models import PretestAttempt, PretestStatus
from lms.quizzes.models import QuizAttempt
from tests import factories
from tests.conftest import csrf_token
from tests.quizzes.forms import browser_form

LEARNER = "learner@example.kz"
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "AI", "q-number": "2000"}


def _setup(app, make_quiz_course, login_as, *, pretest: bool = True):
    key = make_quiz_course({"pretest": "{questions: 3}"} if pretest else {})
    with app.app_context():
        factories.user(LEARNER)
    client = login_as(LEARNER)
    return key, client


def _post(client, path: str, data: dict | None = None, *, token_from: str):
    return client.post(path, data={"csrf_token": csrf_token(client, token_from), **(data or {})})


def _enrol(client, key: str):
    return _post(client, f"/courses/{key}/enroll", token_from=f"/courses/{key}")


def _pretest(app) -> PretestAttempt | None:
    with app.app_context():
        row = db.session.scalar(select(PretestAttempt))
        if row is not None:
            db.session.expunge(row)
        return row


def test_enrolling_leads_to_the_pretest_offer(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    response = _enrol(client, key)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/courses/{key}/pretest")
    page = client.get(f"/courses/{key}/pretest").get_data(as_text=True)
    assert "Take the pre-test" in page and "Skip the pre-test" in page


def test_the_course_page_and_the_first_lesson_lead_to_the_pending_pretest(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    assert f"/courses/{key}/pretest" in client.get(f"/courses/{key}").get_data(as_text=True)
    assert f"/courses/{key}/pretest" in client.get(f"/courses/{key}/lessons/intro").get_data(as_text=True)
    assert f"/courses/{key}/pretest" not in client.get(f"/courses/{key}/lessons/data-basics").get_data(as_text=True)


def test_a_course_without_a_pretest_has_no_pretest_page_and_enrolling_opens_the_first_lesson(
        app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as, pretest=False)
    assert _enrol(client, key).headers["Location"].endswith(f"/courses/{key}/lessons/intro")
    assert client.get(f"/courses/{key}/pretest").status_code == 404


def test_saved_answers_come_back_when_the_learner_resumes(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    assert _post(client, f"{page}/start", token_from=page).status_code == 303
    pretest = _pretest(app)
    first = pretest.layout["questions"][0]
    form = browser_form(pretest.layout["fields"], {first: RIGHT[first]})
    response = _post(client, f"{page}/submit", {**form, "action": "save"}, token_from=page)
    assert response.status_code == 303
    assert _pretest(app).status == PretestStatus.OPEN
    html = client.get(page).get_data(as_text=True)
    for value in (v if isinstance(v, list) else [v] for v in form.values()):
        for token in value:
            assert re.search(rf'value="{re.escape(token)}"( checked| selected)', html), token


def test_submitting_shows_the_score_and_leads_to_the_lessons(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    _post(client, f"{page}/start", token_from=page)
    pretest = _pretest(app)
    form = browser_form(pretest.layout["fields"], {qid: RIGHT[qid] for qid in pretest.layout["questions"]})
    assert _post(client, f"{page}/submit", {**form, "action": "submit"}, token_from=page).status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert "Your pre-test score: 100%." in html
    assert f"/courses/{key}/lessons/intro" in html
    with app.app_context():
        assert db.session.scalar(select(QuizAttempt.id)) is None  # no final-quiz attempt used
    assert f"/courses/{key}/pretest" not in client.get(f"/courses/{key}").get_data(as_text=True)


def test_skipping_opens_the_first_lesson_and_the_offer_is_gone(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    response = _post(client, f"{page}/skip", token_from=page)
    assert response.headers["Location"].endswith(f"/courses/{key}/lessons/intro")
    assert _pretest(app).status == PretestStatus.SKIPPED
    assert "Take the pre-test" not in client.get(page).get_data(as_text=True)
    assert f"/courses/{key}/pretest" not in client.get(f"/courses/{key}").get_data(as_text=True)


def test_a_forged_answer_token_is_refused_and_nothing_is_saved(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    _post(client, f"{page}/start", token_from=page)
    response = _post(client, f"{page}/submit", {"f0123456789abcdef": "x", "action": "save"}, token_from=page)
    assert response.status_code == 400
    assert "does not match this pre-test" in response.get_data(as_text=True)
    assert _pretest(app).draft == {}


def test_a_submission_without_csrf_is_refused(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    _post(client, f"{page}/start", token_from=page)
    assert client.post(f"{page}/submit", data={"action": "submit"}).status_code == 400
    assert _pretest(app).status == PretestStatus.OPEN


def test_after_a_lesson_the_pretest_is_no_longer_offered(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    _post(client, f"/courses/{key}/lessons/intro/complete", token_from=f"/courses/{key}/lessons/intro")
    page = f"/courses/{key}/pretest"
    assert "Take the pre-test" not in client.get(page).get_data(as_text=True)
    response = _post(client, f"{page}/start", token_from=page)
    assert response.status_code == 303
    assert _pretest(app) is None


def test_submitting_without_a_started_pretest_is_not_found(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    assert _post(client, f"{page}/submit", {"action": "submit"}, token_from=page).status_code == 404


def test_the_quiz_pool_is_the_source(app, make_quiz_course, login_as):
    key, client = _setup(app, make_quiz_course, login_as)
    _enrol(client, key)
    page = f"/courses/{key}/pretest"
    _post(client, f"{page}/start", token_from=page)
    with app.app_context():
        quiz = courses.get_current_quiz(courses.get_live_course(key))
        assert _pretest(app).quiz_version_id == quiz.id
