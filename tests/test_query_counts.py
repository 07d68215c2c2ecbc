"""SQL statements per request on the main pages do not grow with the amount of data.

Each page is requested on a national demo dataset of two sizes (`lms demo-data --learners N`); the number of
statements must be the same. bench/load/run.py reports the same figures at 2,000 and 100,000 learners.

The learner's pages (My learning, catalogue, course, lesson, quiz start) have a budget of LEARNER_BUDGET statements
each, for a learner enrolled with a lesson done: the sign-in check (with the content version), then the learner's
own data; course content comes from the per-process cache. SQLite's BEGIN is not counted against the budget (it is
transaction control, sent as a statement only on SQLite; PostgreSQL's driver opens the transaction itself), so
the budget is the same on both engines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from lms import events
from lms.accounts.models import User
from lms.courses.models import Course, Lesson
from lms.events import Notice
from lms.extensions import db
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync

SMALL, LARGE = 60, 600
LEARNER_BUDGET = 4
LEARNER_PAGES = ("/my-learning", "/courses/", "/courses/ai-basics", "/courses/ai-basics/lessons/{lesson}",
                 "/courses/ai-basics/quiz")
PAGES = {
    "learner@demo.lms.kz": ["/my-learning", "/courses/", "/courses/ai-basics", "/courses/ai-basics/lessons/{lesson}",
                            "/courses/ai-basics/quiz", "/certificates/", "/courses/ai-basics/ask", "/ai/notice",
                            "/ai/systems", "/notifications/", "/notifications/settings"],
    "hr@demo.lms.kz": ["/reports/", "/reports/learners", "/reports/overdue", "/reports/exports", "/reports/api-tokens",
                       "/agencies/"],
    "admin@demo.lms.kz": ["/reports/", "/reports/?agency=MDAI", "/admin/users/", "/admin/content/", "/admin/ai-log/"],
}
PASSWORDS = {"learner@demo.lms.kz": "learner-demo-2026", "hr@demo.lms.kz": "hr-demo-2026",
             "admin@demo.lms.kz": "admin-demo-2026"}


def _wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _statements_per_page(app, make_client, courses_root, learners: int,  # noqa: F811
                         queries: dict[str, int] | None = None) -> dict[str, int]:
    with app.app_context():
        _wipe()
        sync(courses_root)
    result = app.test_cli_runner().invoke(args=["demo-data", "--learners", str(learners), "--agencies", "20",
                                                "--today", "2026-03-01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        lesson = db.session.scalar(select(Lesson.key).order_by(Lesson.position).limit(1))
        _notify_learner(learners // 20)  # the inbox grows with the data too: 3 and 30 notifications
    counts: dict[str, int] = {}
    seen = [0]

    begins = [0]

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        seen[0] += 1
        if statement.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE"):
            begins[0] += 1

    with app.app_context():
        engine = db.engine
    for email, paths in PAGES.items():
        client = make_client()
        response = client.post("/login", data={"email": email, "password": PASSWORDS[email]})
        assert response.status_code == 302
        if email == "learner@demo.lms.kz":  # enrolled, one lesson done: every part of the learner's pages runs
            assert client.post("/courses/ai-basics/enroll").status_code == 303
            assert client.post(f"/courses/ai-basics/lessons/{lesson}/complete").status_code == 303
        for template in paths:
            path = template.format(lesson=lesson)
            client.get(path)  # warm caches (rendered lessons, compiled statements)
            event.listen(engine, "before_cursor_execute", count)
            try:
                seen[0] = begins[0] = 0
                response = client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, (path, response.status_code)
            counts[f"{email} {path}"] = seen[0]
            if queries is not None:
                queries[f"{email} {template}"] = seen[0] - begins[0]
    return counts


def _notify_learner(count: int) -> None:
    """Deliver `count` notices about the course to the demo learner (through lms.events, as the domains do)."""
    learner = db.session.scalar(select(User.id).where(User.email == "learner@demo.lms.kz"))
    course = db.session.scalar(select(Course.id).where(Course.key == "ai-basics"))
    for n in range(count):
        events.publish(events.NOTICE, Notice(kind="assigned", recipient_ids=(learner,), course_id=course,
                                             at=datetime(2026, 2, 1, tzinfo=UTC) + timedelta(hours=n),
                                             params={"due_at": "2026-03-31"}, key=f"counts:{n}"))
    db.session.commit()


@pytest.fixture
def make_client(app):
    def _make():
        return app.test_client()

    return _make


def test_statements_per_page_do_not_grow_with_the_number_of_learners(app, make_client, courses_root):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        write_course(courses_root / "ai-basics", course_id="ai-basics", languages=("en", "ru", "kk"))
        queries: dict[str, int] = {}
        small = _statements_per_page(app, make_client, courses_root, SMALL)
        large = _statements_per_page(app, make_client, courses_root, LARGE, queries)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert large == small
    assert max(small.values()) < 40, small
    learner = {path: queries[f"learner@demo.lms.kz {path}"] for path in LEARNER_PAGES}
    assert all(count <= LEARNER_BUDGET for count in learner.values()), learner
