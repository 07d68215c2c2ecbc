"""Competency pages: a learner's own profile, the heat map (scoped like the reports, figures in text as well as
colour), the profile on the learner report, and the heat map's export."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl

from lms.accounts.models import Role
from lms.extensions import db
from tests import factories
from tests.competencies.conftest import take_quiz
from tests.conftest import csrf_token
from tests.reports import builders as b

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOKEN_PATH = re.compile(r"/reports/exports/([0-9a-f]{32})$")


def _world(app):
    """Agency P with child C (two learners in C, one has passed the quiz) and agency U (one learner, none passed);
    an HR officer of P."""
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        u = factories.agency("U")
        passed = factories.user("passed@example.kz", agency=c, full_name="Passed Learner")
        factories.user("waiting@example.kz", agency=c)
        factories.user("other@example.kz", agency=u)
        factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=p)
        take_quiz(passed, at=T0)
        db.session.commit()
        return passed.id


def test_my_competencies_shows_the_level_evidenced_and_the_course(app, tagged_course):
    _world(app)
    page = b.signed_in(app, "passed@example.kz").get("/competencies").get_data(as_text=True)
    assert "My competencies" in page
    assert "Level 2: Practitioner" in page and "Level 1: Aware" in page
    assert "You have evidenced 2 competencies of 2." in page


def test_a_learner_with_no_passed_quiz_sees_nothing_evidenced(app, tagged_course):
    _world(app)
    page = b.signed_in(app, "waiting@example.kz").get("/competencies").get_data(as_text=True)
    assert page.count("Not yet evidenced") == 2


def test_my_learning_links_to_my_competencies(app, tagged_course):
    _world(app)
    page = b.signed_in(app, "waiting@example.kz").get("/my-learning").get_data(as_text=True)
    assert 'href="/competencies"' in page


def test_the_heat_map_prints_the_share_per_agency_and_level(app, tagged_course):
    _world(app)
    page = b.signed_in(app, "hr@example.kz").get("/reports/competencies").get_data(as_text=True)
    # HR of P: rows for C (rolled up) and P's own staff; C has 2 people, 1 at level 2 in risk and level 1 in
    # ai-concepts.
    assert "Competency heat map" in page
    assert '<td class="heat heat-2"><strong>50 %</strong>' in page
    assert "L2: 50 %" in page and "L1: 50 %" in page
    assert "U</" not in page  # another agency's people are not counted or shown


def test_the_heat_map_at_level_two_counts_only_level_two(app, tagged_course):
    _world(app)
    page = b.signed_in(app, "hr@example.kz").get("/reports/competencies?agency=C&level=2").get_data(as_text=True)
    assert '<td class="heat heat-2"><strong>50 %</strong>' in page  # risk: level 2
    assert '<td class="heat heat-0"><strong>0 %</strong>' in page  # ai-concepts: level 1 only


def test_the_learner_report_shows_the_competency_profile(app, tagged_course):
    passed_id = _world(app)
    page = b.signed_in(app, "hr@example.kz").get(f"/reports/learners/{passed_id}").get_data(as_text=True)
    assert "Competencies" in page and "Level 2: Practitioner" in page


def _export(client, fmt: str, **fields) -> str:
    data = {"csrf_token": csrf_token(client, "/reports/competencies"), "format": fmt, **fields}
    response = client.post("/reports/competencies/export", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return TOKEN_PATH.search(response.headers["Location"]).group(1)


def _download(client, token: str) -> bytes:
    with client.get(f"/reports/exports/{token}/download") as response:
        assert response.status_code == 200
        return response.get_data()


def test_the_heat_map_exports_as_csv(app, tagged_course):
    _world(app)
    client = b.signed_in(app, "hr@example.kz")
    rows = b.csv_rows(_download(client, _export(client, "csv")))
    risk = next(r for r in rows if r["Agency code"] == "C" and r["Competency id"] == "risk")
    assert (risk["People"], risk["Level 2: people"], risk["Level 2: share (%)"], risk["No level evidenced"]) == \
        ("2", "1", "50.0", "1")
    assert {r["Agency code"] for r in rows} == {"C", "P"}


def test_the_heat_map_exports_as_xlsx(app, tagged_course):
    _world(app)
    client = b.signed_in(app, "hr@example.kz")
    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, _export(client, "xlsx")))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["Agency code", "Agency", "Competency area", "Competency id", "Competency"]
    assert any(row[0] == "C" and row[3] == "risk" and row[5] == 2 for row in values[1:])


def test_an_hr_officer_cannot_export_another_agencys_heat_map(app, tagged_course):
    _world(app)
    client = b.signed_in(app, "hr@example.kz")
    data = {"csrf_token": csrf_token(client, "/reports/competencies"), "format": "csv", "agency": "U"}
    assert client.post("/reports/competencies/export", data=data).status_code == 404
