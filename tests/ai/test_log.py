"""The admin's AI log: the list with filters and the CSV export (audited)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from lms.accounts.models import Role
from lms.ai.models import AILogEntry
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.extensions import db
from tests import factories


def _entries(app, learner_id: int) -> None:
    with app.app_context():
        for n, (provider, ok) in enumerate([("openai", False), ("extractive", True)]):
            db.session.add(AILogEntry(at=utcnow(), request_id="req1", user_id=learner_id, action="tutor_answer",
                                      provider=provider, model="m" if provider == "openai" else "bm25", course_key="c1",
                                      language="ru", prompt_hash=f"{n}" * 64, prompt="=cmd|' /C calc'!A0",
                                      output=None if not ok else "answer", is_success=ok,
                                      error="" if ok else "timeout", passages=[{"lesson": "intro", "heading": "h",
                                                                                "language": "ru", "score": 1.0}]))
        db.session.commit()


def test_the_admin_filters_the_log(app, learner, login_as):
    with app.app_context():
        factories.user("root@gov.kz", roles={Role.ADMIN})
    _entries(app, learner.id)
    client = login_as("root@gov.kz")
    page = client.get("/admin/ai-log/?success=no").get_data(as_text=True)
    assert "timeout" in page and "aliya@gov.kz" in page and "bm25" not in page
    page = client.get("/admin/ai-log/?provider=extractive").get_data(as_text=True)
    assert "bm25" in page and "timeout" not in page
    assert "timeout" not in client.get("/admin/ai-log/?user=nobody@gov.kz").get_data(as_text=True)


def test_the_export_holds_every_field_formulas_neutralised_and_is_audited(app, learner, login_as):
    with app.app_context():
        factories.user("root@gov.kz", roles={Role.ADMIN})
    _entries(app, learner.id)
    response = login_as("root@gov.kz").get("/admin/ai-log/export.csv?course=c1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["provider"] for row in rows] == ["extractive", "openai"]
    assert rows[1]["error"] == "timeout" and rows[1]["success"] == "no" and rows[0]["passages"] == "intro#h"
    assert rows[0]["prompt"].startswith("'=")  # a formula is made inert
    assert rows[0]["user"] == "aliya@gov.kz" and rows[0]["request"] == "req1"
    with app.app_context():
        assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action != "auth.signed_in")).all() == [
            "ai_log.exported"]
