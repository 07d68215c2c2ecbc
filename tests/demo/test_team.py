"""The demo line manager (lms.demo.team): `lms demo-data` gives manager@demo.lms.kz a team, direct reports and one
level below, whose learning is in mixed states, so "My team" is not empty after `make run`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.demo.team import DEMO_MANAGER, DEMO_TEAM, TEAM_COURSES
from lms.extensions import db
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync


@pytest.fixture
def team_courses(app, courses_root):  # noqa: F811 - the imported fixture
    """Courses with the keys of the starter courses the demo team learns (the first two with a final quiz)."""
    for key in TEAM_COURSES:
        write_course(courses_root / key, course_id=key, quiz=key != TEAM_COURSES[2])
    with app.app_context():
        sync(courses_root)


def _manager_client(app):
    client = app.test_client()
    response = post_form(client, "/login", {"email": DEMO_MANAGER, "password": "manager-demo-2026"})
    assert response.status_code == 302
    return client


def test_the_demo_manager_has_direct_reports_and_people_below_them(app, runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        by_email = {user.email: user for user in db.session.scalars(select(User))}
        for email, _name, _position, manager in DEMO_TEAM:
            assert by_email[email].manager_id == by_email[manager].id, email
    assert "manager@demo.lms.kz" in runner.invoke(args=["demo-data"]).output  # the logins, printed again


def test_my_team_shows_learning_in_mixed_states(app, runner, team_courses):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "learner (line manager)" in result.output and "manager-demo-2026" in result.output
    client = _manager_client(app)
    html = client.get("/team/?scope=all").get_data(as_text=True)
    block = html.split('id="summary-heading"', 1)[1].split("</dl>", 1)[0]
    assert [int(v) for v in re.findall(r"<dd>(\d+)</dd>", block)][:2] == [5, 2]  # five people, two overdue
    for status, count in (("overdue", 2), ("completed", 2), ("in_progress", 3), ("not_started", 3)):
        listed = client.get(f"/team/?scope=all&status={status}").get_data(as_text=True)
        assert len(re.findall(r'<h2 id="member-\d+">', listed)) == count, status
    direct = client.get("/team/").get_data(as_text=True)
    assert len(re.findall(r'<h2 id="member-\d+">', direct)) == 3
    with app.app_context():
        assel = db.session.scalar(select(User.id).where(User.email == "assel.kassenova@demo.lms.kz"))
    record = client.get(f"/team/people/{assel}").get_data(as_text=True)
    assert "Passed" in record and "Not passed" in record and "badge--overdue" in record


def test_the_demo_learners_own_learning_stays_as_it_was(app, runner, team_courses):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        from lms.learning.models import Enrollment

        learner = db.session.scalar(select(User).where(User.email == "learner@demo.lms.kz"))
        rows = db.session.execute(select(Enrollment.lessons_completed, Enrollment.completed_at)
                                  .where(Enrollment.user_id == learner.id)).all()
        assert rows == [(0, None)]  # only the ministry's assigned course, not started
