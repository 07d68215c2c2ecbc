"""HR officer and administrator journeys: report export, employees import, certificate revocation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import log_in, switch_language
from tests.e2e.helpers import complete_all_lessons, fill_quiz, start_quiz, submit_quiz, t

pytestmark = pytest.mark.e2e


def test_hr_officer_exports_a_sub_agency_to_xlsx_and_finds_the_learner(server, new_context, as_role):
    email, password = server.new_learner("reported@e2e.lms.kz", "Бақыт Асқарұлы Тоқтаров")
    learner = new_context().new_page()
    log_in(learner, email, password)
    # The ministry's assignment of ai-foundations enrolled them when the account was made (an assignment is the
    # enrolment): the course page offers the first lesson, not an enrol button.
    learner.goto("/courses/ai-foundations")
    assert learner.locator("form[action$='/enroll']").count() == 0
    learner.locator("a.button[href*='/courses/ai-foundations/lessons/']").click()
    learner.wait_for_load_state("load")

    page = as_role("hr")
    page.goto("/reports/")
    switch_language(page, "ru")
    page.select_option("#f-agency", "MDAI-IT")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**agency=MDAI-IT**")
    assert t("ru", "Information Technology Department") in page.locator("h1").inner_text() or \
        "Департамент информационных технологий" in page.locator("h1").inner_text()

    page.locator("input[name=format][value=xlsx]").check()
    page.locator("form[action$='/reports/exports'] button[type=submit]").click()
    page.wait_for_url("**/reports/exports/*")
    with page.expect_download() as info:
        page.locator("a[href$='/download']").first.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = [[str(c) if c is not None else "" for c in row] for ws in workbook.worksheets
            for row in ws.iter_rows(values_only=True)]
    workbook.close()
    mine = [row for row in rows if email in row or "Бақыт Асқарұлы Тоқтаров" in row]
    assert mine, rows[:5]
    assert any("ai-foundations" in cell or "ИИ" in cell or "AI" in cell for cell in mine[0])
    # The filter held: nobody from another agency (the HR officer belongs to MDAI itself).
    assert not [row for row in rows if "hr@demo.lms.kz" in row]


def test_admin_imports_employees_and_revokes_a_certificate(server, new_context, as_role):
    # A learner earns a certificate first.
    email, password = server.new_learner("revoked@e2e.lms.kz", "Сергей Викторович Ли")
    learner = new_context().new_page()
    log_in(learner, email, password)
    switch_language(learner, "en")
    complete_all_lessons(learner)
    start_quiz(learner)
    fill_quiz(learner, "en", right=True)
    assert submit_quiz(learner)

    page = as_role("admin")
    page.goto("/admin/import")
    switch_language(page, "en")
    csv = ("email,full_name,agency_code,position,language,roles,active\n"
           "imported.one@e2e.lms.kz,Жанар Болатқызы Әбенова,MDAI-IT,Эксперт,kk,learner,yes\n"
           "imported.two@e2e.lms.kz,Олег Иванович Ким,AGCS-ACAD,Преподаватель,ru,,yes\n")
    page.set_input_files("#file", files=[{"name": "employees.csv", "mimeType": "text/csv",
                                          "buffer": csv.encode("utf-8")}])
    page.locator("main form[enctype] button[type=submit]").click()
    preview = page.locator("section[aria-labelledby=preview-heading]")
    assert "2 to create, 0 to update, 0 unchanged." in preview.inner_text()
    preview.locator("summary").first.click()
    assert "imported.one@e2e.lms.kz" in preview.inner_text()
    preview.locator("form[action$='/import/confirm'] button").click()
    page.wait_for_url("**/admin/users/**")
    assert "Import applied: 2 created" in page.locator(".flashes").inner_text()
    page.goto("/admin/users/?q=imported")
    assert "Олег Иванович Ким" in page.locator("main").inner_text()

    page.goto("/admin/certificates/?q=" + "Сергей")
    row = page.locator("tbody tr", has_text="Сергей Викторович Ли")
    serial = row.locator("a[href^='/verify/']").inner_text().strip()
    row.locator("input[name=reason]").fill("Issued in error")
    row.locator("button[value=revoke]").click()
    page.wait_for_load_state("load")

    public = new_context().new_page()
    public.goto("/verify")
    switch_language(public, "kk")
    public.fill("#serial", serial)
    public.locator("main form button[type=submit]").click()
    assert public.locator(".verify-result h2.status--revoked").inner_text().strip() == t("kk", "Revoked certificate")
    assert "Issued in error" in public.locator(".verify-result").inner_text()
