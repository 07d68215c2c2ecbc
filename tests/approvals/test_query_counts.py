"""SQL statements per request on the pages that show enrolment requests do not grow with the number of requests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from lms.accounts.models import User
from lms.agencies.models import Agency
from lms.approvals import services
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.approvals.test_pages import _ask


def _add_requests(app, people, course_key: str, count: int) -> None:
    """`count` learners of C reporting to the manager: each asks; a third are declined, a third approved."""
    with app.app_context():
        c = db.session.scalar(select(Agency).where(Agency.code == "C"))
        manager = db.session.scalar(select(User).where(User.email == people.manager))
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        now = utcnow() - timedelta(hours=1)
        for n in range(count):
            learner = factories.user(f"many-{count}-{n}@example.kz", agency=c, manager=manager)
            request, _created = services.request_enrollment(learner, course, now=now, days=14)
            if n % 3 == 1:
                services.decline_request(request, actor=manager, now=now, reason=f"Reason {n}")
            elif n % 3 == 2:
                services.approve_request(request, actor=manager, now=now)
        db.session.commit()


def _statements(app, client, path: str) -> int:
    client.get(path)  # warm the caches (compiled statements, course content)
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


def test_request_pages_cost_the_same_with_3_or_30_requests(app, client, login_as, people, approval_course):
    with app.app_context():
        learner_id = db.session.scalar(select(User.id).where(User.email == people.learner))
    pages = {people.manager: ["/approvals/", "/approvals/?page=2"],
             people.hr: ["/approvals/", "/reports/", f"/reports/learners/{learner_id}"],
             people.learner: [f"/courses/{approval_course}"]}
    counts = []
    for size in (3, 30):
        _add_requests(app, people, approval_course, size)
        if size == 3:  # the learner's own request, pending, for the course page
            client.delete_cookie("lms_session")
            _ask(login_as(people.learner), approval_course)
        measured = {}
        for email, paths in pages.items():
            client.delete_cookie("lms_session")
            login_as(email)
            measured.update({f"{email} {path}": _statements(app, client, path) for path in paths})
        counts.append(measured)
    assert counts[0] == counts[1]
    # The course page of a learner waiting for approval: the sign-in check, the standing, the request.
    assert counts[0][f"{people.learner} /courses/{approval_course}"] <= 4
