"""Lesson summaries (`lms ai summarise`): extractive lead sentences, or a model's cited summary; labelled and logged."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from lms.ai.models import AILogEntry
from lms.extensions import db
from tests.ai.conftest import STARTER


def _summarise(runner, courses_root, *args):
    if not (courses_root / STARTER.name).exists():
        shutil.copytree(STARTER, courses_root / STARTER.name)
    return runner.invoke(args=["ai", "summarise", STARTER.name, *args])


def test_the_extractive_summary_is_labelled_with_its_sources_and_logged(app, runner, courses_root):
    result = _summarise(runner, courses_root, "limits-and-risks", "--language", "kk")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("# AI-generated summary by") and "may be wrong" in lines[0]
    assert lines[1].startswith("- ") and lines[-1].startswith("# Sources: limits-and-risks")
    with app.app_context():
        entry = db.session.scalars(select(AILogEntry)).one()
        assert (entry.action, entry.provider, entry.language, entry.is_success) == ("lesson_summary", "extractive",
                                                                                    "kk", True)


def test_a_model_summary_must_cite_the_passages(app, runner, courses_root, openai_settings, model_server):
    result = _summarise(runner, courses_root, "what-is-ai")
    assert result.exit_code == 0, result.output
    assert "Machine learning finds patterns in examples [1]." in result.output
    assert "Summarise the numbered lesson passages" in model_server.requests[-1]["body"]["messages"][0]["content"]
    openai_settings("error")
    fallback = _summarise(runner, courses_root, "what-is-ai")
    assert "did not answer" in fallback.output
    with app.app_context():
        assert [(e.provider, e.is_success) for e in db.session.scalars(select(AILogEntry).order_by(AILogEntry.id))] \
            == [("openai", True), ("openai", False), ("extractive", True)]


def test_an_unknown_lesson_is_an_error(runner, courses_root):
    result = _summarise(runner, courses_root, "no-such-lesson")
    assert result.exit_code != 0 and "has no lesson" in result.output
