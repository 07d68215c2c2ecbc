"""Course evaluation in the browser: a learner completes a course, is offered the questionnaire on the result page and
answers it; with enough answers in the ministry, its HR officer opens the satisfaction report from the dashboard, and
the administrator reads the comment, without a name and escaped. The pages are checked with axe-core and the Nu HTML
Checker in kk, ru and en."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LOCALES, log_in, switch_language
from tests.e2e.helpers import COURSE, complete_all_lessons, fill_quiz, start_quiz, submit_quiz
from tests.e2e.test_pages import _assert_clean

pytestmark = pytest.mark.e2e

COMMENT = "<b>Больше примеров</b> из акиматов"
LEARNER_NAME = "Сәуле Ерланқызы Мұратова"


def _more_respondents(server, count: int) -> None:
    """`count` more learners of MDAI-IT who completed the course and answered (4 on every question)."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.courses.models import Course
    from lms.db import utcnow
    from lms.evaluations import services
    from lms.evaluations.questions import questionnaire_of
    from lms.extensions import db
    from lms.learning import standing
    from lms.learning.models import CourseCompletion, EnrollmentSource
    from lms.learning.services import enroll

    emails = [server.new_learner(f"evaluation-{n}@e2e.lms.kz", f"Респондент {n}")[0] for n in range(count)]
    with server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.key == COURSE))
        for email in emails:
            person = db.session.scalar(select(User).where(User.email == email))
            now = utcnow()
            enroll(person, course, now=now, source=EnrollmentSource.ASSIGNMENT)
            db.session.add(CourseCompletion(user_id=person.id, course_id=course.id, completed_at=now,
                                            course_version=course.version, language="ru"))
            standing.set_completed(person.id, course.id, at=now, language="ru")
            services.submit_evaluation(person, course, dict.fromkeys(questionnaire_of(course).keys, 4), None,
                                       now=now)
        db.session.commit()


def test_a_learner_answers_the_questionnaire_and_the_hr_officer_sees_satisfaction(server, new_context, as_role,
                                                                                 checker):
    page = new_context().new_page()
    log_in(page, *server.new_learner("evaluation.learner@e2e.lms.kz", LEARNER_NAME))
    complete_all_lessons(page)
    start_quiz(page)
    locale = page.locator("html").get_attribute("lang")
    fill_quiz(page, locale, right=True)
    assert submit_quiz(page)
    # The course is complete: the result page offers the questionnaire.
    offer = page.locator("section.evaluation-offer")
    assert offer.count() == 1
    offer.locator("a.button").click()
    page.wait_for_url(f"**/courses/{COURSE}/evaluation")
    for code in LOCALES:
        switch_language(page, code)
        checker.check(page, "evaluation-questionnaire", code)
    scales = page.locator("fieldset.scale")
    assert scales.count() == 4
    for index in range(scales.count()):
        scales.nth(index).locator("input[type=radio]").nth(3).check()  # 4 of 5
    page.fill("#comment", COMMENT)
    with page.expect_navigation():
        page.locator("main form[action$='/evaluation'] button[type=submit]").click()
    page.wait_for_url(f"**/courses/{COURSE}")
    assert page.locator(".flashes .flash--success").count() == 1
    assert page.locator("section.evaluation-offer").count() == 0  # not offered again

    _more_respondents(server, 4)  # five in the ministry: enough for figures
    hr = as_role("hr")
    hr.goto("/reports/")
    hr.locator("main a[href^='/reports/satisfaction']").first.click()
    hr.wait_for_url("**/reports/satisfaction**")
    row = hr.locator("#sat-courses-heading ~ div table tbody tr", has=hr.locator(f"a[href*='course={COURSE}']"))
    assert row.count() == 1
    cells = row.locator("td.num")
    assert cells.nth(0).inner_text() == "5"
    assert cells.nth(1).inner_text() in ("4,0", "4.0")
    for code in LOCALES:
        switch_language(hr, code)
        checker.check(hr, "evaluation-satisfaction", code)

    admin = as_role("admin")
    admin.goto(f"/courses/{COURSE}/evaluation/comments")
    comment = admin.locator("blockquote.evaluation-comment", has_text="из акиматов")
    assert comment.count() == 1 and comment.inner_text() == COMMENT  # shown as text, not markup
    assert LEARNER_NAME not in admin.locator("main").inner_text()
    checker.check(admin, "evaluation-comments", admin.locator("html").get_attribute("lang"))
    _assert_clean(checker)
