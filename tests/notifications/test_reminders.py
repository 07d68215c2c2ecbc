"""Due-date reminders as notices: in the inbox and by e-mail as each learner chose (overdue always), each once, with
the reminder e-mail's content; and the overdue digest for HR officers and line managers, one per recipient."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from lms.accounts.models import Role, User
from lms.assignments.reminders import send_reminders
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses.models import Course
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.notifications.models import Channel
from lms.notifications.preferences import set_preferences
from tests import factories
from tests.notifications.conftest import inbox, mail_to, unread

DUE = datetime(2027, 3, 31, 18, 59, 59, tzinfo=UTC)


@pytest.fixture
def team(app, ctx, course_key):
    """Agency A with an HR officer; a line manager (no HR role) of two learners; the course assigned to A."""
    agency = factories.agency("A")
    hr = factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=agency, full_name="Dana HR")
    boss = factories.user("boss@example.kz", agency=factories.agency("B"), full_name="Bolat Boss", locale="en")
    factories.user("one@example.kz", agency=agency, manager_id=boss.id, full_name="Learner One", locale="en")
    factories.user("two@example.kz", agency=agency, manager_id=boss.id, full_name="Learner Two", locale="en")
    course = db.session.scalar(select(Course))
    create_assignment(NewAssignment(course=course, due_at=DUE, target_kind="agency", agency=agency),
                      actor=hr, now=DUE - timedelta(days=60))
    db.session.execute(delete(OutboxMessage))  # the "assigned" e-mails
    db.session.commit()
    return course


def _send(now: datetime) -> dict:
    counts = send_reminders(now=now, default_locale="en")
    db.session.commit()
    return counts


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_a_reminder_is_in_the_inbox_and_keeps_its_e_mail(app, team, test_request):
    _send(DUE - timedelta(days=6))
    assert [n.kind for n in inbox("one@example.kz")] == ["assigned", "due_soon"]
    assert unread("one@example.kz") == 2
    [message] = mail_to("one@example.kz")
    assert message.subject == "Reminder: Test course is due soon"
    assert message.body.startswith(
        "Hello, Learner One.\n\nThe mandatory course “Test course” is due on Mar 31, 2027 (in 6 days).\n\n"
        f"{app.config['BASE_URL']}/courses/{team.key}\n")


def test_a_reminder_switched_off_is_not_delivered_but_still_counts_once(team, test_request):
    set_preferences(_user("one@example.kz"), {"due_soon": Channel.NONE}, now=DUE)
    db.session.commit()
    first = _send(DUE - timedelta(days=6))
    second = _send(DUE - timedelta(days=5))
    assert (first["reminders"], second["reminders"]) == (3, 0)
    assert [n.kind for n in inbox("one@example.kz")] == ["assigned"]
    assert mail_to("one@example.kz") == []


def test_overdue_is_delivered_in_the_app_and_by_e_mail_whatever_the_preference(team, test_request):
    set_preferences(_user("one@example.kz"), {"due_soon": Channel.NONE}, now=DUE)
    db.session.commit()
    _send(DUE + timedelta(days=1))
    assert [n.kind for n in inbox("one@example.kz")] == ["assigned", "overdue"]
    [message] = mail_to("one@example.kz")
    assert message.subject == "Overdue: Test course"
    assert "it was due on Mar 31, 2027" in message.body
    assert "/notifications/settings" not in message.body  # nothing to switch off


def test_each_stage_is_one_notice(team, test_request):
    for days in (29, 28, 6, 0.5, -1, -2):
        _send(DUE - timedelta(days=days))
    assert [n.kind for n in inbox("two@example.kz")] == ["assigned", "due_soon", "due_soon", "due_soon", "overdue"]


def test_the_line_manager_gets_the_overdue_digest_of_their_team(team, test_request):
    _send(DUE + timedelta(days=1))
    _send(DUE + timedelta(days=2))
    [digest] = mail_to("boss@example.kz")
    assert digest.subject == "Overdue mandatory training in your team"
    assert "These people in your team have not completed" in digest.body
    assert "one@example.kz" in digest.body and "two@example.kz" in digest.body
    hr_digests = [m for m in mail_to("hr@example.kz") if m.subject.startswith("Overdue mandatory training")]
    assert len(hr_digests) == 1 and "your agencies" in hr_digests[0].subject


def test_a_manager_who_is_also_the_hr_officer_gets_one_digest_naming_each_learner_once(team, test_request):
    hr = _user("hr@example.kz")
    for email in ("one@example.kz", "two@example.kz"):
        _user(email).manager_id = hr.id
    db.session.commit()
    _send(DUE + timedelta(days=1))
    [digest] = [m for m in mail_to("hr@example.kz") if m.subject.startswith("Overdue mandatory training")]
    assert digest.subject == "Overdue mandatory training in your agencies and your team"
    assert digest.body.count("one@example.kz") == 1
    assert mail_to("boss@example.kz") == []


def test_a_deactivated_manager_gets_no_digest(team, test_request):
    _user("boss@example.kz").is_active = False
    db.session.commit()
    _send(DUE + timedelta(days=1))
    assert mail_to("boss@example.kz") == []
