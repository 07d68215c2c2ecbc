"""Issue 21 end to end, in kk, ru and en: a learner requests enrolment in a course that needs approval; their line
manager sees the unread count and the "Enrolment request" notification, opens it, approves on the Requests page;
the learner sees the "approved" notification and starts the course; the manager sees the decision on My team; the
learner downloads the .ics of an assigned course, which vobject (the second parser of tests/calendar) reads. An HR
officer decides on a manager's behalf too. Every page on the way is checked with axe-core and the Nu HTML Checker."""

from __future__ import annotations

import pytest
import vobject
import yaml

from tests.e2e.conftest import LOCALES, ROOT, log_in, switch_language
from tests.e2e.helpers import COURSE as ASSIGNED
from tests.e2e.helpers import _catalog, t
from tests.e2e.test_approvals import COURSE
from tests.e2e.test_pages import _assert_clean

pytestmark = pytest.mark.e2e

TITLES = yaml.safe_load((ROOT / "courses" / COURSE / "course.yml").read_text(encoding="utf-8"))["title"]
ASSIGNED_TITLES = yaml.safe_load((ROOT / "courses" / ASSIGNED / "course.yml").read_text(encoding="utf-8"))["title"]
HR = ("hr@demo.lms.kz", "hr-demo-2026")
HR_NAME = "Ғабит Өмірұлы Ұлықбек"


def tp(locale: str, context: str, msgid: str) -> str:
    """A UI string with a message context (pgettext) as the catalog translates it."""
    message = _catalog(locale).get(msgid, context=context)
    return message.string if locale != "en" and message and message.string else msgid


def _count(page) -> str:
    """The header's unread count as shown ("" when there is none)."""
    badge = page.locator(".inbox-link .inbox-count [aria-hidden=true]")
    return badge.inner_text() if badge.count() else ""


def _team(server, locale: str, tag: str) -> tuple[tuple[str, str], tuple[str, str], str, str]:
    """A new line manager and a learner reporting to them (both in a sub-agency of MDAI, so the ministry's demo
    assignment covers them): their logins and names."""
    from sqlalchemy import select

    from lms.accounts.managers import set_manager
    from lms.accounts.models import User
    from lms.db import utcnow
    from lms.extensions import db

    manager_name, learner_name = f"Мақсат Ерланұлы Бекұлы {tag}", f"Айгүл Серікқызы Омарова {tag}"
    manager = server.new_learner(f"flow-manager-{tag}-{locale}@e2e.lms.kz", manager_name)
    learner = server.new_learner(f"flow-learner-{tag}-{locale}@e2e.lms.kz", learner_name)
    with server.app.app_context():
        person = db.session.scalar(select(User).where(User.email == learner[0]))
        boss = db.session.scalar(select(User).where(User.email == manager[0]))
        set_manager(person, boss, actor=None, now=utcnow())
        db.session.commit()
    return manager, learner, manager_name, learner_name


def _signed_in(new_context, login: tuple[str, str], locale: str):
    page = new_context().new_page()
    log_in(page, *login)
    switch_language(page, locale)
    return page


def _request_enrolment(page) -> None:
    page.goto(f"/courses/{COURSE}")
    with page.expect_navigation():
        page.locator(f"form[action$='/courses/{COURSE}/enroll'] button").click()
    assert page.locator(".request-status").count() == 1


def _open_notification(page, title: str, url: str) -> None:
    page.goto("/notifications/")
    item = page.locator(".inbox-item", has=page.locator(".inbox-item-title button", has_text=title))
    assert item.count() == 1, f"no notification {title!r}: {page.locator('main').inner_text()}"
    assert item.locator(".badge--unread").count() == 1
    item.locator(".inbox-item-title button").click()
    page.wait_for_url(url)


@pytest.mark.parametrize("locale", LOCALES)
def test_request_approve_notify_start_and_add_to_calendar(server, new_context, checker, locale):
    manager_login, learner_login, manager_name, learner_name = _team(server, locale, "flow")
    learner = _signed_in(new_context, learner_login, locale)
    _request_enrolment(learner)
    checker.check(learner, "flow-learner-waiting", locale)

    # The manager: one unread for the ministry's assignment, one for the request.
    manager = _signed_in(new_context, manager_login, locale)
    assert _count(manager) == "2"
    title = t(locale, "Enrolment request from %(name)s") % {"name": learner_name}
    manager.goto("/notifications/")
    checker.check(manager, "flow-manager-inbox", locale)
    _open_notification(manager, title, "**/approvals/")
    assert _count(manager) == "1"
    card = manager.locator("li.card", has_text=learner_name)
    assert card.count() == 1 and TITLES[locale] in card.inner_text()
    checker.check(manager, "flow-manager-requests", locale)
    with manager.expect_navigation():
        card.locator("form[action$='/approve'] button").click()
    assert manager.locator(".flash--success").count() == 1

    # The learner is told, opens the notice on the course page and starts the course.
    learner.goto("/my-learning")
    assert _count(learner) == "2"  # the ministry's assignment and the decision
    decided = t(locale, "Enrolment approved: %(title)s") % {"title": TITLES[locale]}
    _open_notification(learner, decided, f"**/courses/{COURSE}")
    assert learner.locator(".request-status").count() == 0
    learner.locator(f"main a.button[href^='/courses/{COURSE}/lessons/']").click()  # "Start"
    learner.wait_for_selector("article.lesson")
    with learner.expect_navigation():
        learner.locator(".lesson-complete form[action$='/complete'] button").click()
    assert learner.locator(".flash--success").count() == 1

    # The manager sees the decision on My team: the person's record lists the request, approved by them.
    manager.goto("/team/")
    assert manager.locator("a.requests-waiting").inner_text() == (
        t(locale, "Enrolment requests waiting for you: %(num)s") % {"num": "0"})
    checker.check(manager, "flow-manager-team", locale)
    manager.locator("main h2 a", has_text=learner_name).click()
    manager.wait_for_url("**/team/people/*")
    row = manager.locator("table.requests-table tbody tr", has_text=TITLES[locale])
    assert row.count() == 1
    text = row.inner_text()
    assert tp(locale, "enrolment request", "Approved") in text and manager_name in text
    checker.check(manager, "flow-manager-person", locale)

    # The learner's assigned course goes into their calendar; vobject reads the file.
    learner.goto("/my-learning")
    link = learner.locator(f"a.add-to-calendar[href='/calendar/courses/{ASSIGNED}.ics']")
    assert link.count() == 1
    with learner.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == f"{ASSIGNED}.ics"
    with open(info.value.path(), "rb") as fh:
        calendar = vobject.readOne(fh.read().decode("utf-8"))
    [event] = calendar.vevent_list
    assert event.summary.value == ASSIGNED_TITLES[locale]
    assert event.dtstart.params["VALUE"] == ["DATE"]
    _assert_clean(checker)


def test_an_hr_officer_approves_on_the_managers_behalf(server, new_context, checker):
    locale = "ru"
    _manager, learner_login, manager_name, learner_name = _team(server, locale, "hr")
    learner = _signed_in(new_context, learner_login, locale)
    _request_enrolment(learner)

    hr = _signed_in(new_context, HR, locale)
    hr.locator(".site-nav a[href='/approvals/']").click()
    hr.wait_for_url("**/approvals/")
    card = hr.locator("li.card", has_text=learner_name)
    assert card.count() == 1 and manager_name in card.inner_text()  # the line manager the request names
    assert t(locale, "You would decide on the line manager's behalf; this is recorded.") in card.inner_text()
    checker.check(hr, "flow-hr-requests", locale)
    with hr.expect_navigation():
        card.locator("form[action$='/approve'] button").click()
    assert hr.locator(".flash--success").count() == 1

    decided = t(locale, "Enrolment approved: %(title)s") % {"title": TITLES[locale]}
    learner.goto("/notifications/")
    item = learner.locator(".inbox-item", has=learner.locator(".inbox-item-title button", has_text=decided))
    assert item.count() == 1 and HR_NAME in item.inner_text()  # named as the one who approved
    checker.check(learner, "flow-learner-approved", locale)
    _open_notification(learner, decided, f"**/courses/{COURSE}")
    assert learner.locator(f"main a.button[href^='/courses/{COURSE}/lessons/']").count() == 1  # "Start"
    _assert_clean(checker)
