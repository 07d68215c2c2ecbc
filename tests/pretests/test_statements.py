"""The learner's pages of a course with a pre-test: the course page and the first lesson read one statement more than
the learner budget (the learner's pre-test), the pre-test page two more (also the progress it links on from)."""

from __future__ import annotations

from sqlalchemy import event

from lms.extensions import db
from tests import factories
from tests.conftest import csrf_token
from tests.test_query_counts import LEARNER_BUDGET

LEARNER = "learner@example.kz"


def _statements(app, client, path: str) -> int:
    seen = [0]

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen[0] += 1

    with app.app_context():
        engine = db.engine
    client.get(path)  # warm caches
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen[0]


def test_the_pages_of_a_course_with_a_pretest_stay_within_the_budget_plus_its_own(app, make_quiz_course, login_as):
    key = make_quiz_course({"pretest": "{questions: 3}"})
    with app.app_context():
        factories.user(LEARNER)
    client = login_as(LEARNER)
    client.post(f"/courses/{key}/enroll", data={"csrf_token": csrf_token(client, f"/courses/{key}")})
    assert _statements(app, client, f"/courses/{key}") <= LEARNER_BUDGET + 1
    assert _statements(app, client, f"/courses/{key}/lessons/intro") <= LEARNER_BUDGET + 1
    assert _statements(app, client, f"/courses/{key}/pretest") <= LEARNER_BUDGET + 2
