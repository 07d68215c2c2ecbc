"""The programme report: per agency rolled up the tree, HR-scoped, exported as CSV and XLSX through ExportJob."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.assignments.models import TargetKind
from lms.assignments.programmes import NewProgrammeAssignment, assign_programme
from lms.assignments.services import NewAssignment
from lms.courses.models import Course, Programme
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.conftest import csrf_token, post_form

LESSONS = ("intro", "data-basics", "wrap-up")


def _finish(client, key):
    post_form(client, f"/courses/{key}/enroll", {}, token_from=f"/courses/{key}")
    for lesson in LESSONS:
        post_form(client, f"/courses/{key}/lessons/{lesson}/complete", {}, token_from=f"/courses/{key}")


@pytest.fixture
def ministry(app, login_as, programme_root):
    """Ministry M with departments D1, D2; other ministry O. Programme `basics` assigned to M and below, due in 10
    days: one learner in D1 complete, one in D2 started, one in D2 untouched."""
    with app.app_context():
        m = factories.agency("M")
        d1, d2 = factories.agency("D1", parent=m), factories.agency("D2", parent=m)
        o = factories.agency("O")
        factories.user("hr-m@example.kz", roles={Role.LEARNER, Role.HR}, agency=m)
        factories.user("hr-o@example.kz", roles={Role.LEARNER, Role.HR}, agency=o)
        factories.user("done@example.kz", agency=d1)
        factories.user("half@example.kz", agency=d2)
        factories.user("none@example.kz", agency=d2)
        factories.user("other@example.kz", agency=o)
        hr = db.session.scalar(select(User).where(User.email == "hr-m@example.kz"))
        programme = db.session.scalar(select(Programme))
        course = db.session.scalar(select(Course).where(Course.key == "plain"))
        assign_programme(NewProgrammeAssignment(programme, NewAssignment(
            course=course, due_at=utcnow() + timedelta(days=10), target_kind=TargetKind.AGENCY, agency=m,
            include_subagencies=True)), actor=hr, now=utcnow())
        db.session.commit()
    done = login_as("done@example.kz")
    _finish(done, "plain")
    _finish(done, "other")
    post_form(done, "/logout", {}, token_from="/certificates/")
    half = login_as("half@example.kz")
    post_form(half, "/courses/plain/enroll", {}, token_from="/courses/plain")
    post_form(half, "/courses/plain/lessons/intro/complete", {}, token_from="/courses/plain")
    post_form(half, "/logout", {}, token_from="/certificates/")


def _cells(page: str, agency_name: str) -> list[str]:
    found = re.search(rf">{re.escape(agency_name)}</a></th>(.*?)</tr>", page, re.S)
    assert found, page[page.find("<main"):page.find("</main>")]
    row = found.group(1)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_hr_sees_their_departments_rolled_up(app, login_as, ministry):
    page = login_as("hr-m@example.kz").get("/reports/programmes?programme=basics").get_data(as_text=True)
    # people, assigned, in progress, completed, overdue
    assert _cells(page, "Agency D1") == ["1", "1", "0", "1", "0"]
    assert _cells(page, "Agency D2") == ["2", "2", "1", "0", "0"]


def test_hr_of_another_ministry_cannot_open_this_one(app, login_as, ministry):
    assert login_as("hr-o@example.kz").get("/reports/programmes?programme=basics&agency=M").status_code == 404


def test_an_unknown_programme_is_404(app, login_as, ministry):
    assert login_as("hr-m@example.kz").get("/reports/programmes?programme=nope").status_code == 404


def test_a_learner_may_not_see_the_report(app, login_as, ministry):
    assert login_as("none@example.kz").get("/reports/programmes").status_code == 403


def _export(client, fmt):
    data = {"csrf_token": csrf_token(client, "/reports/programmes"), "format": fmt, "programme": "basics",
            "agency": "M", "include_sub": "1"}
    response = client.post("/reports/exports", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    token = re.search(r"/reports/exports/([0-9a-f]{32})$", response.headers["Location"]).group(1)
    with client.get(f"/reports/exports/{token}/download") as download:
        return download.get_data()


def test_the_programme_report_exports_as_csv(app, login_as, ministry):
    data = _export(login_as("hr-m@example.kz"), "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_code = {row["Agency code"]: row for row in rows}
    assert by_code["D2"]["In progress"] == "1" and by_code["M"]["Assigned"] == "4"
    assert by_code["D1"]["Completed"] == "1"


def test_the_programme_report_exports_as_xlsx(app, login_as, ministry):
    data = _export(login_as("hr-m@example.kz"), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Programme ID" and any(row[2] == "D1" and row[7] == 1 for row in values[1:])
