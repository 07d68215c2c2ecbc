"""A learner's whole journey in each language: course, final quiz (failed, then passed), certificate, verification."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lms.config import DEFAULT_ISSUER_NAMES
from lms.demo import DEMO_AGENCIES
from tests.e2e.conftest import OUT, log_in, switch_language
from tests.e2e.helpers import COURSE, fill_quiz, start_quiz, submit_quiz, t

pytestmark = pytest.mark.e2e

NAMES = {"kk": "Айгерім Серікқызы Жұмабаева", "ru": "Ирина Павловна Соколова", "en": "Daniel Brooks"}
#: The course's 80 minutes, and the learner's ministry (MDAI) and department (MDAI-IT), as the certificate prints them.
STUDY_TIME = {"kk": "1 сағ 20 мин", "ru": "1 ч 20 мин", "en": "1 h 20 min"}
AGENCY_NAMES = {code: dict(zip(("kk", "ru", "en"), names, strict=True)) for code, _parent, *names in DEMO_AGENCIES}


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_learner_completes_the_assigned_course_and_verifies_the_certificate(server, new_context, locale):
    email, password = server.new_learner(f"journey-{locale}@e2e.lms.kz", NAMES[locale])
    OUT.mkdir(parents=True, exist_ok=True)
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, locale)
    assert page.locator("h1").inner_text() == t(locale, "My learning")

    # The assigned course is on "My learning": the assignment enrolled the learner, and "Start" opens the first lesson.
    start = page.locator(f"#assigned-heading ~ ul a.button[href^='/courses/{COURSE}/lessons/']").first
    assert start.inner_text().startswith(t(locale, "Start"))
    start.click()
    page.wait_for_url(f"**/courses/{COURSE}/lessons/**")
    # Four of the five lessons; each "I have finished this lesson" is confirmed on the next lesson's page.
    for _lesson in range(4):
        with page.expect_navigation():
            page.locator(".lesson-complete form[action$='/complete'] button").click()
        assert page.locator(".flashes .flash--success").count() == 1
    page.screenshot(path=str(OUT / f"learner-lesson-done-{locale}.png"))

    start_quiz(page)
    fill_quiz(page, locale, right=False)
    assert not submit_quiz(page)
    assert t(locale, "Not passed") in page.locator("p.result").inner_text()

    start_quiz(page)
    fill_quiz(page, locale, right=True)
    assert submit_quiz(page)
    assert t(locale, "Passed") in page.locator("p.result").inner_text()
    # Passed with a lesson still to do: the result page says so and links to it; finishing it completes the course.
    remaining = page.locator("section.remaining ul.remaining-lessons a")
    assert remaining.count() == 1
    page.screenshot(path=str(OUT / f"learner-quiz-passed-lesson-left-{locale}.png"), full_page=True)
    page.goto(f"/courses/{COURSE}")
    assert page.locator(".quiz-passed").count() == 1
    remaining = page.locator("#my-progress-heading ~ ul.remaining-lessons a")
    remaining.first.click()
    page.wait_for_url(f"**/courses/{COURSE}/lessons/**")
    with page.expect_navigation():
        page.locator(".lesson-complete form[action$='/complete'] button").click()
    page.wait_for_url(f"**/courses/{COURSE}")
    assert page.locator(".flashes .flash--success").count() == 1
    assert "100%" in page.locator(".progress").inner_text()
    page.screenshot(path=str(OUT / f"learner-course-completed-{locale}.png"), full_page=True)

    page.goto("/certificates/")
    pdf_link = page.locator(f"a[href*='.pdf?lang={locale}'], a[href*='.pdf'][lang={locale}]").first
    response = page.context.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages))
    assert NAMES[locale] in text
    # Issuer, ministry, department and study time, all in the certificate's language.
    assert DEFAULT_ISSUER_NAMES[locale] in text
    assert AGENCY_NAMES["MDAI"][locale] in text and AGENCY_NAMES["MDAI-IT"][locale] in text
    assert f"{t(locale, 'Study time')} {STUDY_TIME[locale]}" in text

    verify_href = page.locator("a[href^='/verify/']").first.get_attribute("href")
    serial = verify_href.rsplit("/", 1)[1]
    page.goto("/verify")
    page.fill("#serial", serial)
    page.locator("main form button[type=submit]").click()
    status = page.locator(".verify-result h2.status--valid")
    assert status.inner_text().strip() == t(locale, "Valid certificate")
    assert NAMES[locale] in page.locator(".verify-result").inner_text()
    assert DEFAULT_ISSUER_NAMES[locale] in page.locator(".verify-result").inner_text()
