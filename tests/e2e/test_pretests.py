"""Learning gain in the browser: a learner takes the pre-test before the first lesson (saving half of it and coming
back to it), then the lessons and the final quiz; the HR officer sees the gain on the learner report and the
learning-gain page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.e2e.conftest import OUT, html_errors, log_in, switch_language
from tests.e2e.helpers import COURSE, complete_all_lessons, fill_quiz, start_quiz, submit_quiz, t

pytestmark = pytest.mark.e2e


def test_pretest_before_the_first_lesson_then_the_final_quiz_and_the_gain_on_the_report(server, new_context,
                                                                                        as_role, checker):
    locale = "ru"
    email, password = server.new_learner("gain@e2e.lms.kz", "Гульнара Ерланқызы Сейтова")
    OUT.mkdir(parents=True, exist_ok=True)
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, locale)

    # The ministry's assignment enrolled them: the course page leads to the pre-test, and so does the first lesson.
    page.goto(f"/courses/{COURSE}")
    offer = page.locator(f"section.pretest-offer a[href$='/courses/{COURSE}/pretest']")
    assert offer.inner_text().strip() == t(locale, "Take or skip the pre-test")
    checker.check(page, "pretest-course-page", locale)
    page.locator(f"main a[href^='/courses/{COURSE}/lessons/']").first.click()
    page.wait_for_selector("article.lesson")
    page.locator(f"section.pretest-offer a[href$='/courses/{COURSE}/pretest']").click()
    page.wait_for_url(f"**/courses/{COURSE}/pretest")
    checker.check(page, "pretest-offer", locale)
    page.locator(f"form[action$='/courses/{COURSE}/pretest/start'] button").click()
    page.wait_for_selector("form.quiz")
    assert page.locator("fieldset.question").count() == 5
    checker.check(page, "pretest-take", locale)

    # Half done: every answer wrong, saved for later; coming back shows the same questions with the answers ticked.
    fill_quiz(page, locale, right=False)
    legends = page.locator("fieldset.question legend").all_inner_texts()
    checked = page.locator("form.quiz input:checked").count()
    page.locator("form.quiz button[value=save]").click()
    page.wait_for_selector(".flashes .flash--success")
    page.goto(f"/courses/{COURSE}")
    assert page.locator("section.pretest-offer").inner_text().count(t(locale, "Continue the pre-test")) == 1
    page.goto(f"/courses/{COURSE}/pretest")
    assert page.locator("fieldset.question legend").all_inner_texts() == legends
    assert page.locator("form.quiz input:checked").count() == checked
    page.screenshot(path=str(OUT / "pretest-resumed.png"), full_page=True)
    page.locator("form.quiz button[value=submit]").click()
    page.wait_for_selector("p.result")
    pre = int(re.search(r"(\d+)\s*%", page.locator("p.result").inner_text()).group(1))
    checker.check(page, "pretest-score", locale)
    assert pre < 70

    # The lessons, then the final quiz with every answer right: the pre-test used none of its attempts.
    assert complete_all_lessons(page) > 0
    start_quiz(page)
    fill_quiz(page, locale, right=True)
    assert submit_quiz(page)

    with server.app.app_context():
        learner_id = db.session.scalar(select(User.id).where(User.email == email))
    hr = as_role("hr")
    hr.goto(f"/reports/learners/{learner_id}")
    switch_language(hr, locale)
    heading = hr.locator("h2", has_text=t(locale, "Learning gain"))
    assert heading.count() == 1
    caption = t(locale, "The learner's pre-tests and final quiz scores")
    row = hr.locator(f"table:has(caption:text-is(\"{caption}\")) tbody tr")
    assert row.count() == 1
    cells = row.first.locator("td").all_inner_texts()
    assert cells[0].startswith(str(pre))
    assert cells[1].startswith("100")
    assert cells[2].replace("\xa0", " ") == f"+{100 - pre} {t(locale, 'pp')}"
    hr.screenshot(path=str(OUT / "pretest-gain-learner-report.png"), full_page=True)
    checker.check(hr, "pretest-gain-learner-report", locale)

    hr.goto("/reports/gain")
    assert hr.locator("h1").inner_text().startswith(t(locale, "Learning gain"))
    course_row = hr.locator("#gain-courses-heading ~ div table tbody tr").first
    assert int(course_row.locator("td").nth(2).inner_text().replace("\xa0", "").replace(" ", "")) >= 1
    assert t(locale, "pp") in course_row.inner_text()
    hr.screenshot(path=str(OUT / "pretest-gain-report.png"), full_page=True)
    checker.check(hr, "pretest-gain-report", locale)
    assert checker.problems == []
    assert html_errors(checker.saved) == []
