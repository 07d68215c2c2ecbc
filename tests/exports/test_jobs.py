"""Export jobs through the pages: requested with CSRF, run by the queue (immediately in tests), downloaded only by
whoever asked, audited, expiring; and checked again against the requester's rights when they run."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.exports import jobs
from lms.exports.files import export_dir
from lms.exports.models import ExportJob
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.notifications.models import Notification
from lms.reports.filters import parse_filters
from tests.conftest import csrf_token
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL

TOKEN_PATH = re.compile(r"/reports/exports/([0-9a-f]{32})$")


def request_export(client, fmt: str = "csv", **filters):
    data = {"csrf_token": csrf_token(client, "/reports/"), "format": fmt, **filters}
    return client.post("/reports/exports", data=data)


def exported(client, fmt: str = "csv", **filters) -> str:
    """Request an export and return its token (the queue runs it before the POST returns)."""
    response = request_export(client, fmt, **filters)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = TOKEN_PATH.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def download(client, token: str):
    """GET the download (the response is closed: send_file holds the file open until then)."""
    with client.get(f"/reports/exports/{token}/download") as response:
        response.get_data()
        return response


def test_hr_exports_csv_and_downloads_it(world, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client)
    page = client.get(f"/reports/exports/{token}")
    assert page.status_code == 200
    assert "The file is ready: 6 rows." in page.get_data(as_text=True)
    response = download(client, token)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    rows = b.csv_rows(response.data)
    assert sorted(row["Email"] for row in rows) == ["l-cert@example.kz", "m-cert@example.kz", "m-cert@example.kz",
                                                     "m-revoked@example.kz", "r-half@example.kz",
                                                     "r-new@example.kz"]


def test_export_page_lists_the_job_among_my_exports(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client)
    assert f"/reports/exports/{token}" in client.get("/reports/exports").get_data(as_text=True)
    other = b.signed_in(app, "hr-other@example.kz")
    assert token not in other.get("/reports/exports").get_data(as_text=True)


def test_admin_exports_xlsx_of_the_whole_country(world, app):
    client = b.signed_in(app, "admin@example.kz")
    token = exported(client, "xlsx")
    response = download(client, token)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(book.worksheets) == 3
    assert book.worksheets[0].max_row - 1 == WORLD_TOTAL["enrolled"]
    assert book.worksheets[2].max_row - 1 == WORLD_TOTAL["overdue"]


def test_export_carries_the_filters_of_the_page(world, app):
    client = b.signed_in(app, "admin@example.kz")
    token = exported(client, agency="ROOT", include_sub="0", status="in_progress")
    rows = b.csv_rows(download(client, token).data)
    assert [row["Email"] for row in rows] == ["r-half@example.kz"]
    with app.app_context():
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        assert (job.status, job.rows_done, job.rows_total) == ("done", 1, 1)
        assert job.filters["agency"] == "ROOT" and job.filters["include_sub"] == "0"


def test_another_hr_officer_gets_404_for_someone_elses_export(offices, app):
    owner = b.signed_in(app, "hr-root@example.kz")
    token = exported(owner)
    other = b.signed_in(app, "hr-other@example.kz")
    assert other.get(f"/reports/exports/{token}").status_code == 404
    assert download(other, token).status_code == 404
    # not even an administrator downloads someone else's file
    admin = b.signed_in(app, "admin@example.kz")
    assert download(admin, token).status_code == 404


def test_a_learner_may_not_open_export_pages(offices, app):
    owner = b.signed_in(app, "hr-root@example.kz")
    token = exported(owner)
    learner = b.signed_in(app, "r-new@example.kz")
    assert learner.get(f"/reports/exports/{token}").status_code == 403
    assert download(learner, token).status_code == 403


def test_request_and_download_are_audited(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client, "xlsx", status="certified")
    download(client, token)
    with app.app_context():
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        hr = b.person("hr-root@example.kz")
        entries = {entry.action: entry for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.startswith("export.")))}
        assert set(entries) == {"export.requested", "export.downloaded"}
        for entry in entries.values():
            assert (entry.actor_id, entry.object_type, entry.object_id) == (hr.id, "export", str(job.id))
        assert entries["export.requested"].summary == {"format": "xlsx", "filters": {"agency": "ROOT",
                                                                                    "status": "certified"}}


def test_expired_export_gives_410_and_its_file_is_purged(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client)
    with app.app_context():
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        path = export_dir(app) / job.file_name
        assert path.is_file()
        job.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = download(client, token)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert "expired" in client.get(f"/reports/exports/{token}").get_data(as_text=True)
    with app.app_context():
        assert jobs.purge_expired(export_dir(app), now=utcnow()) == 1
        db.session.commit()
        assert not path.exists()
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        assert job.file_name is None and job.status == "done"
        assert jobs.purge_expired(export_dir(app), now=utcnow()) == 0
    assert download(client, token).status_code == 410


def test_purge_keeps_exports_that_have_not_expired(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client)
    with app.app_context():
        assert jobs.purge_expired(export_dir(app), now=utcnow()) == 0
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        assert (export_dir(app) / job.file_name).is_file()
        # A day later (EXPORT_HOURS = 24) it goes.
        assert jobs.purge_expired(export_dir(app), now=utcnow() + timedelta(hours=25)) == 1
        db.session.commit()
    assert download(client, token).status_code == 410


def test_export_without_csrf_token_is_refused(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    response = client.post("/reports/exports", data={"format": "csv"})
    assert response.status_code == 400
    response = client.post("/reports/exports", data={"format": "csv", "csrf_token": "forged"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ExportJob)) is None


def test_unknown_format_is_refused(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    assert request_export(client, "pdf").status_code == 400


def test_hr_exporting_another_agency_through_the_hidden_field_gets_404(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    assert request_export(client, agency="OTHER").status_code == 404
    assert request_export(client, agency="NOPE").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(ExportJob)) is None


def test_bad_filter_in_the_hidden_fields_gets_400(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    assert request_export(client, date_from="31.12.2025").status_code == 400


def test_filters_are_checked_again_when_the_job_runs(offices, app, tmp_path):
    with app.app_context():
        hr = b.person("hr-root@example.kz")
        filters = parse_filters({"agency": "MID"}, actor=hr)
        job = jobs.request_export(hr, filters, "csv", locale="en", now=utcnow())
        db.session.commit()
        job_id = job.id
        # The officer moves to another agency before the worker picks the job up.
        hr.agency = b.agency("OTHER")
        db.session.commit()
    with app.app_context():
        assert jobs.run_export(job_id, export_dir=tmp_path / "exports", hours=24, now=utcnow) == "failed"
        db.session.commit()
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert (job.status, job.error, job.file_name) == ("failed", "OutOfScope", None)
        assert not (tmp_path / "exports").exists() or list((tmp_path / "exports").iterdir()) == []
        token = job.token
    client = b.signed_in(app, "hr-root@example.kz")
    assert "The export failed" in client.get(f"/reports/exports/{token}").get_data(as_text=True)
    assert download(client, token).status_code == 302


def test_a_job_runs_once(world, app, tmp_path):
    with app.app_context():
        admin = b.person("admin@example.kz")
        job = jobs.request_export(admin, parse_filters({}, actor=admin), "csv", locale="en", now=utcnow())
        db.session.commit()
        job_id = job.id
    with app.app_context():
        assert jobs.run_export(job_id, export_dir=tmp_path / "exports", hours=24, now=utcnow) == "done"
        db.session.commit()
    with app.app_context():
        assert jobs.run_export(job_id, export_dir=tmp_path / "exports", hours=24, now=utcnow) == "done"
        assert jobs.run_export(987654, export_dir=tmp_path / "exports", hours=24, now=utcnow) is None
        job = db.session.get(ExportJob, job_id)
        assert (job.rows_done, job.rows_total) == (WORLD_TOTAL["enrolled"], WORLD_TOTAL["enrolled"])
        assert [p.name for p in (tmp_path / "exports").iterdir()] == [job.file_name]


REFRESH = '<meta http-equiv="refresh" content="5">'


def queued_export(app, email: str = "hr-root@example.kz") -> str:
    """An export requested but not yet picked up by the worker; its token."""
    with app.app_context():
        hr = b.person(email)
        job = jobs.request_export(hr, parse_filters({}, actor=hr), "xlsx", locale="en", now=utcnow())
        db.session.commit()
        return job.token


def test_the_export_page_reloads_itself_only_while_the_file_is_being_prepared(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = queued_export(app)
    for status in ("queued", "running"):
        with app.app_context():
            db.session.scalar(select(ExportJob).where(ExportJob.token == token)).status = status
            db.session.commit()
        html = client.get(f"/reports/exports/{token}").get_data(as_text=True)
        assert html.count(REFRESH) == 1 and html.index(REFRESH) < html.index("</head>"), status
        assert "This page reloads itself every 5 seconds until the file is ready." in html
        assert f'href="/reports/exports/{token}?refresh=off"' in html
    stopped = client.get(f"/reports/exports/{token}", query_string={"refresh": "off"}).get_data(as_text=True)
    assert "http-equiv" not in stopped and "Check again" in stopped
    done = exported(client)
    assert "http-equiv" not in client.get(f"/reports/exports/{done}").get_data(as_text=True)


def test_my_exports_reloads_itself_while_one_of_them_is_being_prepared(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    exported(client)
    assert "http-equiv" not in client.get("/reports/exports").get_data(as_text=True)
    queued_export(app)
    html = client.get("/reports/exports").get_data(as_text=True)
    assert REFRESH in html and 'href="/reports/exports?refresh=off"' in html
    assert "http-equiv" not in client.get("/reports/exports?refresh=off").get_data(as_text=True)
    assert "http-equiv" not in b.signed_in(app, "hr-other@example.kz").get("/reports/exports").get_data(
        as_text=True)  # someone else's pending export does not reload my page


def test_the_download_is_named_for_when_it_was_requested_in_the_platform_time_zone(offices, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client, "xlsx")
    with app.app_context():
        job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
        # 20:30 UTC on 6 January is 01:30 on 7 January in Almaty (UTC+5).
        job.created_at = datetime(2025, 1, 6, 20, 30, tzinfo=UTC)
        db.session.commit()
        assert jobs.download_name(job, timezone="Asia/Almaty") == "report-20250107-0130.xlsx"
        assert jobs.download_name(job, timezone="UTC") == "report-20250106-2030.xlsx"
    response = download(client, token)
    assert 'filename=report-20250107-0130.xlsx' in response.headers["Content-Disposition"]


def test_a_finished_export_is_in_the_requesters_inbox_and_leads_to_its_page(world, app):
    client = b.signed_in(app, "hr-root@example.kz")
    token = exported(client)
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.kind == "export_ready"))
        assert notice.params["token"] == token and notice.params["status"] == "done"
        assert notice.recipient_id == b.person("hr-root@example.kz").id
        # In the app only by default: the requester is usually on the export page already.
        assert db.session.scalars(select(OutboxMessage.subject).where(
            OutboxMessage.subject.contains("export"))).all() == []
        notice_id = notice.id
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Your report export is ready" in html
    opened = client.post(f"/notifications/{notice_id}/open", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert (opened.status_code, opened.headers["Location"]) == (303, f"/reports/exports/{token}")


def test_a_failed_export_is_told_of_too(offices, app, tmp_path):
    with app.app_context():
        hr = b.person("hr-root@example.kz")
        job = jobs.request_export(hr, parse_filters({"agency": "MID"}, actor=hr), "csv", locale="en", now=utcnow())
        db.session.commit()
        job_id = job.id
        hr.agency = b.agency("OTHER")  # out of scope when the job runs
        db.session.commit()
    with app.app_context():
        assert jobs.run_export(job_id, export_dir=tmp_path / "exports", hours=24, now=utcnow) == "failed"
        db.session.commit()
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.kind == "export_ready"))
        assert notice.params["status"] == "failed"
