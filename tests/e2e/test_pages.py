"""Every main page in kk, ru and en: axe-core finds no serious or critical problem, the Nu HTML Checker no error.

Each page is also saved as a screenshot (and its HTML) under tests/e2e/screenshots/, which git ignores.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LOCALES, Checker, html_errors, switch_language
from tests.e2e.helpers import COURSE, complete_all_lessons, fill_quiz, start_quiz, submit_quiz

pytestmark = pytest.mark.e2e


def _tour(page, checker: Checker, role: str, pages: dict[str, str]) -> None:
    for locale in LOCALES:
        page.goto(next(iter(pages.values())))
        switch_language(page, locale)
        for name, path in pages.items():
            response = page.goto(path)
            # A serial nobody holds is "not found" on purpose (404); every other page answers 200.
            assert response.status == (404 if name.endswith("not-found") else 200), f"{path}: {response.status}"
            checker.check(page, f"{role}-{name}", locale)


def _assert_clean(checker: Checker) -> None:
    errors = html_errors(checker.saved)
    assert checker.problems == [], "axe-core:\n" + "\n".join(checker.problems)
    assert errors == [], "Nu HTML Checker:\n" + "\n".join(errors)


def test_public_pages(new_context, checker):
    page = new_context().new_page()
    _tour(page, checker, "public", {"login": "/login", "verify": "/verify",
                                    "verify-not-found": "/verify?serial=AAAA-BBBB"})
    # A form with errors: the messages are tied to their fields.
    for locale in LOCALES:
        page.goto("/login")
        switch_language(page, locale)
        page.fill("#email", "not-an-email")
        page.locator("main form button[type=submit], main form input[type=submit]").first.click()
        page.wait_for_selector(".error-summary, .field--error")
        checker.check(page, "public-login-errors", locale)
    _assert_clean(checker)


def test_learner_pages(server, as_role, checker):
    page = as_role("learner")
    complete_all_lessons(page)
    start_quiz(page)
    attempt = page.url
    lesson = f"/courses/{COURSE}/lessons/what-is-ai"
    _tour(page, checker, "learner", {
        "dashboard": "/my-learning", "catalogue": "/courses/", "course": f"/courses/{COURSE}", "lesson": lesson,
        "quiz": f"/courses/{COURSE}/quiz", "quiz-attempt": attempt, "account": "/account",
    })
    page.goto(attempt)
    fill_quiz(page, page.locator("html").get_attribute("lang"), right=True)
    assert submit_quiz(page)
    result = page.url
    page.goto("/certificates/")
    serial = page.locator("a[href^='/verify/']").first.get_attribute("href")
    _tour(page, checker, "learner", {"certificates": "/certificates/", "quiz-result": result,
                                     "dashboard-done": "/my-learning", "verify-valid": serial})
    _assert_clean(checker)


def test_hr_pages(as_role, checker):
    page = as_role("hr")
    _tour(page, checker, "hr", {
        "reports": "/reports/", "reports-agency": "/reports/?agency=MDAI-IT", "learners": "/reports/learners",
        "overdue": "/reports/overdue", "assignments": "/assignments/", "new-assignment": "/assignments/new",
        "agencies": "/agencies/", "agency": "/agencies/MDAI", "exports": "/reports/exports",
    })
    _assert_clean(checker)


def test_admin_pages(as_role, checker):
    page = as_role("admin")
    _tour(page, checker, "admin", {
        "people": "/admin/users/", "import": "/admin/import", "audit": "/admin/audit/",
        "certificates": "/admin/certificates/", "content": "/admin/content/", "outbox": "/admin/outbox/",
        "new-person": "/admin/users/new",
    })
    _assert_clean(checker)
