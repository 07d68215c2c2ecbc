"""Competencies in the browser: an HR officer opens the heat map from the reports (figures printed, not colour
alone; axe-core finds nothing serious), changes the level, and a learner sees their profile after passing a quiz."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import log_in, switch_language
from tests.e2e.helpers import fill_quiz, start_quiz, submit_quiz

pytestmark = pytest.mark.e2e


def test_an_hr_officer_opens_the_competency_heat_map(as_role, checker):
    page = as_role("hr")
    page.goto("/reports/")
    switch_language(page, "en")
    page.locator("main a", has_text="Competency heat map").click()
    page.wait_for_url("**/reports/competencies**")
    assert page.locator("h1").inner_text().startswith("Competency heat map")
    table = page.locator("table.heat-map")
    assert table.locator("caption").inner_text() == "Share of people at level 1 or above, by agency and competency"
    assert table.locator("thead th").count() >= 2 + 14  # agency, people, a column per competency
    # The demo team passed quizzes: some cell prints a share above 0 % and the share at a level, in text.
    figures = table.locator("tbody td.heat strong").all_inner_texts()
    assert any(re.fullmatch(r"[1-9]\d* %", text) for text in figures), figures
    assert table.locator("tbody .heat-levels span").count() > 0
    checker.check(page, "hr-competency-heat-map", "en")
    assert checker.problems == [], "\n".join(checker.problems)

    page.select_option("#level", "2")
    page.locator("main form[method=get] button[type=submit]").click()
    page.wait_for_url("**level=2**")
    assert "level 2 or above" in page.locator("table.heat-map caption").inner_text()

    page.locator("input[name=format][value=csv]").check()
    page.locator("form[action$='/reports/competencies/export'] button[type=submit]").click()
    page.wait_for_url("**/reports/exports/*")
    with page.expect_download() as info:
        page.locator("main a[href$='/download']").first.click()
    assert info.value.suggested_filename.startswith("competencies-")


def test_a_learner_sees_their_competencies_after_passing_a_quiz(server, new_context, checker):
    email, password = server.new_learner("competencies@e2e.lms.kz", "Айгүл Серікқызы Омарова")
    page = new_context().new_page()
    log_in(page, email, password)
    switch_language(page, "en")
    page.goto("/competencies")
    row = page.locator("table.competency-profile tr", has_text="Understanding how AI works")
    assert "Not yet evidenced" in row.inner_text()

    start_quiz(page)
    fill_quiz(page, "en", right=True)
    assert submit_quiz(page)
    page.goto("/my-learning")
    page.locator("main a", has_text="My competencies").click()
    page.wait_for_url("**/competencies")
    row = page.locator("table.competency-profile tr", has_text="Understanding how AI works")
    assert "Level 2: Practitioner" in row.inner_text()
    assert "AI foundations for public servants" in row.inner_text()
    checker.check(page, "learner-competencies", "en")
    switch_language(page, "kk")
    assert page.locator("h1").inner_text() == "Менің құзыреттерім"
    checker.check(page, "learner-competencies", "kk")
    assert checker.problems == [], "\n".join(checker.problems)
