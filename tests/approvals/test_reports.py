"""Enrolment requests in the reports: a count per course on the dashboard, the status on the learner's record."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.approvals import services
from lms.approvals.queries import count_by_course
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from tests import factories


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _setup(app, people, course_key: str) -> None:
    """Pending: the learner (C) and someone in U; declined: the orphan (C); withdrawn: the peer (C)."""
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.key == course_key))
        now = utcnow()
        services.request_enrollment(_user(people.learner), course, now=now, days=14)
        outsider = factories.user("outsider@example.kz", agency=_user(people.hr_other).agency)
        services.request_enrollment(outsider, course, now=now, days=14)
        declined, _ = services.request_enrollment(_user(people.orphan), course, now=now, days=14)
        services.decline_request(declined, actor=_user(people.hr), now=now, reason="Wait for next year")
        withdrawn, _ = services.request_enrollment(_user(people.peer), course, now=now, days=14)
        services.withdraw_request(withdrawn, actor=_user(people.peer), now=now)
        db.session.commit()


def test_counts_per_course_are_pending_now_and_declined_within_the_agencies(app, ctx, people, approval_course):
    _setup(app, people, approval_course)
    [everyone] = count_by_course(None, now=utcnow())
    assert (everyone.course.key, everyone.pending, everyone.declined) == (approval_course, 2, 1)
    c_id = _user(people.learner).agency_id
    [within] = count_by_course([c_id], now=utcnow())
    assert (within.pending, within.declined) == (1, 1)
    # With a period, only the declines within it count; the waiting requests are those waiting now.
    [later] = count_by_course([c_id], now=utcnow(), since=utcnow() + timedelta(seconds=1))
    assert (later.pending, later.declined) == (1, 0)


def test_the_dashboard_shows_the_requests_of_the_officers_agencies(app, login_as, people, approval_course):
    _setup(app, people, approval_course)
    page = login_as(people.hr).get("/reports/").get_data(as_text=True)
    section = page[page.index('id="requests-heading"'):]
    section = section[:section.index("</section>")]
    cells = re.findall(r'<td class="num">(\d+)</td>', section)
    assert "Test course" in section and cells == ["1", "1"]  # the outsider in U is not in this officer's scope


def test_the_learner_record_shows_each_request_and_its_status(app, login_as, people, approval_course):
    _setup(app, people, approval_course)
    client = login_as(people.hr)
    with app.app_context():
        learner_id, orphan_id = _user(people.learner).id, _user(people.orphan).id
    learner = client.get(f"/reports/learners/{learner_id}").get_data(as_text=True)
    assert "Enrolment requests" in learner and "Awaiting approval" in learner
    assert "approver: Marat Manager" in learner
    orphan = client.get(f"/reports/learners/{orphan_id}").get_data(as_text=True)
    assert "Declined" in orphan and "Wait for next year" in orphan and "Hanna HR" in orphan
