"""Dashboard snapshots: the worker's count of the whole country gives the same dashboards as counting now, is used
only while fresh, only for filters that select agencies and only for scopes of at least
REPORT_SNAPSHOT_MIN_ENROLMENTS enrolments (smaller ones are counted when the page opens), and the page says when it
was computed."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.db import begin_write, utcnow
from lms.extensions import db
from lms.reports import queries, snapshots
from lms.reports.dashboard import build_dashboard, national_progress
from lms.reports.filters import parse_filters
from lms.reports.models import ReportSnapshot
from lms.reports.tree import AgencyTree
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL

FRESH = timedelta(minutes=10)


def refreshed(now=b.NOW):
    snapshots.refresh_snapshot(now=now)
    db.session.commit()
    return snapshots.get_fresh_snapshot(now=now, max_age=FRESH)


def dashboards(email: str, args: dict, snapshot):
    filters = parse_filters(args, actor=b.person(email))
    return (build_dashboard(filters, now=b.NOW), build_dashboard(filters, now=b.NOW, snapshot=snapshot.figures))


def summary(board) -> tuple:
    return (board.total.as_dict(), board.own.as_dict() if board.own else None,
            [(row.node.code, row.counts.as_dict(), row.has_children) for row in board.agencies],
            [(row.course.key, row.counts.as_dict()) for row in board.courses],
            [(item.user_id, item.course.key) for item in board.overdue],
            board.target.certified_people if board.target else None)


@pytest.mark.parametrize("email, args", [
    ("admin@example.kz", {}),
    ("prog@example.kz", {}),
    ("admin@example.kz", {"agency": "ROOT"}),
    ("admin@example.kz", {"agency": "ROOT", "include_sub": "0"}),
    ("hr-root@example.kz", {}),
    ("hr-root@example.kz", {"agency": "MID"}),
    ("hr-other@example.kz", {}),
])
def test_a_dashboard_from_the_snapshot_equals_the_dashboard_counted_now(world, ctx, email, args):
    live, from_snapshot = dashboards(email, args, refreshed())
    assert summary(from_snapshot) == summary(live)
    assert from_snapshot.computed_at == b.NOW


def test_the_snapshot_holds_the_country_totals_and_the_national_series(world, ctx):
    snapshot = refreshed()
    _live, from_snapshot = dashboards("admin@example.kz", {}, snapshot)
    assert from_snapshot.total.as_dict() == WORLD_TOTAL
    assert national_progress(target=10, now=b.NOW, weekly=snapshot.weekly) == national_progress(target=10, now=b.NOW)


def test_a_snapshot_is_used_only_while_fresh(world, ctx):
    refreshed(now=b.NOW)
    assert snapshots.get_fresh_snapshot(now=b.NOW + FRESH, max_age=FRESH) is not None
    assert snapshots.get_fresh_snapshot(now=b.NOW + FRESH + timedelta(seconds=1), max_age=FRESH) is None
    assert snapshots.get_fresh_snapshot(now=b.NOW - timedelta(minutes=1), max_age=FRESH) is None  # from the future
    assert snapshots.get_fresh_snapshot(now=b.NOW, max_age=timedelta(0)) is None  # switched off


def test_without_a_snapshot_there_is_none(world, ctx):
    assert snapshots.get_fresh_snapshot(now=b.NOW, max_age=FRESH) is None


def test_a_refresh_keeps_only_the_latest_snapshot(world, ctx):
    refreshed(now=b.NOW - timedelta(minutes=5))
    refreshed(now=b.NOW)
    assert db.session.scalar(select(func.count()).select_from(ReportSnapshot)) == 1
    assert snapshots.get_fresh_snapshot(now=b.NOW, max_age=FRESH).figures.computed_at == b.NOW


@pytest.mark.parametrize("args, covered", [
    ({}, True), ({"agency": "ROOT", "include_sub": "0"}, True), ({"course": "alpha"}, False),
    ({"status": "completed"}, False), ({"from": "2025-01-01"}, False), ({"to": "2025-12-31"}, False),
    ({"language": "kk"}, False),
])
def test_only_filters_that_select_agencies_are_covered(world, ctx, args, covered):
    assert snapshots.covers(parse_filters(args, actor=b.person("admin@example.kz"))) is covered


def test_the_page_shows_the_snapshot_and_when_it_was_counted(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_SNAPSHOT_MIN_ENROLMENTS", 0)  # every scope is "large"
    with app.app_context():
        snapshots.refresh_snapshot(now=utcnow() - timedelta(minutes=2))
        db.session.commit()
        b.enrol(b.new_user("late@example.kz", agency=b.agency("ROOT")), "beta")
    client = b.signed_in(app, "admin@example.kz")
    html = client.get("/reports/").get_data(as_text=True)
    assert "refreshed every few minutes" in html
    assert f'<dd>{WORLD_TOTAL["enrolled"]}</dd>' in html  # the new enrolment is not in the snapshot yet
    filtered = client.get("/reports/", query_string={"course": "beta"}).get_data(as_text=True)
    assert "refreshed every few minutes" not in filtered  # counted now
    assert "<dd>3</dd>" in filtered  # beta: m-cert, o-beta and the new enrolment


def test_a_stale_snapshot_is_ignored_by_the_page(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_SNAPSHOT_MIN_ENROLMENTS", 0)
    with app.app_context():
        snapshots.refresh_snapshot(now=utcnow() - timedelta(minutes=app.config["REPORT_SNAPSHOT_MINUTES"] + 1))
        db.session.commit()
        b.enrol(b.new_user("late@example.kz", agency=b.agency("ROOT")), "beta")
    html = b.signed_in(app, "admin@example.kz").get("/reports/").get_data(as_text=True)
    assert "refreshed every few minutes" not in html
    assert f'<dd>{WORLD_TOTAL["enrolled"] + 1}</dd>' in html


@pytest.mark.parametrize("ids, enrolments", [
    (None, 10), (["ROOT", "MID", "LEAF"], 6), (["ROOT"], 2), (["MID"], 3), (["OTHER"], 4),
])
def test_the_snapshot_knows_how_many_enrolments_a_scope_holds(world, ctx, ids, enrolments):
    snapshot = refreshed()
    agency_ids = None if ids is None else [b.agency(code).id for code in ids]
    assert snapshot.enrolments_in(agency_ids) == enrolments


@pytest.mark.parametrize("args, minimum, used", [
    ({}, 10, True), ({}, 11, False), ({}, 0, True),
    ({"agency": "ROOT"}, 6, True), ({"agency": "ROOT"}, 7, False),
    ({"agency": "ROOT", "include_sub": "0"}, 2, True), ({"agency": "ROOT", "include_sub": "0"}, 3, False),
    ({"course": "alpha"}, 0, False),
])
def test_the_snapshot_serves_only_scopes_of_at_least_the_minimum(world, ctx, args, minimum, used):
    snapshot = refreshed()
    filters = parse_filters(args, actor=b.person("admin@example.kz"))
    ids = queries.agency_ids(filters, AgencyTree.load())
    figures = snapshot.figures_for(filters, ids, min_enrolments=minimum)
    assert (figures is snapshot.figures) is used and (figures is None) is not used


def test_the_national_series_comes_from_the_snapshot_only_when_the_country_is_large(world, ctx):
    snapshot = refreshed()
    assert snapshot.weekly_for(min_enrolments=10) == snapshot.weekly
    assert snapshot.weekly_for(min_enrolments=11) is None


def _late_certificate(app, agency_code: str) -> None:
    """A fresh snapshot from two minutes ago, then a learner of `agency_code` who completes alpha after it."""
    with app.app_context():
        snapshots.refresh_snapshot(now=utcnow() - timedelta(minutes=2))
        db.session.commit()
        b.complete(b.new_user("late@example.kz", agency=b.agency(agency_code), full_name="Late Learner"), "alpha",
                   at=utcnow() - timedelta(hours=1), done_at=utcnow() - timedelta(minutes=1))


def _certified(html: str) -> int:
    found = re.search(r"<dt>Certified</dt><dd>(\d+)</dd>", html)
    assert found, html
    return int(found.group(1))


def test_a_small_scope_is_counted_when_the_page_opens_and_agrees_with_the_learner_list(app, world):
    _late_certificate(app, "OTHER")  # 10 enrolments in the country: far below the default minimum
    client = b.signed_in(app, "hr-other@example.kz")
    html = client.get("/reports/").get_data(as_text=True)
    assert "refreshed every few minutes" not in html
    assert _certified(html) == 2  # o-cert and the learner who has just finished
    assert "4 of 2,000 civil servants trained" in html  # the national series is counted now as well
    learners = client.get("/reports/learners", query_string={"status": "certified"}).get_data(as_text=True)
    assert "Late Learner" in learners and "Olzhas Cert" in learners
    country = b.signed_in(app, "admin@example.kz").get("/reports/").get_data(as_text=True)
    assert "refreshed every few minutes" not in country and _certified(country) == 4


def test_a_large_scope_reads_the_snapshot_while_a_small_one_beside_it_is_counted_now(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_SNAPSHOT_MIN_ENROLMENTS", 6)  # the country (8) and ROOT (6) are large
    _late_certificate(app, "OTHER")
    client = b.signed_in(app, "admin@example.kz")
    country = client.get("/reports/").get_data(as_text=True)
    assert "refreshed every few minutes" in country and _certified(country) == 3
    assert "3 of 2,000 civil servants trained" in country
    root = client.get("/reports/", query_string={"agency": "ROOT"}).get_data(as_text=True)
    assert "refreshed every few minutes" in root
    other = client.get("/reports/", query_string={"agency": "OTHER"}).get_data(as_text=True)
    assert "refreshed every few minutes" not in other and _certified(other) == 2


def test_the_worker_task_and_the_command_refresh_the_snapshot(app, world, runner):
    app.extensions["lms.tasks"]["report-snapshot"].call_local()
    with app.app_context():
        first = db.session.scalar(select(ReportSnapshot.computed_at))
    result = runner.invoke(args=["report", "snapshot"])
    assert result.exit_code == 0, result.output
    assert "Dashboard snapshot refreshed" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportSnapshot)) == 1
        assert db.session.scalar(select(ReportSnapshot.computed_at)) > first


def test_refreshes_beside_concurrent_writers_all_succeed(app, world):
    """The worker's refresh reads, then writes in a fresh write transaction: beside people who write at the same
    time it waits its turn instead of failing with "database is locked" (SQLite)."""
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def refresher() -> None:
        with app.app_context():
            try:
                start.wait()
                for _ in range(5):
                    snapshots.refresh_snapshot(now=utcnow())
                    db.session.commit()
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    def writer(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for i in range(10):
                    begin_write(db.session)
                    b.new_user(f"w{n}-{i}@example.kz", agency=b.agency("ROOT"))
                    db.session.commit()
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=refresher), *(threading.Thread(target=writer, args=(n,)) for n in range(2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportSnapshot)) == 1
