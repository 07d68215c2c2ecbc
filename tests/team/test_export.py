"""Team exports through the export jobs: requested on My team, written by the worker (the queue runs at once in
tests), downloaded from "My exports" by the manager only while everyone in the file is still in their team."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select

from lms.accounts import managers
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.exports import jobs
from lms.exports.models import ExportJob
from lms.extensions import db
from lms.team.filters import parse_team_filters
from tests.conftest import csrf_token
from tests.reports import builders as b

TOKEN_PATH = re.compile(r"/reports/exports/([0-9a-f]{32})$")


def _zone(app) -> ZoneInfo:
    return ZoneInfo(app.config["TIMEZONE"])


def request_team_export(client, fmt: str = "csv", **filters):
    data = {"csrf_token": csrf_token(client, "/team/"), "format": fmt, **filters}
    return client.post("/team/export", data=data)


def exported(client, fmt: str = "csv", **filters) -> str:
    response = request_team_export(client, fmt, **filters)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = TOKEN_PATH.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def download(client, token: str):
    with client.get(f"/reports/exports/{token}/download") as response:
        response.get_data()
        return response


def test_a_manager_exports_the_team_as_csv_one_row_per_person_and_course(app, team):
    client = b.signed_in(app, "boss@example.kz")
    token = exported(client, scope="all")
    assert "The file is ready: 5 rows." in client.get(f"/reports/exports/{token}").get_data(as_text=True)
    response = download(client, token)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "team-" in response.headers["Content-Disposition"]
    rows = b.csv_rows(response.data)
    assert sorted((row["Email"], row["Course ID"]) for row in rows) == [
        ("deep@example.kz", "beta"), ("done@example.kz", "alpha"), ("late@example.kz", "beta"),
        ("lead@example.kz", "alpha"), ("lead@example.kz", "gamma")]
    by_key = {(row["Email"], row["Course ID"]): row for row in rows}
    late = by_key["late@example.kz", "beta"]
    assert (late["Overdue"], late["Status"], late["Line manager"]) == ("yes", "Not started", "Bolat Boss")
    assert late["Due date"] == (team - timedelta(days=5)).astimezone(_zone(app)).date().isoformat()
    lead = by_key["lead@example.kz", "alpha"]
    assert (lead["Lessons done"], lead["Lessons in course"], lead["Progress, %"]) == ("1", "3", "33")
    done = by_key["done@example.kz", "alpha"]
    assert (done["Status"], done["Certificate status"], done["Progress, %"]) == ("Completed", "expiring soon", "100")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z*~$=]{1,4})+", done["Certificate"])  # the check symbol may be *~$=
    assert by_key["deep@example.kz", "beta"]["Line manager"] == "Laura Lead"


def test_the_export_carries_the_filters_of_the_page(app, team):
    client = b.signed_in(app, "boss@example.kz")
    token = exported(client, status="overdue", scope="all")
    rows = b.csv_rows(download(client, token).data)
    assert sorted(row["Email"] for row in rows) == ["deep@example.kz", "late@example.kz"]
    token = exported(client, course="alpha")
    rows = b.csv_rows(download(client, token).data)
    assert sorted((row["Email"], row["Course ID"]) for row in rows) == [("done@example.kz", "alpha"),
                                                                        ("lead@example.kz", "alpha")]


def test_the_export_page_offers_the_filters_in_hidden_fields(app, team):
    html = b.signed_in(app, "boss@example.kz").get("/team/?scope=all&status=overdue&q=Da").get_data(as_text=True)
    form = html.split('action="/team/export"', 1)[1].split("</form>", 1)[0]
    for name, value in (("scope", "all"), ("status", "overdue"), ("q", "Da")):
        assert f'name="{name}" type="hidden" value="{value}"' in form


def test_xlsx_has_one_sheet_of_typed_cells_in_the_managers_language(app, team):
    with app.app_context():
        b.person("boss@example.kz").locale = "ru"
        db.session.commit()
    client = b.signed_in(app, "boss@example.kz")
    token = exported(client, "xlsx")
    response = download(client, token)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Моя команда"]
    sheet = book.active
    heading = [cell.value for cell in sheet[1]]
    assert heading[0] == "Слушатель" and len(heading) == 18
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4  # lead: alpha, gamma; late: beta; done: alpha
    late = next(row for row in rows if row[1] == "late@example.kz")
    assert late[8].date() == (team - timedelta(days=5)).astimezone(_zone(app)).date()  # a date cell
    assert isinstance(late[11], int) and isinstance(late[13], int)


def test_csv_neutralises_text_that_starts_like_a_formula(app, team):
    with app.app_context():
        b.person("late@example.kz").full_name = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    client = b.signed_in(app, "boss@example.kz")
    rows = b.csv_rows(download(client, exported(client)).data)
    assert "'=HYPERLINK(\"http://evil\")" in [row["Learner"] for row in rows]


def test_request_and_download_are_audited(app, team):
    client = b.signed_in(app, "boss@example.kz")
    token = exported(client, scope="all")
    download(client, token)
    with app.app_context():
        entries = {e.action: e for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(("export.requested", "export.downloaded"))))}
        assert entries["export.requested"].summary["kind"] == "team"
        assert entries["export.requested"].summary["filters"]["scope"] == "all"
        assert entries["export.requested"].actor_id == b.person("boss@example.kz").id
        assert "export.downloaded" in entries


def test_nobody_else_may_download_a_managers_export(app, team):
    token = exported(b.signed_in(app, "boss@example.kz"))
    assert download(b.signed_in(app, "lead@example.kz"), token).status_code == 404
    assert download(b.signed_in(app, "hr-root@example.kz"), token).status_code == 404
    assert b.signed_in(app, "outsider@example.kz").get(f"/reports/exports/{token}").status_code == 403


def test_a_file_about_someone_who_left_the_team_is_not_handed_out(app, team):
    client = b.signed_in(app, "boss@example.kz")
    token = exported(client, scope="all")
    with app.app_context():
        managers.set_manager(b.person("deep@example.kz"), b.person("outsider@example.kz"), actor=None, now=utcnow())
        db.session.commit()
    response = download(client, token)
    assert response.status_code == 410
    assert "Your team has changed" in response.get_data(as_text=True)
    assert download(client, exported(client, scope="all")).status_code == 200  # a new export is fine


def test_the_team_is_checked_again_when_the_job_runs(app, team, tmp_path):
    with app.app_context():
        boss = b.person("boss@example.kz")
        job = jobs.request_team_export(boss, parse_team_filters({}, manager_id=boss.id), "csv", locale="en",
                                       timezone="UTC", now=utcnow())
        db.session.commit()
        job_id = job.id
        for email in ("lead@example.kz", "late@example.kz", "done@example.kz"):  # the team is reorganised
            managers.set_manager(b.person(email), b.person("outsider@example.kz"), actor=None, now=utcnow())
        db.session.commit()
    with app.app_context():
        assert jobs.run_export(job_id, export_dir=tmp_path / "exports", hours=24, now=utcnow) == "failed"
        db.session.commit()
        job = db.session.get(ExportJob, job_id)
        assert (job.status, job.error, job.file_name) == ("failed", "PermissionError", None)


def test_the_job_keeps_who_is_in_the_file(app, team):
    client = b.signed_in(app, "boss@example.kz")
    token = exported(client)
    with app.app_context():
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        assert sorted(job.filters["people"]) == sorted(b.person(e).id for e in (
            "lead@example.kz", "late@example.kz", "done@example.kz"))
        assert (job.filters["kind"], job.filters["chain"]) == ("team", "0")


def test_only_managers_may_request_a_team_export(app, team):
    for email in ("hr-root@example.kz", "deep@example.kz", "admin@example.kz"):
        client = b.signed_in(app, email)
        data = {"csrf_token": csrf_token(client, "/account"), "format": "csv"}
        assert client.post("/team/export", data=data).status_code == 403


def test_a_team_export_without_csrf_or_with_a_bad_format_is_refused(app, team):
    client = b.signed_in(app, "boss@example.kz")
    assert client.post("/team/export", data={"format": "csv"}).status_code == 400
    assert request_team_export(client, "pdf").status_code == 400
    assert request_team_export(client, "csv", status="lost").status_code == 400


def test_my_exports_leads_a_manager_back_to_the_team(app, team):
    client = b.signed_in(app, "boss@example.kz")
    html = client.get("/reports/exports").get_data(as_text=True)
    assert "Request one from My team." in html and 'href="/team/"' in html
    assert 'href="/reports/"' not in html.split("<main", 1)[1]
    exported(client)
    assert "/reports/exports/" in client.get("/reports/exports").get_data(as_text=True)
