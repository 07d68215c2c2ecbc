"""The "Ask about this course" placement: the notice first, cited passages in kk/ru/en, labels, refusals, the log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.ai.labels import EXTRACTIVE_OUTPUT
from lms.ai.models import AILogEntry, AINoticeAcceptance
from lms.ai.services import NOTICE_VERSION
from lms.audit.models import AuditEntry
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from tests.ai.conftest import accept_notice_for
from tests.conftest import post_form

LESSON = "/courses/ai-foundations/lessons/what-is-ai"
ASK = "/courses/ai-foundations/ask"


def _ask(client, question: str, **extra):
    return post_form(client, ASK, {"question": question, **extra}, token_from=LESSON)


def _set_language(client, locale: str) -> None:
    post_form(client, "/language", {"locale": locale}, token_from=LESSON)


def test_the_lesson_page_has_the_ask_form_that_works_without_javascript(app, starter_course, learner, login_as):
    page = login_as(learner.email).get(LESSON).get_data(as_text=True)
    form = re.search(r'<form method="post" action="/courses/ai-foundations/ask">.*?</form>', page, re.S)
    assert form, "no ask form on the lesson page"
    assert 'name="csrf_token"' in form.group(0) and 'name="question"' in form.group(0)
    assert '<label for="ai-question">' in form.group(0)


def test_the_first_question_leads_to_the_notice_and_its_acceptance_is_recorded(app, starter_course, learner,
                                                                                 login_as):
    client = login_as(learner.email)
    response = _ask(client, "What is machine learning?", lesson="what-is-ai")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/ai/notice?next=")
    notice = client.get(response.headers["Location"])
    assert notice.status_code == 200
    assert "Nothing you ask leaves this platform" in notice.get_data(as_text=True)
    accepted = post_form(client, "/ai/notice", {"next": "/courses/ai-foundations/ask?lesson=what-is-ai"},
                         token_from="/ai/notice")
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == "/courses/ai-foundations/ask?lesson=what-is-ai"
    with app.app_context():
        acceptance = db.session.scalars(select(AINoticeAcceptance)).one()
        assert (acceptance.user_id, acceptance.version, acceptance.providers) == (learner.id, NOTICE_VERSION,
                                                                                  "extractive")
        assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action != "auth.signed_in")).all() == [
            "ai.notice_accepted"]
    assert _ask(client, "What is machine learning?").status_code == 200


def test_the_notice_refuses_a_tampered_form(app, learner, login_as):
    client = login_as(learner.email)
    assert client.post("/ai/notice", data={"csrf_token": "forged", "next": "/"}).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(AINoticeAcceptance)).all() == []


def test_the_notice_does_not_redirect_off_the_site(app, learner, login_as):
    client = login_as(learner.email)
    response = post_form(client, "/ai/notice", {"next": "https://evil.example/"}, token_from="/ai/notice")
    assert response.headers["Location"] == "/my-learning"


@pytest.mark.parametrize("locale, question, lesson, text", [
    ("en", "What is overfitting?", "training-and-evaluation", "Overfitting"),
    ("ru", "Что такое переобучение модели?", "training-and-evaluation", "ереобучени"),
    ("kk", "Модельдің галлюцинациясы дегеніміз не?", "limits-and-risks", "аллюцинац"),
])
def test_a_question_gets_cited_passages_in_the_readers_language(app, starter_course, learner, login_as, locale,
                                                                  question, lesson, text):
    accept_notice_for(app, learner)
    client = login_as(learner.email)
    _set_language(client, locale)
    response = _ask(client, question)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    links = re.findall(r'href="/courses/ai-foundations/lessons/([a-z-]+)#([^"]+)"', page)
    assert lesson in [key for key, _anchor in links], links
    quotes = re.findall(rf'<blockquote lang="{locale}">', page)
    assert len(quotes) >= 1
    assert text in page


def test_every_answer_is_labelled_for_people_and_machines(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    page = _ask(login_as(learner.email), "What is narrow AI?").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AILogEntry)).one()
    assert f'<meta name="ai-generated" content="{EXTRACTIVE_OUTPUT}">' in page
    assert f'data-ai-generated="{EXTRACTIVE_OUTPUT}"' in page
    assert f'data-ai-log-entry="{entry.id}"' in page
    assert "Produced by an AI system" in page and "It may be wrong" in page


def test_the_notice_on_an_answer_is_in_the_readers_language(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    client = login_as(learner.email)
    _set_language(client, "ru")
    page = _ask(client, "Что такое узкий ИИ?").get_data(as_text=True)
    assert "Создано системой ИИ" in page


def test_the_answer_is_logged_with_the_passages_and_no_model(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    _ask(login_as(learner.email), "What is a hallucination?")
    with app.app_context():
        entry = db.session.scalars(select(AILogEntry)).one()
        assert (entry.user_id, entry.action, entry.provider, entry.is_success) == (learner.id, "tutor_answer",
                                                                                   "extractive", True)
        assert entry.agency_id is not None and entry.course_key == "ai-foundations" and entry.language == "en"
        assert entry.prompt == "What is a hallucination?" and len(entry.prompt_hash) == 64
        assert entry.output and entry.passages and {"lesson", "heading", "language", "score"} <= set(entry.passages[0])
        assert "limits-and-risks" in {p["lesson"] for p in entry.passages}


def test_a_question_the_course_does_not_answer_says_so_plainly(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    page = _ask(login_as(learner.email), "Qwzx plorf vintaglue?").get_data(as_text=True)
    assert "Nothing in this course answers your question" in page
    assert "<blockquote" not in page


def test_the_tutor_refuses_during_an_open_graded_attempt(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    client = login_as(learner.email)
    post_form(client, "/courses/ai-foundations/enroll", {}, token_from=LESSON)
    started = post_form(client, "/courses/ai-foundations/quiz/start", {}, token_from="/courses/ai-foundations/quiz")
    assert started.status_code in (302, 303), started.get_data(as_text=True)[:300]
    response = _ask(client, "What is machine learning?")
    assert response.status_code == 409
    assert "not available until you submit it" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AILogEntry)).all() == []
        attempt = db.session.scalars(select(QuizAttempt)).one()
        attempt.deadline_at = utcnow() - timedelta(hours=1)  # ran out: the attempt no longer holds the tutor back
        db.session.commit()
    assert _ask(client, "What is machine learning?").status_code == 200


def test_quiz_questions_are_never_used_as_passages(app, starter_course, learner, login_as):
    from lms.ai import services
    with app.app_context():
        course = db.session.scalars(select(Course)).one()
        pool = services.quiz_texts(course)
        index = services.index_for(course, "en")
        assert pool and index.passages
        for passage in index.passages:
            assert not any(len(text) >= 25 and text.lower() in passage.text.lower() for text in pool)


def test_a_tampered_question_form_is_refused(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    client = login_as(learner.email)
    assert client.post(ASK, data={"csrf_token": "forged", "question": "x"}).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(AILogEntry)).all() == []


def test_an_empty_question_is_a_400_with_the_form(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    response = _ask(login_as(learner.email), "")
    assert response.status_code == 400 and 'id="question"' in response.get_data(as_text=True)


def test_the_rate_limit_refuses_more_questions_per_hour(app, starter_course, learner, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "AI_RATE_LIMIT_PER_HOUR", 2)
    accept_notice_for(app, learner)
    client = login_as(learner.email)
    assert [_ask(client, "What is AI?").status_code for _ in range(3)] == [200, 200, 429]


def test_an_agency_switched_off_gets_no_tutor(app, starter_course, learner, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "AI_DISABLED_AGENCIES", "OTHER, MDAI")
    accept_notice_for(app, learner)
    client = login_as(learner.email)
    assert "ai-question" not in client.get(LESSON).get_data(as_text=True)
    assert _ask(client, "What is AI?").status_code == 404


def test_the_tutor_action_switched_off_removes_the_placement(app, starter_course, learner, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "AI_ACTIONS", "question_drafts")
    client = login_as(learner.email)
    assert "ai-question" not in client.get(LESSON).get_data(as_text=True)
    assert client.get(ASK).status_code == 404


def test_the_public_systems_page_lists_the_tutor_with_its_risk_class(client):
    page = client.get("/ai/systems").get_data(as_text=True)
    assert "course tutor (extractive, no model)" in page and "minimal" in page
    assert "Why the built-in tutor is of minimal risk" in page


def test_the_question_is_escaped_on_the_answer_page(app, starter_course, learner, login_as):
    accept_notice_for(app, learner)
    page = _ask(login_as(learner.email), "<script>alert(1)</script> What is AI?").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
