"""A line manager in the browser: My team from the menu, the filters, a report's record, and a CSV export of the
filtered team downloaded from "My exports" (the demo manager of `lms demo-data`, lms.demo.team)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.e2e.conftest import switch_language

pytestmark = pytest.mark.e2e

#: The demo manager's people who are overdue (both with data protection, assigned by name ten days ago).
OVERDUE = {"Мария Викторовна Ли", "Әсел Нұрланқызы Касенова"}
#: The demo manager's direct reports (lms.demo.team).
DIRECT = {"Әлия Нұрғалиқызы Қасымова", "Данияр Асқарұлы Жұмабаев", "Мария Викторовна Ли"}


def _listed(page) -> list[str]:
    return page.locator("main h2[id^='member-'] a").all_inner_texts()


def test_a_manager_filters_the_team_opens_a_record_and_exports_it(as_role):
    page = as_role("manager")
    page.goto("/my-learning")
    switch_language(page, "en")
    page.locator("nav.site-nav a", has_text="My team").click()
    page.wait_for_url("**/team/")
    assert page.locator("h1").inner_text() == "My team"
    direct = _listed(page)
    # The demo's three direct reports (other browser tests may add people reporting to the demo manager), and not a
    # report's report.
    assert set(direct) >= DIRECT and "Әсел Нұрланқызы Касенова" not in direct

    page.select_option("#f-scope", "all")
    page.select_option("#f-status", "overdue")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**status=overdue**")
    assert set(_listed(page)) == OVERDUE
    assert page.locator("#f-scope").input_value() == "all"  # the form keeps what was asked
    assert page.locator("main .badge--overdue").count() >= 2

    page.locator("main h2 a", has_text="Әсел Нұрланқызы Касенова").click()
    page.wait_for_url("**/team/people/*")
    assert page.locator("h1").inner_text() == "Әсел Нұрланқызы Касенова"
    quiz = page.locator("main table").nth(1)
    assert "Passed" in quiz.inner_text() and "Not passed" in quiz.inner_text()
    assert "Linked sign-in accounts" not in page.content()  # nothing of the account
    page.go_back()
    page.wait_for_url("**status=overdue**")

    page.locator("input[name=format][value=csv]").check()
    page.locator("form[action$='/team/export'] button[type=submit]").click()
    page.wait_for_url("**/reports/exports/*")
    with page.expect_download() as info:
        page.locator("main a[href$='/download']").first.click()
    assert info.value.suggested_filename.startswith("team-") and info.value.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert {row["Learner"] for row in rows} == OVERDUE  # the filters held
    assert {row["Overdue"] for row in rows} >= {"yes"}
    page.goto("/reports/exports")
    assert page.locator("main a[href='/team/']").count() == 1  # back to My team, not to reports
