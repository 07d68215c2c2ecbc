"""Assignments: by agency (with sub-agencies), by position, by name; scope; due dates; the learner's dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.assignments.models import Assignment
from lms.assignments.services import (
    AssignmentError,
    NewAssignment,
    create_assignment,
    get_assigned_course,
    list_assigned_courses,
    list_assignees,
)
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services
from lms.timeutil import end_of_day
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def tree(app):
    """Agency P with child C, unrelated U; an HR officer of P; learners in P, C and U. Returns emails by name."""
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        u = factories.agency("U")
        factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=p)
        factories.user("in-p@example.kz", agency=p, position="Analyst")
        factories.user("in-c@example.kz", agency=c, position="Chief specialist")
        factories.user("in-u@example.kz", agency=u)
        factories.user("admin@example.kz", roles={Role.ADMIN})
    return {"P": "P", "C": "C", "U": "U"}


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _assign(course_key: str, actor: str, *, kind="agency", agency=None, sub=False, position=None, users=(),
            due=None) -> None:
    from lms.agencies.services import get_agency_by_code

    course = db.session.scalar(select(Course).where(Course.key == course_key))
    create_assignment(NewAssignment(
        course=course, due_at=due or utcnow() + timedelta(days=20), target_kind=kind,
        agency=get_agency_by_code(agency) if agency else None, include_subagencies=sub, position=position,
        users=tuple(_user(email) for email in users)), actor=_user(actor), now=utcnow())
    db.session.commit()


def test_hr_assigns_to_their_agency_with_sub_agencies_through_the_form(app, login_as, tree, course_key):
    client = login_as("hr@example.kz")
    due = date.today() + timedelta(days=30)
    response = post_form(client, "/assignments/new", {
        "course": course_key, "target_kind": "agency", "agency": "P", "include_subagencies": "y",
        "due_date": due.isoformat()}, token_from="/assignments/new")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assigned = {u.email for u in list_assignees(db.session.scalars(select(Assignment)).one())}
    assert assigned == {"hr@example.kz", "in-p@example.kz", "in-c@example.kz"}


def test_someone_who_joins_a_sub_agency_later_is_assigned_too(app, ctx, tree, course_key):
    _assign(course_key, "hr@example.kz", agency="P", sub=True)
    newcomer = factories.user("new@example.kz", agency=db.session.scalar(select(factories.Agency).where(
        factories.Agency.code == "C")))
    assert [item.course.key for item in list_assigned_courses(newcomer)] == [course_key]


def test_sub_agency_assignments_reach_every_level_below_and_nobody_above_or_beside(app, ctx, tree, course_key):
    from lms.agencies.services import get_agency_by_code

    _assign(course_key, "hr@example.kz", agency="C", sub=True)
    grandchild = factories.agency("G", parent=get_agency_by_code("C"))
    deep = factories.user("deep@example.kz", agency=factories.agency("GG", parent=grandchild))
    no_agency = factories.user("nowhere@example.kz")
    course = db.session.scalar(select(Course).where(Course.key == course_key))
    assert [item.course.key for item in list_assigned_courses(deep)] == [course_key]
    assert get_assigned_course(deep, course) is not None
    for email in ("in-p@example.kz", "in-u@example.kz", "nowhere@example.kz"):
        assert list_assigned_courses(_user(email)) == [], email
        assert get_assigned_course(_user(email), course) is None, email
    assert no_agency.agency_id is None


def test_a_cycle_in_the_agency_tree_does_not_hang_the_assignment_lookup(app, ctx, tree, course_key):
    from lms.agencies.services import get_agency_by_code

    _assign(course_key, "hr@example.kz", agency="P", sub=True)
    p, c = get_agency_by_code("P"), get_agency_by_code("C")
    p.parent = c  # corrupt data: P -> C -> P
    db.session.commit()
    assert [item.course.key for item in list_assigned_courses(_user("in-c@example.kz"))] == [course_key]


def test_without_sub_agencies_only_the_agency_itself_is_assigned(app, ctx, tree, course_key):
    _assign(course_key, "hr@example.kz", agency="P", sub=False)
    assert list_assigned_courses(_user("in-c@example.kz")) == []
    assert len(list_assigned_courses(_user("in-p@example.kz"))) == 1


def test_position_assignment_reaches_only_that_position(app, ctx, tree, course_key):
    _assign(course_key, "hr@example.kz", kind="position", agency="P", sub=True, position="chief specialist")
    assert [u.email for u in list_assignees(db.session.scalars(select(Assignment)).one())] == ["in-c@example.kz"]


def test_hr_cannot_assign_outside_their_subtree(app, ctx, tree, course_key):
    with pytest.raises(AssignmentError):
        _assign(course_key, "hr@example.kz", agency="U")
    with pytest.raises(AssignmentError):
        _assign(course_key, "hr@example.kz", kind="users", users=("in-u@example.kz",))


def test_the_form_does_not_offer_or_accept_agencies_outside_the_subtree(app, login_as, tree, course_key):
    client = login_as("hr@example.kz")
    assert 'value="U"' not in client.get("/assignments/new").get_data(as_text=True)
    response = post_form(client, "/assignments/new", {
        "course": course_key, "target_kind": "agency", "agency": "U",
        "due_date": (date.today() + timedelta(days=5)).isoformat()}, token_from="/assignments/new")
    assert response.status_code == 400
    with app.app_context():
        assert list_assigned_courses(_user("in-u@example.kz")) == []


def test_a_due_date_in_the_past_is_refused_with_a_message(app, login_as, tree, course_key):
    client = login_as("admin@example.kz")
    response = post_form(client, "/assignments/new", {
        "course": course_key, "target_kind": "agency", "agency": "P",
        "due_date": (date.today() - timedelta(days=1)).isoformat()}, token_from="/assignments/new")
    assert response.status_code == 400
    assert "The due date must be in the future." in response.get_data(as_text=True)


def test_due_date_means_the_end_of_that_day_in_the_platform_time_zone():
    assert end_of_day(date(2026, 12, 31), "Asia/Almaty") == datetime(2026, 12, 31, 18, 59, 59, tzinfo=UTC)


def test_dashboard_lists_assigned_courses_by_due_date_and_flags_overdue(app, login_as, tree, course_key,
                                                                        quiz_course_key):
    with app.app_context():
        _assign(course_key, "admin@example.kz", agency="C", due=utcnow() + timedelta(days=40))
        _assign(quiz_course_key, "admin@example.kz", kind="users", users=("in-c@example.kz",),
                due=utcnow() + timedelta(days=40))
        assignment = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()[-1]
        assignment.due_at = utcnow() - timedelta(days=2)  # went overdue
        db.session.commit()
    html = login_as("in-c@example.kz").get("/my-learning").get_data(as_text=True)
    assert html.index("/courses/with-quiz") < html.index("/courses/plain")
    assert "Overdue" in html


def test_a_completion_satisfies_the_assignment(app, ctx, tree, course_key):
    _assign(course_key, "hr@example.kz", agency="P")
    learner = _user("in-p@example.kz")
    course = db.session.scalar(select(Course))
    services.enroll(learner, course, now=utcnow(), source="assignment")
    for lesson in course.lessons:
        services.complete_lesson(learner, lesson, now=utcnow(), language="ru")
    services.complete_course_if_done(learner, course, now=utcnow(), language="ru", quiz_passed=False)
    db.session.commit()
    [item] = list_assigned_courses(learner)
    assert item.completed_at is not None and not item.is_overdue(utcnow() + timedelta(days=365))


def test_cli_creates_an_assignment(app, runner, tree, course_key):
    result = runner.invoke(args=["assignments", "create", "--course", course_key, "--due", "2099-01-31",
                                 "--agency", "P", "--include-subagencies", "--by", "hr@example.kz"])
    assert result.exit_code == 0, result.output
    assert "to 3 people" in result.output


def test_cli_refuses_a_past_due_date(app, runner, tree, course_key):
    result = runner.invoke(args=["assignments", "create", "--course", course_key, "--due", "2000-01-01",
                                 "--agency", "P", "--by", "hr@example.kz"])
    assert result.exit_code != 0
    assert "future" in result.output


def test_an_assignment_enrols_its_learners_even_in_a_course_closed_to_self_enrolment(app, login_as, tree,
                                                                                      course_key):
    with app.app_context():
        course = db.session.scalar(select(Course))
        course.self_enrollment = False
        db.session.commit()
        _assign(course_key, "hr@example.kz", agency="C")
        enrollment = db.session.scalar(select(services.Enrollment))
        assert (enrollment.source, db.session.get(User, enrollment.user_id).email) == ("assignment",
                                                                                        "in-c@example.kz")
    client = login_as("in-c@example.kz")
    html = client.get(f"/courses/{course_key}").get_data(as_text=True)
    assert "Assigned by your agency, due" in html
    assert "Enrol" not in html
    assert f'href="/courses/{course_key}/lessons/intro">Start</a>' in html


def test_a_newcomer_starts_an_assigned_course_with_one_click(app, login_as, tree, course_key):
    from lms.agencies.services import get_agency_by_code

    with app.app_context():
        db.session.scalar(select(Course)).self_enrollment = False
        db.session.commit()
        _assign(course_key, "hr@example.kz", agency="C")
        factories.user("newcomer@example.kz", agency=get_agency_by_code("C"))
    client = login_as("newcomer@example.kz")
    html = client.get("/my-learning").get_data(as_text=True)
    assert f'action="/courses/{course_key}/enroll"' in html and "Enrol" not in html
    response = post_form(client, f"/courses/{course_key}/enroll", {}, token_from="/my-learning")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/courses/{course_key}/lessons/intro")
    with app.app_context():
        enrollment = db.session.scalar(select(services.Enrollment).where(
            services.Enrollment.user_id == _user("newcomer@example.kz").id))
        assert enrollment.source == "assignment"


def test_self_enrolment_is_refused_when_the_course_is_assignment_only(app, login_as, tree, course_key):
    with app.app_context():
        db.session.scalar(select(Course)).self_enrollment = False
        db.session.commit()
    client = login_as("in-u@example.kz")
    post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    with app.app_context():
        assert db.session.scalar(select(services.Enrollment)) is None


def test_position_matching_ignores_case_in_cyrillic_too(app, ctx, tree, course_key):
    from lms.agencies.services import get_agency_by_code

    factories.user("kz-pos@example.kz", agency=get_agency_by_code("C"), position="Главный специалист")
    _assign(course_key, "hr@example.kz", kind="position", agency="P", sub=True, position="ГЛАВНЫЙ СПЕЦИАЛИСТ")
    assignment = db.session.scalars(select(Assignment)).one()
    assert [u.email for u in list_assignees(assignment)] == ["kz-pos@example.kz"]
    assert len(list_assigned_courses(_user("kz-pos@example.kz"))) == 1


def test_hr_cancels_an_assignment_and_it_is_audited(app, login_as, tree, course_key):
    from lms.audit.models import AuditEntry

    with app.app_context():
        _assign(course_key, "hr@example.kz", agency="P")
        assignment_id = db.session.scalar(select(Assignment.id))
    client = login_as("hr@example.kz")
    response = post_form(client, f"/assignments/{assignment_id}/cancel", {}, token_from="/assignments/")
    assert response.status_code == 303
    with app.app_context():
        assert list_assigned_courses(_user("in-p@example.kz")) == []
        # besides the sign-in's own entry (auth.signed_in)
        assert set(db.session.scalars(select(AuditEntry.action))) - {"auth.signed_in"} == {"assignment.cancelled"}


def test_hr_of_another_agency_cannot_cancel_it(app, login_as, tree, course_key):
    with app.app_context():
        factories.user("hr-u@example.kz", roles={Role.HR}, agency=db.session.scalar(
            select(factories.Agency).where(factories.Agency.code == "U")))
        _assign(course_key, "hr@example.kz", agency="P")
        assignment_id = db.session.scalar(select(Assignment.id))
    client = login_as("hr-u@example.kz")
    assert post_form(client, f"/assignments/{assignment_id}/cancel", {}, token_from="/assignments/").status_code == 404
