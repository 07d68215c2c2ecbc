"""The OpenAI-compatible provider against a local chat-completions server: answers, failures and fallback, redaction."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lms.ai.labels import MODEL_OUTPUT
from lms.ai.models import AILogEntry
from tests.ai.conftest import accept_notice_for
from tests.conftest import post_form

LESSON = "/courses/ai-foundations/lessons/what-is-ai"
ASK = "/courses/ai-foundations/ask"
QUESTION = "What is machine learning?"


def _ask(client, question: str = QUESTION):
    return post_form(client, ASK, {"question": question}, token_from=LESSON)


def _entries(app) -> list[AILogEntry]:
    with app.app_context():
        from lms.extensions import db
        entries = list(db.session.scalars(select(AILogEntry).order_by(AILogEntry.id)))
        db.session.expunge_all()
        return entries


def test_a_model_answer_is_shown_with_its_sources_labelled_and_logged(app, starter_course, learner, login_as,
                                                                      openai_settings, model_server):
    accept_notice_for(app, learner)
    response = _ask(login_as(learner.email))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Machine learning finds patterns in examples [1]." in page
    assert f'data-ai-generated="{MODEL_OUTPUT}"' in page and f'content="{MODEL_OUTPUT}"' in page
    assert 'data-ai-system="good"' in page
    assert "did not answer" not in page
    sent = model_server.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["headers"]["Authorization"] == "Bearer test-key"
    assert sent["body"]["model"] == "good" and sent["body"]["messages"][0]["role"] == "system"
    assert "[1]" in sent["body"]["messages"][1]["content"]  # the numbered passages are sent for grounding
    [entry] = _entries(app)
    assert (entry.provider, entry.model, entry.model_version, entry.is_success) == ("openai", "good", "fp-test-1",
                                                                                    True)
    assert (entry.tokens_in, entry.tokens_out) == (321, 12)
    assert entry.latency_ms >= 0 and len(entry.passages) == 1
    assert json.loads(entry.prompt)[1]["content"].endswith(f"Question: {QUESTION}")


@pytest.mark.parametrize("model, error", [
    ("slow", "timeout"),
    ("error", "http 500"),
    ("malformed", "malformed answer"),
    ("no-citation", "answer cites no passage"),
])
def test_a_failing_model_falls_back_to_the_extractive_tutor_and_says_so(app, starter_course, learner, login_as,
                                                                        openai_settings, model, error):
    openai_settings(model)
    accept_notice_for(app, learner)
    page = _ask(login_as(learner.email)).get_data(as_text=True)
    assert "The language model did not answer" in page
    assert "<blockquote" in page  # the passages, quoted
    failed, answered = _entries(app)
    assert (failed.provider, failed.is_success, failed.error, failed.output) == ("openai", False, error, None)
    assert (answered.provider, answered.is_success) == ("extractive", True)
    assert failed.request_id == answered.request_id
    if model == "slow":
        assert 900 <= failed.latency_ms < 2900  # the 1 s timeout, not the server's 3 s


def test_the_model_may_say_the_passages_do_not_answer(app, starter_course, learner, login_as, openai_settings):
    openai_settings("no-answer")
    accept_notice_for(app, learner)
    page = _ask(login_as(learner.email)).get_data(as_text=True)
    assert "Nothing in this course answers your question" in page
    [entry] = _entries(app)
    assert entry.is_success and entry.error == "no answer"


def test_personal_data_is_removed_before_the_question_leaves_the_server(app, starter_course, learner, login_as,
                                                                        openai_settings, model_server):
    accept_notice_for(app, learner)
    question = ("I am Әлия Қасымова, IIN 900101300123, aliya.k@gov.kz, +7 701 123 45 67. Can Иван Петров use "
                "machine learning here?")
    _ask(login_as(learner.email), question)
    sent = json.dumps(model_server.requests[-1]["body"], ensure_ascii=False)
    for secret in ("Әлия", "Қасымова", "900101300123", "aliya.k@gov.kz", "701 123 45 67", "Иван", "Петров"):
        assert secret not in sent
    assert "[IIN]" in sent and "[email]" in sent and "[phone]" in sent and "[name]" in sent
    assert "machine learning" in sent
    [entry] = _entries(app)
    assert "900101300123" not in entry.prompt  # the log keeps what was sent


def test_the_notice_names_the_external_endpoint_and_asks_again_when_it_is_added(app, starter_course, learner,
                                                                                login_as, openai_settings,
                                                                                model_server):
    accept_notice_for(app, learner)  # accepted with the openai provider configured
    client = login_as(learner.email)
    assert _ask(client).status_code == 200
    page = client.get("/ai/notice").get_data(as_text=True)
    assert model_server.base_url in page and "removed" in page
    app.config["AI_PROVIDERS"] = "extractive"  # a different set of systems: the acceptance no longer covers it
    assert _ask(client).status_code == 302


def test_external_endpoints_are_off_until_configured(app, monkeypatch):
    from lms.ai.actions import Action
    from lms.ai.manager import provider_chain
    monkeypatch.setitem(app.config, "AI_PROVIDERS", "openai,extractive")
    assert provider_chain(Action.TUTOR_ANSWER, app.config) == ["extractive"]
