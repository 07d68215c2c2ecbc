"""A learner finishing a programme in the browser: the last course's final quiz completes it, the programme page says
so, and the programme certificate opens as a PDF naming the programme."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import LOCALES, OUT, html_errors, log_in, switch_language
from tests.e2e.helpers import COURSE, complete_all_lessons, fill_quiz, start_quiz, submit_quiz, t

pytestmark = pytest.mark.e2e

PROGRAMME = "ai-basics"
#: The programme's other required courses, done before the browser takes over (ai-foundations, COURSE, is last).
DONE_BEFORE = ("generative-ai-at-work", "labelling-ai-content")
LOCALE = "ru"
TITLE = "Основы ИИ для каждого государственного служащего"


def _complete_before(server, email: str) -> None:
    """Complete DONE_BEFORE for `email` through the real services (lessons, quiz, outcome), as the demo does."""
    from datetime import timedelta

    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.courses.services import get_live_course
    from lms.db import utcnow
    from lms.demo.team import _complete
    from lms.extensions import db

    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        for index, key in enumerate(DONE_BEFORE):
            _complete(user, get_live_course(key), at=utcnow() - timedelta(days=3 - index))
        db.session.commit()


def test_learner_finishes_a_programme_and_opens_its_certificate(server, new_context):
    email, password = server.new_learner("programme-finisher@e2e.lms.kz", "Нұрлан Бекұлы Сапаров")
    _complete_before(server, email)
    OUT.mkdir(parents=True, exist_ok=True)
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, LOCALE)

    # My learning shows the programme in progress (two of three courses) and leads to it.
    page.goto("/my-learning")
    card = page.locator("#programmes-heading ~ ul li", has=page.locator(f"a[href='/programmes/{PROGRAMME}']"))
    assert card.count() == 1
    assert card.locator("progress").get_attribute("value") == "2"
    card.locator(f"a[href='/programmes/{PROGRAMME}']").click()
    page.wait_for_url(f"**/programmes/{PROGRAMME}")
    next_course = page.locator(f"main a.button[href='/courses/{COURSE}']")
    assert next_course.count() == 1
    page.screenshot(path=str(OUT / "programme-in-progress.png"), full_page=True)

    # The last course: its lessons, then its final quiz, passed.
    next_course.click()
    page.wait_for_url(f"**/courses/{COURSE}")
    complete_all_lessons(page)
    start_quiz(page)
    fill_quiz(page, LOCALE, right=True)
    assert submit_quiz(page)
    flashes = page.locator(".flashes .flash--success").all_inner_texts()
    done = t(LOCALE, "You have completed the programme “%(title)s”: its certificate is in My certificates.")
    assert done % {"title": TITLE} in flashes, flashes

    # The programme page says it is complete and offers the programme certificate.
    page.goto(f"/programmes/{PROGRAMME}")
    assert page.locator("#complete-heading").inner_text() == t(LOCALE, "Programme complete")
    page.screenshot(path=str(OUT / "programme-complete.png"), full_page=True)
    pdf_link = page.locator(f"#complete-heading ~ p a[href$='.pdf?lang={LOCALE}']")
    response = page.context.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages))
    assert "Нұрлан Бекұлы Сапаров" in text
    assert t(LOCALE, "has completed the programme") in text
    assert TITLE in text

    # Its public verification page names the programme.
    page.locator("#complete-heading ~ p a[href^='/verify/']").click()
    page.wait_for_url("**/verify/**")
    assert t(LOCALE, "Valid certificate") in page.locator("main").inner_text()
    assert t(LOCALE, "Programme") in page.locator("main dl").inner_text()


def test_programme_pages_are_valid_and_accessible(server, new_context, as_role, checker):
    """The programme pages of a learner (in progress and complete) and the HR officer's programme report, in every
    language: axe-core finds no serious or critical problem, the Nu HTML Checker no error."""
    email, password = server.new_learner("programme-pages@e2e.lms.kz", "Айжан Ерланқызы Төлеуова")
    _complete_before(server, email)
    learner = new_context().new_page()
    log_in(learner, email, password)
    hr = as_role("hr")
    tours = [(learner, {"programmes": "/programmes/", "programme": f"/programmes/{PROGRAMME}",
                        "programme-dashboard": "/my-learning"}),
             (hr, {"programme-report": "/reports/programmes",
                   "programme-report-agency": f"/reports/programmes?programme={PROGRAMME}&agency=MDAI-IT"})]
    for page, pages in tours:
        for locale in LOCALES:
            page.goto("/account")
            switch_language(page, locale)
            for name, path in pages.items():
                assert page.goto(path).status == 200, path
                checker.check(page, name, locale)
    errors = html_errors(checker.saved)
    assert checker.problems == [], "axe-core and page width:\n" + "\n".join(checker.problems)
    assert errors == [], "Nu HTML Checker:\n" + "\n".join(errors)
