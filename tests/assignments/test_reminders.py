"""`lms reminders send`: 30/7/1 days before and overdue, each once, in the learner's language; HR digests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from lms.accounts.models import Role, User
from lms.accounts.services import deactivate_user
from lms.assignments import reminders
from lms.assignments.reminders import send_reminders, stage_for
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses.models import Course
from lms.extensions import db
from lms.learning.models import CourseCompletion
from lms.mail.models import OutboxMessage
from tests import factories

DUE = datetime(2027, 3, 31, 18, 59, 59, tzinfo=UTC)


@pytest.fixture
def assigned(app, ctx, course_key):
    """An agency with an HR officer and two learners (one reads Kazakh), assigned the course due DUE."""
    agency = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=agency, locale="ru")
    factories.user("kz@example.kz", agency=agency, locale="kk")
    factories.user("en@example.kz", agency=agency, locale="en")
    course = db.session.scalar(select(Course))
    create_assignment(NewAssignment(course=course, due_at=DUE, target_kind="agency", agency=agency),
                      actor=hr, now=DUE - timedelta(days=60))
    # The assignment's own e-mails ("assigned" notices, tests/notifications) are not what these tests count.
    db.session.execute(delete(OutboxMessage))
    db.session.commit()
    return course


def _send(now: datetime) -> dict:
    counts = send_reminders(now=now, default_locale="ru")
    db.session.commit()
    return counts


def _mail_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                   .order_by(OutboxMessage.id)))


@pytest.mark.parametrize(("days_before", "stage"), [(45, None), (30, "30"), (8, "30"), (7, "7"), (2, "7"),
                                                    (1, "1"), (0.01, "1"), (-1, "overdue")])
def test_stage_follows_the_days_left(days_before, stage):
    assert stage_for(DUE, DUE - timedelta(days=days_before)) == stage


def test_each_reminder_is_sent_once(app, assigned, test_request):
    first = _send(DUE - timedelta(days=29))
    second = _send(DUE - timedelta(days=28))
    assert first["reminders"] == 3 and second["reminders"] == 0
    assert len(_mail_to("en@example.kz")) == 1


def test_every_stage_sends_its_own_reminder(app, assigned, test_request):
    for days in (29, 6, 0.5, -1):
        _send(DUE - timedelta(days=days))
    subjects = [m.subject for m in _mail_to("en@example.kz")]
    assert len(subjects) == 4
    assert subjects[-1].startswith("Overdue")


def test_reminder_is_in_the_learners_language(app, assigned, test_request):
    _send(DUE - timedelta(days=6))
    [message] = _mail_to("kz@example.kz")
    assert "Сәлеметсіз бе" in message.body


def test_the_course_link_is_on_the_public_address_even_inside_a_request_for_another_host(app, assigned):
    with app.test_request_context(base_url="http://localhost:8080"):
        _send(DUE - timedelta(days=6))
    [message] = _mail_to("en@example.kz")
    assert f"{app.config['BASE_URL']}/courses/{assigned.key}" in message.body
    assert "localhost" not in message.body


def test_deactivated_and_completed_learners_get_nothing(app, assigned, test_request):
    deactivate_user(db.session.scalar(select(User).where(User.email == "kz@example.kz")))
    db.session.commit()
    _send(DUE - timedelta(days=6))
    assert _mail_to("kz@example.kz") == []


def test_learners_who_completed_get_nothing_however_many_id_lists_the_assignees_take(app, assigned, test_request,
                                                                                     monkeypatch):
    monkeypatch.setattr(reminders, "ID_CHUNK", 1)  # one learner per IN list, as 65,536 learners would need
    done = db.session.scalar(select(User).where(User.email == "kz@example.kz"))
    db.session.add(CourseCompletion(user_id=done.id, course_id=assigned.id, completed_at=DUE - timedelta(days=10),
                                    course_version="v", language="kk"))
    db.session.commit()
    _send(DUE - timedelta(days=6))
    assert _mail_to("kz@example.kz") == []
    assert len(_mail_to("en@example.kz")) == 1


def test_hr_officers_get_one_overdue_digest(app, assigned, test_request):
    _send(DUE + timedelta(days=1))
    _send(DUE + timedelta(days=2))
    digests = [m for m in _mail_to("hr@example.kz") if "kz@example.kz" in m.body]
    assert len(digests) == 1
    assert "en@example.kz" in digests[0].body


def test_cli_sends_reminders_through_the_outbox(app, runner, course_key):
    with app.app_context():
        agency = factories.agency("B")
        hr = factories.user("hr-b@example.kz", roles={Role.HR}, agency=agency)
        factories.user("l@example.kz", agency=agency)
        create_assignment(NewAssignment(course=db.session.scalar(select(Course)),
                                        due_at=datetime.now(UTC) + timedelta(days=3), target_kind="agency",
                                        agency=agency), actor=hr, now=datetime.now(UTC))
        db.session.commit()
    first = runner.invoke(args=["reminders", "send"])
    second = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0, first.output
    assert "2 reminder(s)" in first.output and "0 reminder(s)" in second.output  # the HR officer is staff too
    with app.app_context():
        assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}
