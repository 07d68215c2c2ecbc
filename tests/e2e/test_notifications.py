"""A learner's notifications in the browser: an assignment tells them, the header counts it (also for screen
readers), the inbox lists it, "Mark as read" and opening an item lower the count, and a preference is changed
while the mandatory one stays fixed. Without JavaScript: every action is a form."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LOCALES, log_in, switch_language
from tests.e2e.helpers import t

pytestmark = pytest.mark.e2e

OTHER_COURSE = "ai-risk-classes"


def _count(page) -> str:
    """The header's unread count as shown ("" when there is none)."""
    badge = page.locator(".inbox-link .inbox-count [aria-hidden=true]")
    return badge.inner_text() if badge.count() else ""


def test_an_assignment_reaches_the_inbox_and_is_read_there(server, new_context):
    # Made in the ministry's sub-agency, the learner is enrolled in (and told of) the demo assignment at once.
    email, password = server.new_learner("notified@e2e.lms.kz", "Әсел Нұрланқызы Бекова")
    server.lms("assignments", "create", "--course", OTHER_COURSE, "--due", "2030-06-30", "--user", email,
               "--by", "hr@demo.lms.kz")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, email, password)
    switch_language(page, "en")

    assert _count(page) == "2"
    # What a screen reader announces: the link's accessible name (the visible "2" is hidden from it).
    assert page.get_by_role("link", name="Notifications (2 unread)", exact=True).count() == 1
    page.locator(".inbox-link").click()
    page.wait_for_url("**/notifications/")
    titles = page.locator(".inbox-item-title button")
    assert titles.count() == 2
    assert titles.first.inner_text() == "New mandatory course: Classifying AI systems by risk"
    assert page.locator(".inbox-item--unread").count() == 2
    assert "Please complete it by Jun 30, 2030." in page.locator(".inbox-item").first.inner_text()

    # "Mark as read" on the older one: back to the inbox, one fewer unread.
    page.locator(".inbox-item").nth(1).locator("form[action$='/read'] button").click()
    page.wait_for_url("**/notifications/")
    assert _count(page) == "1"
    assert page.locator(".inbox-item--unread").count() == 1

    # Opening the newest leads to its course and marks it read.
    titles.first.click()
    page.wait_for_url(f"**/courses/{OTHER_COURSE}")
    assert _count(page) == ""
    page.goto("/notifications/")
    assert page.locator(".inbox-item--unread").count() == 0
    assert page.locator("form[action$='/read-all']").count() == 0

    # Preferences: reminders in the app only; overdue training stays fixed and says why.
    page.locator("a[href='/notifications/settings']").click()
    page.wait_for_url("**/notifications/settings")
    overdue = page.locator("fieldset[aria-describedby=overdue-locked]")
    assert overdue.locator("input[disabled]").count() == 4
    assert overdue.locator("input[value=both]").is_checked()
    assert "cannot be switched off" in overdue.inner_text()
    page.locator("#due_soon-1").check()
    page.locator("form.preferences button[type=submit], form.preferences input[type=submit]").click()
    page.wait_for_url("**/notifications/settings")
    assert "Your notification settings have been saved." in page.locator(".flashes").inner_text()
    assert page.locator("#due_soon-1").is_checked()
    assert page.locator("#assigned-0").is_checked()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_unread_count_reads_in_every_language(server, new_context, locale):
    email, password = server.new_learner(f"counted-{locale}@e2e.lms.kz", "Данияр Серікұлы Омаров")
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, locale)
    assert _count(page) == "1"  # the ministry's assignment
    one_unread = t(locale, "(%(num)d unread)")  # the plural entry: its first form is the one for 1 in kk and ru
    one_unread = one_unread[0] if isinstance(one_unread, tuple) else one_unread
    name = f"{t(locale, 'Notifications')} {one_unread % {'num': 1}}"
    assert page.get_by_role("link", name=name, exact=True).count() == 1
