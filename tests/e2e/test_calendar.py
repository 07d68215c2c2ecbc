"""Calendar feeds in the browser: a learner makes a feed address on the account page (shown once, in kk, ru and
en, checked by axe-core and the Nu HTML Checker), a calendar app fetches it without signing in, and "Add to calendar"
on My learning downloads the same entry; vobject, a parser independent of the icalendar library, reads both."""

from __future__ import annotations

import re

import pytest
import vobject

from tests.e2e.conftest import LOCALES, Checker, html_errors, log_in, switch_language
from tests.e2e.helpers import COURSE, t

pytestmark = pytest.mark.e2e

#: The demo course's title (courses/ai-foundations/course.yml), which the learner's events must carry.
TITLES = {"en": "AI foundations for public servants", "ru": "Основы ИИ для государственных служащих",
          "kk": "Мемлекеттік қызметшілерге арналған ЖИ негіздері"}
NAME = "Әлия Нұрланқызы Жақсыбекова"
FEED_URL = re.compile(r"http://127\.0\.0\.1:\d+/calendar/[A-Za-z0-9_-]{32}\.ics")


def _events(body: bytes) -> list:
    return list(getattr(vobject.readOne(body.decode("utf-8")), "vevent_list", []))


def test_a_learner_subscribes_to_their_due_dates_and_adds_one_to_their_calendar(server, new_context):
    email, password = server.new_learner("calendar@e2e.lms.kz", NAME)
    page = new_context().new_page()
    log_in(page, email, password)
    checker = Checker()
    urls = []
    for locale in LOCALES:
        page.goto("/account")
        switch_language(page, locale)
        # The first time the feed is made; after that each language makes a new address (the old one dies).
        action = "/account/calendar-feed" if not urls else "/account/calendar-feed/rotate"
        with page.expect_navigation():
            page.locator(f"form[action$='{action}'] button").click()
        assert page.locator("h1").inner_text() == t(locale, "Your calendar feed address")
        url = page.locator("#feed-url").inner_text().strip()
        assert FEED_URL.fullmatch(url), url
        assert page.locator("a[href^='webcal://']").get_attribute("href") == "webcal://" + url.split("://", 1)[1]
        checker.check(page, "calendar-created", locale)
        urls.append(url)
        page.goto("/account")
        assert url not in page.content()  # shown once: the account page cannot show it again
        assert page.locator("form[action$='/account/calendar-feed/rotate'] button").count() == 1
        checker.check(page, "calendar-account", locale)

    # A calendar app: no cookies, no sign-in. Only the latest address works.
    app = new_context()
    for old in urls[:-1]:
        assert app.request.get(old).status == 404
    response = app.request.get(urls[-1])
    assert response.status == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-cache"
    feed = response.body()
    [entry] = [e for e in _events(feed) if e.summary.value == TITLES["en"]]  # the last language chosen was en
    text = feed.decode("utf-8").replace("\r\n ", "")
    assert NAME not in text and email not in text and "MDAI" not in text

    # "Add to calendar" on My learning: the same entry as a file.
    page.goto("/my-learning")
    link = page.locator(f"#assigned-heading ~ ul a.add-to-calendar[href='/calendar/courses/{COURSE}.ics']")
    assert link.count() == 1
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"{COURSE}.ics"
    with open(download.path(), "rb") as fh:
        [event] = _events(fh.read())
    assert event.uid.value == entry.uid.value
    assert event.dtstart.value == entry.dtstart.value and event.summary.value == TITLES["en"]
    assert event.dtstart.params["VALUE"] == ["DATE"] and event.valarm.action.value == "DISPLAY"
    # The course page offers the same file.
    page.goto(f"/courses/{COURSE}")
    assert page.locator(f"a.add-to-calendar[href='/calendar/courses/{COURSE}.ics']").count() == 1

    # In Russian now: the feed follows the learner's language setting at the next fetch.
    switch_language(page, "ru")
    [entry_ru] = [e for e in _events(app.request.get(urls[-1]).body()) if e.uid.value == entry.uid.value]
    assert entry_ru.summary.value == TITLES["ru"]

    # Switched off: the address answers 404.
    page.goto("/account")
    with page.expect_navigation():
        page.locator("form[action$='/account/calendar-feed/revoke'] button").click()
    assert page.locator("form[action$='/account/calendar-feed'] button").count() == 1
    assert app.request.get(urls[-1]).status == 404

    errors = html_errors(checker.saved)
    assert checker.problems == [], "axe-core and page width:\n" + "\n".join(checker.problems)
    assert errors == [], "Nu HTML Checker:\n" + "\n".join(errors)
