"""Enrolment approval in the browser: a learner requests enrolment in a course that needs approval, their line
manager approves it on the Requests page (found from the menu), and the learner is then enrolled and can study.
The pages of each step are checked with axe-core and the Nu HTML Checker in kk, ru and en."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LOCALES, log_in, switch_language
from tests.e2e.helpers import t
from tests.e2e.test_pages import _assert_clean

pytestmark = pytest.mark.e2e

COURSE = "ai-procurement"  # its course.yml says enrollment_approval: true
MANAGER = ("manager@demo.lms.kz", "manager-demo-2026")


def _reporting_to_the_demo_manager(server, email: str, name: str) -> tuple[str, str]:
    from sqlalchemy import select

    from lms.accounts.managers import set_manager
    from lms.accounts.models import User
    from lms.db import utcnow
    from lms.extensions import db

    login = server.new_learner(email, name)
    with server.app.app_context():
        person = db.session.scalar(select(User).where(User.email == email))
        manager = db.session.scalar(select(User).where(User.email == MANAGER[0]))
        set_manager(person, manager, actor=None, now=utcnow())
        db.session.commit()
    return login


def test_a_learner_requests_enrolment_the_manager_approves_and_the_learner_is_enrolled(server, new_context,
                                                                                      checker):
    learner = new_context().new_page()
    log_in(learner, *_reporting_to_the_demo_manager(server, "approval.learner@e2e.lms.kz",
                                                    "Гүлнар Асқарқызы Төлегенова"))
    learner.goto(f"/courses/{COURSE}")
    locale = learner.locator("html").get_attribute("lang")
    checker.check(learner, "approval-learner-course", locale)
    button = learner.locator(f"form[action$='/courses/{COURSE}/enroll'] button")
    assert button.inner_text().strip() == t(locale, "Request enrolment")
    with learner.expect_navigation():
        button.click()
    status = learner.locator(".request-status")
    assert "Ерлан Болатұлы Сейітов" in status.inner_text()  # "Waiting for approval by <the manager>"
    for code in LOCALES:
        switch_language(learner, code)
        checker.check(learner, "approval-learner-waiting", code)
    # Not enrolled yet: the lessons offer no "I have finished this lesson".
    learner.locator(f"main a[href^='/courses/{COURSE}/lessons/']").first.click()
    learner.wait_for_selector("article.lesson")
    assert learner.locator(".lesson-complete form[action$='/complete']").count() == 0

    manager = new_context().new_page()
    log_in(manager, *MANAGER)
    manager.locator(".site-nav a[href='/approvals/']").click()
    manager.wait_for_url("**/approvals/")
    card = manager.locator("li.card", has_text="Гүлнар Асқарқызы Төлегенова")
    assert card.count() == 1
    for code in LOCALES:
        switch_language(manager, code)
        checker.check(manager, "approval-manager-requests", code)
    with manager.expect_navigation():
        card.locator("form[action$='/approve'] button").click()
    assert manager.locator(".flash--success").count() == 1
    assert manager.locator("li.card", has_text="Гүлнар Асқарқызы Төлегенова").count() == 0
    checker.check(manager, "approval-manager-decided", manager.locator("html").get_attribute("lang"))

    learner.goto(f"/courses/{COURSE}")
    assert learner.locator(".request-status").count() == 0
    learner.locator(f"main a.button[href^='/courses/{COURSE}/lessons/']").click()  # "Start"
    learner.wait_for_selector("article.lesson")
    with learner.expect_navigation():
        learner.locator(".lesson-complete form[action$='/complete'] button").click()
    assert learner.locator(".flash--success").count() == 1
    _assert_clean(checker)


def test_the_manager_declines_with_a_reason_the_learner_reads(server, new_context):
    learner = new_context().new_page()
    log_in(learner, *_reporting_to_the_demo_manager(server, "approval.declined@e2e.lms.kz",
                                                    "Бауыржан Ержанұлы Серіков"))
    learner.goto(f"/courses/{COURSE}")
    with learner.expect_navigation():
        learner.locator(f"form[action$='/courses/{COURSE}/enroll'] button").click()

    manager = new_context().new_page()
    log_in(manager, *MANAGER)
    manager.goto("/approvals/")
    card = manager.locator("li.card", has_text="Бауыржан Ержанұлы Серіков")
    card.locator("details.decline summary").click()  # opens without JavaScript's help: a disclosure element
    card.locator("textarea").fill("Келесі тоқсанда <b>қайта</b> өтініш беріңіз")
    with manager.expect_navigation():
        card.locator("form[action$='/decline'] button").click()

    learner.goto(f"/courses/{COURSE}")
    assert learner.locator(".decline-reason").inner_text() == "Келесі тоқсанда <b>қайта</b> өтініш беріңіз"
    assert learner.locator(".decline-reason b").count() == 0  # shown as text, never as markup
    assert learner.locator(f"form[action$='/courses/{COURSE}/enroll'] button").count() == 1  # may ask again
