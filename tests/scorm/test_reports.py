"""Reports, exports and the API count a SCORM lesson finished in its package like any lesson: the learner's row
shows it done, and the course completed once every lesson is."""

from __future__ import annotations

from lms.accounts.models import Role
from lms.api.tokens import create_token
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.scorm.conftest import commit, runtime_config
from tests.scorm.test_commit import LESSON_12, LESSON_2004, cmi_12, cmi_2004


def _row(client, secret: str) -> dict:
    response = client.get("/api/v1/rows", query_string={"course": "scorm-course"},
                          headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.json
    [row] = [row for row in response.json["rows"] if row["email"] == "scorm-learner@example.kz"]
    return row


def test_the_api_counts_scorm_lessons_and_the_course_they_complete(app, enrolled):
    with app.app_context():
        admin = factories.user("scorm-admin@example.kz", roles={Role.ADMIN})
        _token, secret = create_token(admin, "BI", now=utcnow())
        db.session.commit()
    api = app.test_client()
    assert (_row(api, secret)["lessons_done"], _row(api, secret)["lessons_total"]) == (0, 2)
    commit(enrolled, runtime_config(enrolled, LESSON_12), 1, cmi_12("completed"))
    row = _row(api, secret)
    assert (row["lessons_done"], row["status"], row["completed_on"]) == (1, "In progress", "")
    commit(enrolled, runtime_config(enrolled, LESSON_2004), 1, cmi_2004("completed", "passed"))
    row = _row(api, secret)
    assert row["lessons_done"] == 2 and row["status"] == "Certified" and row["completed_on"]
    assert row["certificate_serial"]
