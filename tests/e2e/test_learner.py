"""A learner's whole journey in each language: course, final quiz (failed, then passed), certificate, verification."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lms.config import DEFAULT_ISSUER_NAMES
from lms.demo import DEMO_AGENCIES
from tests.e2e.conftest import log_in, switch_language
from tests.e2e.helpers import COURSE, complete_all_lessons, fill_quiz, start_quiz, submit_quiz, t

pytestmark = pytest.mark.e2e

NAMES = {"kk": "Айгерім Серікқызы Жұмабаева", "ru": "Ирина Павловна Соколова", "en": "Daniel Brooks"}
#: The course's 80 minutes, and the learner's ministry (MDAI) and department (MDAI-IT), as the certificate prints them.
STUDY_TIME = {"kk": "1 сағ 20 мин", "ru": "1 ч 20 мин", "en": "1 h 20 min"}
AGENCY_NAMES = {code: dict(zip(("kk", "ru", "en"), names, strict=True)) for code, _parent, *names in DEMO_AGENCIES}


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_learner_completes_the_assigned_course_and_verifies_the_certificate(server, new_context, locale):
    email, password = server.new_learner(f"journey-{locale}@e2e.lms.kz", NAMES[locale])
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, locale)
    assert page.locator("h1").inner_text() == t(locale, "My learning")

    # The assigned course is on "My learning"; open it from there.
    page.locator(f"#assigned-heading ~ ul a[href='/courses/{COURSE}']").first.click()
    page.wait_for_url(f"**/courses/{COURSE}")
    assert complete_all_lessons(page) == 5

    start_quiz(page)
    fill_quiz(page, locale, right=False)
    assert not submit_quiz(page)
    assert t(locale, "Not passed") in page.locator("p.result").inner_text()

    start_quiz(page)
    fill_quiz(page, locale, right=True)
    assert submit_quiz(page)
    assert t(locale, "Passed") in page.locator("p.result").inner_text()

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
