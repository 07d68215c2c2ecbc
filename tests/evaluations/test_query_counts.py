"""SQL statements per request on the evaluation pages do not grow with the number of answers or agencies."""

from __future__ import annotations

from sqlalchemy import event, select

from lms.agencies.models import Agency
from lms.extensions import db
from tests import factories
from tests.evaluations.conftest import complete, get_course, get_user, respondents

PAGES = ("/reports/satisfaction", "/reports/satisfaction?course=plain", "/reports/satisfaction?agency=C",
         "/reports/", "/courses/plain/evaluation/comments")


def _add(app, count: int) -> None:
    """`count` respondents in C and as many in a new sub-agency of C (each course), with comments."""
    with app.app_context():
        c = db.session.scalar(select(Agency).where(Agency.code == "C"))
        below = factories.agency(f"C-{count}", parent=c)
        for course in ("plain", "own-questions"):
            respondents(get_course(course), c, count, comment=f"Comment {count}")
            respondents(get_course(course), below, count, comment=f"Comment below {count}")


def _statements(app, client, path: str) -> int:
    client.get(path)  # warm the caches
    seen = [0]

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, path
    return seen[0]


def test_evaluation_pages_cost_the_same_with_5_or_25_answers(app, client, login_as, people, evaluation_courses):
    with app.app_context():
        complete(get_user(people.learner), get_course("plain"))
    _add(app, 5)
    login_as(people.admin)
    before = {path: _statements(app, client, path) for path in PAGES}
    _add(app, 25)
    after = {path: _statements(app, client, path) for path in PAGES}
    assert after == before


def test_the_course_page_of_a_completed_course_costs_the_same_with_more_answers(app, client, login_as, people,
                                                                               evaluation_courses):
    with app.app_context():
        complete(get_user(people.learner), get_course("plain"))
    login_as(people.learner)
    _add(app, 5)
    before = _statements(app, client, "/courses/plain")
    _add(app, 25)
    assert _statements(app, client, "/courses/plain") == before
