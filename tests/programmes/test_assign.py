"""Assigning a programme: its required courses are assigned together, shown with a due date, cancelled together."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.assignments.models import Assignment
from lms.assignments.services import list_assigned_courses
from lms.extensions import db
from lms.learning.models import Enrollment
from tests import factories
from tests.conftest import post_form
from tests.programmes.builders import write_programme
from tests.programmes.conftest import sync_all


@pytest.fixture
def people(app):
    with app.app_context():
        agency = factories.agency("P")
        factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=agency)
        factories.user("learner@example.kz", agency=agency)
        factories.user("outside@example.kz", agency=factories.agency("U"))


def _assign(client, due=None):
    due = due or date.today() + timedelta(days=30)
    return post_form(client, "/assignments/new", {"course": "programme:basics", "target_kind": "agency",
                                                  "agency": "P", "due_date": due.isoformat()},
                     token_from="/assignments/new")


def test_assigning_a_programme_assigns_its_required_courses(app, login_as, people, programme_root):
    write_programme(programme_root, courses=("plain", "other"), groups=[(1, ["third"])])
    with app.app_context():
        sync_all(programme_root)
    response = _assign(login_as("hr@example.kz"))
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        rows = list(db.session.scalars(select(Assignment).order_by(Assignment.id)))
        assert [a.course.key for a in rows] == ["plain", "other"]
        assert len({a.programme_batch for a in rows}) == 1 and rows[0].programme.key == "basics"
        learner = db.session.scalar(select(User).where(User.email == "learner@example.kz"))
        assert {item.course.key for item in list_assigned_courses(learner)} == {"plain", "other"}
        enrolled = set(db.session.scalars(select(Enrollment.course_id).where(Enrollment.user_id == learner.id)))
        assert len(enrolled) == 2


def test_my_learning_shows_the_assigned_programme_with_its_due_date(app, login_as, people, programme_root):
    _assign(login_as("hr@example.kz"), due=date(2099, 3, 1))
    page = login_as("learner@example.kz").get("/my-learning").get_data(as_text=True)
    assert "My programmes" in page and "/programmes/basics" in page
    assert "due 1 March 2099" in page or "due Mar 1, 2099" in page


def test_cancelling_one_cancels_the_whole_programme_assignment(app, login_as, people, programme_root):
    write_programme(programme_root, courses=("plain", "other"))
    with app.app_context():
        sync_all(programme_root)
    client = login_as("hr@example.kz")
    _assign(client)
    with app.app_context():
        first = db.session.scalar(select(Assignment.id).order_by(Assignment.id))
    response = post_form(client, f"/assignments/{first}/cancel", {}, token_from="/assignments/")
    assert response.status_code == 303
    with app.app_context():
        assert all(a.cancelled_at is not None for a in db.session.scalars(select(Assignment)))


def test_a_programme_outside_the_catalogue_is_refused(app, login_as, people, programme_root):
    client = login_as("hr@example.kz")
    response = post_form(client, "/assignments/new", {"course": "programme:nope", "target_kind": "agency",
                                                      "agency": "P", "due_date": "2099-01-01"},
                         token_from="/assignments/new")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Assignment.id)) is None


def test_the_command_assigns_a_programme(app, runner, people, programme_root):
    result = runner.invoke(args=["assignments", "create", "--programme", "basics", "--due", "2099-01-31",
                                 "--agency", "P", "--by", "hr@example.kz"])
    assert result.exit_code == 0, result.output
    assert "Assigned programme basics (1 course(s)) to 2 people now" in result.output
    with app.app_context():
        assert db.session.scalar(select(Assignment.programme_batch)) is not None


def test_the_command_wants_a_course_or_a_programme(app, runner, people, programme_root):
    result = runner.invoke(args=["assignments", "create", "--due", "2099-01-31", "--agency", "P",
                                 "--by", "hr@example.kz"])
    assert result.exit_code != 0 and "either --course or --programme" in result.output
