"""Fixtures for the approval tests: a synced course that needs approval, people in a small agency tree, and the
Notices published while a test runs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lms import events
from lms.accounts.models import Role
from tests import factories
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import course_key, sync  # noqa: F401 - course_key: a fixture for the tests

COURSE = "needs-approval"


@pytest.fixture
def approval_course(app, courses_root):  # noqa: F811 - the imported fixture
    """A synced course whose manifest says `enrollment_approval: true` (three lessons, no quiz)."""
    write_course(courses_root / COURSE, course_id=COURSE, quiz=False, enrollment_approval=True)
    with app.app_context():
        sync(courses_root)
    return COURSE


@dataclass(frozen=True)
class People:
    """Emails of the people of the tests, by role."""

    learner: str = "learner@example.kz"  # in C, reports to manager
    manager: str = "manager@example.kz"  # in C
    orphan: str = "orphan@example.kz"  # in C, no line manager
    peer: str = "peer@example.kz"  # in C, no line manager; decides nothing
    hr: str = "hr@example.kz"  # HR officer of P (C is below it)
    hr_child: str = "hr-child@example.kz"  # HR officer of C
    hr_other: str = "hr-other@example.kz"  # HR officer of the unrelated agency U
    admin: str = "admin@example.kz"


@pytest.fixture
def people(app) -> People:
    """Agency P with child C and an unrelated U; a learner in C reporting to a manager, a learner without one, and
    HR officers of P, C and U, and an admin."""
    names = People()
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        u = factories.agency("U")
        manager = factories.user(names.manager, agency=c, full_name="Marat Manager")
        factories.user(names.learner, agency=c, manager=manager, full_name="Lena Learner")
        factories.user(names.orphan, agency=c, full_name="Oleg Orphan")
        factories.user(names.peer, agency=c, full_name="Petr Peer")
        factories.user(names.hr, roles={Role.LEARNER, Role.HR}, agency=p, full_name="Hanna HR")
        factories.user(names.hr_child, roles={Role.LEARNER, Role.HR}, agency=c, full_name="Khan Child-HR")
        factories.user(names.hr_other, roles={Role.LEARNER, Role.HR}, agency=u, full_name="Umar Other-HR")
        factories.user(names.admin, roles={Role.ADMIN}, full_name="Ada Admin")
    return names


@pytest.fixture
def notices():
    """The Notices published during the test, in order (a handler subscribed for the test only)."""
    seen: list[events.Notice] = []

    def record(notice: events.Notice) -> None:
        seen.append(notice)

    events.subscribe(events.NOTICE)(record)
    yield seen
    events._SUBSCRIBERS[events.NOTICE].remove(record)
