"""Fixtures for the calendar tests: courses with titles in kk, ru and en, assigned to a learner; a second parser."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import vobject
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.assignments.services import NewAssignment, create_assignment
from lms.courses.models import Course
from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync

TITLES = {
    "first": {"en": "Data for decisions", "ru": "Данные для решений", "kk": "Шешімге арналған деректер"},
    "second": {"en": "AI risks, in practice", "ru": "Риски ИИ на практике", "kk": "ЖИ тәуекелдері; іс жүзінде"},
}
#: Made on this day; due at the end of the day (Asia/Almaty) DUE[key].
MADE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DUE = {"first": datetime(2027, 3, 1, 18, 59, 59, tzinfo=UTC), "second": datetime(2027, 1, 20, 18, 59, 59, tzinfo=UTC)}
FEED_URL = re.compile(r"http://[^\s<\"]+/calendar/[A-Za-z0-9_-]{32}\.ics")


@pytest.fixture
def courses(app, courses_root):  # noqa: F811 - the imported fixture
    """Two synced courses (keys "first", "second") with titles in kk, ru and en."""
    for key, title in TITLES.items():
        write_course(courses_root / key, course_id=key, title=title, languages=("en", "ru", "kk"), quiz=False)
    with app.app_context():
        sync(courses_root)
    return tuple(TITLES)


@pytest.fixture
def people(app, courses):
    """Agency A with learner@ (Нұрлан, the one with the feed), peer@ and hr@; "first" assigned to the agency,
    "second" to learner@ alone. Returns their ids by name."""
    with app.app_context():
        agency = factories.agency("A", name_en="Ministry of Secrets")
        learner = factories.user("learner@example.kz", agency=agency, full_name="Нұрлан Серікұлы Әбілов")
        peer = factories.user("peer@example.kz", agency=agency)
        hr = factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=agency)
        assign("first", actor=hr, due=DUE["first"], agency=agency)
        assign("second", actor=hr, due=DUE["second"], users=(learner,))
        return {"learner": learner.id, "peer": peer.id, "hr": hr.id}


def assign(key: str, *, actor: User, due: datetime, agency=None, users=(), months=None, now=MADE):
    course = db.session.scalar(select(Course).where(Course.key == key))
    assignment = create_assignment(NewAssignment(
        course=course, due_at=due, target_kind="users" if users else "agency", agency=agency,
        users=tuple(users), recurrence_months=months), actor=actor, now=now)
    db.session.commit()
    return assignment


def make_feed(client) -> str:
    """Make the signed-in person's feed on the account page; return its address as the page shows it once."""
    response = post_form(client, "/account/calendar-feed", {}, token_from="/account")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    [url] = set(FEED_URL.findall(response.get_data(as_text=True)))
    return url


def feed_path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(("/", ""))


def parse(body: bytes):
    """The calendar read by vobject (an iCalendar parser of its own, not built on icalendar)."""
    return vobject.readOne(body.decode("utf-8"))


def events(calendar) -> list:
    return list(getattr(calendar, "vevent_list", []))
