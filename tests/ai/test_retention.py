"""The AI log's retention: prompts and outputs purged after the configured days, the entries kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.ai.models import AILogEntry
from lms.db import utcnow
from lms.extensions import db


def _entry(days_ago: int) -> AILogEntry:
    entry = AILogEntry(at=utcnow() - timedelta(days=days_ago), request_id=f"r{days_ago}", action="tutor_answer",
                       provider="extractive", prompt_hash="0" * 64, prompt="question", output="answer",
                       passages=[{"lesson": "intro", "heading": "", "language": "en", "score": 1.0}])
    db.session.add(entry)
    return entry


def test_the_worker_purges_prompts_and_outputs_past_the_retention_period(app, monkeypatch):
    monkeypatch.setitem(app.config, "AI_RETENTION_DAYS", 30)
    with app.app_context():
        _entry(31), _entry(29)
        db.session.commit()
    app.extensions["lms.tasks"]["purge-ai-log"].call_local()
    with app.app_context():
        old, recent = db.session.scalars(select(AILogEntry).order_by(AILogEntry.at)).all()
        assert (old.prompt, old.output) == (None, None) and old.purged_at is not None
        assert old.prompt_hash == "0" * 64 and old.passages and old.provider == "extractive"  # the entry stays
        assert (recent.prompt, recent.output, recent.purged_at) == ("question", "answer", None)


def test_the_purge_command_says_how_many(app, runner):
    with app.app_context():
        _entry(400)
        db.session.commit()
    result = runner.invoke(args=["ai", "purge"])
    assert result.exit_code == 0 and "of 1 AI log entries" in result.output
