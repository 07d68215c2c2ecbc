"""HR report pages in a browser: days in the locale's medium format (never ISO text), and an export being prepared
reloads its page by itself (a meta refresh, no script), with a way to stop it; screenshots in kk, ru and en."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.certificates.services import issue_certificate
from lms.courses.models import Course
from lms.db import utcnow
from lms.exports import jobs
from lms.extensions import db
from lms.learning import services
from lms.reports.filters import parse_filters
from tests.e2e.conftest import LOCALES, OUT, html_errors, switch_language
from tests.e2e.helpers import COURSE

pytestmark = pytest.mark.e2e

#: A day as each language writes it in the medium format (CLDR; the spaces may be narrow no-break ones).
MEDIUM_DAY = {
    "kk": re.compile(r"^\d{4}\s?ж\. \d{2} \w+\.$"),
    "ru": re.compile(r"^\d{1,2} \w+\.? \d{4}\s?г\.$"),
    "en": re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}$"),
}
#: 7 January 2026 in each language (the learner of _certified_learner completed late on 6 January UTC).
COMPLETED = {"kk": "2026\u202fж. 07 қаң.", "ru": "7 янв. 2026\u202fг.", "en": "Jan 7, 2026"}
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _pending_export(server) -> str:
    """An XLSX export the HR demo officer asked for that no worker has picked up yet; its token."""
    with server.app.app_context():
        hr = db.session.scalar(select(User).where(User.email == "hr@demo.lms.kz"))
        job = jobs.request_export(hr, parse_filters({}, actor=hr), "xlsx", locale="ru", now=utcnow())
        db.session.commit()
        return job.token


def _certified_learner(server) -> None:
    """A learner of MDAI-IT who enrolled on 5 January 2026 at 21:00 UTC (6 January in Almaty) and completed
    ai-foundations with its quiz on 6 January at 20:30 UTC (7 January in Almaty), through the services."""
    email, _password = server.new_learner("dated@e2e.lms.kz", "Дата Күнқызы")
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        course = db.session.scalar(select(Course).where(Course.key == COURSE))
        enrolled, finished = datetime(2026, 1, 5, 21, 0, tzinfo=UTC), datetime(2026, 1, 6, 20, 30, tzinfo=UTC)
        services.enroll(user, course, now=enrolled)
        for lesson in course.lessons:
            services.complete_lesson(user, lesson, now=finished, language="kk")
        completion = services.complete_course_if_done(user, course, now=finished, language="kk", quiz_passed=True)
        issue_certificate(completion, user=user, course=course, now=finished)
        db.session.commit()


def test_report_pages_write_days_in_the_locale_medium_format(server, as_role, checker):
    _certified_learner(server)
    page = as_role("hr")
    page.goto("/reports/learners?status=certified")
    for locale in LOCALES:
        switch_language(page, locale)
        checker.check(page, "hr-learners-certified", locale)
        days = [cell.strip() for cell in page.locator("main table tbody td:nth-child(6)").all_inner_texts()]
        assert days and all(MEDIUM_DAY[locale].match(day) for day in days), (locale, days[:5])
        assert not ISO_DAY.search(page.locator("main").inner_text()), locale
        row = page.locator("main table tbody tr", has_text="Дата Күнқызы")
        assert row.locator("td:nth-child(6)").inner_text().strip() == COMPLETED[locale]
    page.goto("/reports/")
    for locale in LOCALES:
        switch_language(page, locale)
        weeks = page.locator("#national-heading ~ details table tbody td:first-child").all_text_contents()
        assert weeks and all(MEDIUM_DAY[locale].match(week.strip()) for week in weeks), (locale, weeks[:3])
        labels = page.locator("#national-heading ~ figure .chart-x-label").all_text_contents()
        assert labels and all(MEDIUM_DAY[locale].match(label.strip()) for label in labels), (locale, labels)
    assert checker.problems == [], "\n".join(checker.problems)


def test_an_export_being_prepared_reloads_its_page_until_stopped(server, as_role, checker):
    token = _pending_export(server)
    page = as_role("hr")
    page.goto("/reports/exports")
    saved = []
    for locale in LOCALES:
        switch_language(page, locale)
        for name, path in (("export-pending", f"/reports/exports/{token}"), ("exports-pending", "/reports/exports")):
            page.goto(path)
            assert page.locator("head meta[http-equiv=refresh]").get_attribute("content") == "5", path
            # Saved at once (the page reloads after 5 s): the screenshot people see and the HTML for the checker.
            stem = OUT / f"hr-{name}-{locale}"
            stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
            page.screenshot(path=str(stem.with_suffix(".png")))
            saved.append(stem.with_suffix(".html"))
            page.locator("main a[href$='refresh=off']").click()
            page.wait_for_url("**refresh=off")
            assert page.locator("meta[http-equiv=refresh]").count() == 0
            checker.check(page, f"hr-{name}-stopped", locale)  # axe-core on the page held still
    assert checker.problems == [], "\n".join(checker.problems)
    assert html_errors(saved + checker.saved) == []
