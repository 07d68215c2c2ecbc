"""On one dataset, every way of reading the reports gives the same figures: the dashboard (its Counts and the HTML
page), the CSV export, the XLSX export (detail, summary and overdue sheets) and the JSON API (agency summary,
course summary and every page of rows and overdue items).

The summary counts "completed" as every enrolment with a completion (certified ones included: not started + in
progress + completed = enrolled), "certified" as those whose certificate is valid now; a detail row has one status,
"Certified" for the latter and "Completed" for the other completions.
"""

from __future__ import annotations

import io
import re
from collections import Counter

import openpyxl
import pytest

from lms.db import utcnow
from lms.reports.dashboard import build_dashboard
from lms.reports.filters import parse_filters
from lms.reports.rows import COLUMNS, SUMMARY_COLUMNS
from tests.conftest import csrf_token
from tests.reports import builders as b
from tests.reports.conftest import WORLD_TOTAL

STATUS_KEYS = ("enrolled", "not_started", "in_progress", "completed", "certified")
PAGE_LABELS = {"Headcount": "headcount", "Enrolments": "enrolled", "Not started": "not_started",
               "In progress": "in_progress", "Completed": "completed", "Certified": "certified",
               "Overdue": "overdue", "People certified": "certified_people"}
FORM_FIELDS = {"agency": "agency", "include_sub": "include_sub", "course": "course", "status": "status",
               "from": "date_from", "to": "date_to", "language": "language"}

CASES = [
    pytest.param("admin@example.kz", {}, id="country"),
    pytest.param("hr-root@example.kz", {}, id="hr-default-scope"),
    pytest.param("prog@example.kz", {"agency": "ROOT", "course": "alpha", "language": "ru", "from": "2025-01-01",
                                     "to": "2025-01-31"}, id="filtered"),
    pytest.param("admin@example.kz", {"agency": "ROOT", "include_sub": "0"}, id="without-sub-agencies"),
]


def page_figures(client, args: dict) -> dict[str, int]:
    response = client.get("/reports/", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = dict(re.findall(r"<dt>([^<]+)</dt><dd>([\d,\s\u00a0]+)", html))
    return {key: int(re.sub(r"\D", "", found[label])) for label, key in PAGE_LABELS.items()}


def download(client, fmt: str, args: dict) -> bytes:
    data = {"csrf_token": csrf_token(client, "/reports/"), "format": fmt,
            **{FORM_FIELDS[key]: value for key, value in args.items()}}
    response = client.post("/reports/exports", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with client.get(response.headers["Location"] + "/download") as file:
        assert file.status_code == 200
        return file.get_data()


def api(client, secret: str, path: str, **params) -> dict:
    response = client.get(f"/api/v1/{path}", query_string=params, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.json
    return response.json


def api_pages(client, secret: str, path: str, items: str, args: dict) -> list[dict]:
    found, position = [], {}
    while True:
        page = api(client, secret, path, limit=3, **args, **position)
        found += page[items]
        if path == "rows":
            if page["next_cursor"] is None:
                return found
            position = {"cursor": page["next_cursor"]}
        else:
            if page["next_offset"] is None:
                return found
            position = {"offset": page["next_offset"]}


def figures_from_rows(rows: list[dict]) -> dict[str, int]:
    counts = b.status_counts(row["status"] for row in rows)
    counts["certified_people"] = len({row["email"] for row in rows if row["status"] == b.STATUS_LABELS["certified"]})
    return counts


def sheet_dicts(sheet, columns) -> list[dict]:
    keys = [key for key, _ in columns]
    return [dict(zip(keys, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(("email", "args"), CASES)
def test_dashboard_exports_and_api_agree(app, world, email, args):
    with app.app_context():
        secret = b.api_token(email)
        filters = parse_filters(args, actor=b.person(email), timezone=app.config["TIMEZONE"])
        board = build_dashboard(filters, now=utcnow(), overdue_limit=1000)
        total = board.total.as_dict()
        agency_rows = [(row.node.code, row.counts.as_dict()) for row in board.agencies]
        course_keys = [row.course.key for row in board.courses]
        scope = board.filters.agency.code if board.filters.agency is not None else None
        overdue_listed = len(board.overdue)
    expected_rows = {key: total[key] for key in (*STATUS_KEYS, "certified_people")}
    assert total["enrolled"] > 0
    if email == "admin@example.kz" and not args:
        assert total == WORLD_TOTAL
    client = b.signed_in(app, email)

    # The HTML page
    assert page_figures(client, args) == total

    # CSV
    csv_rows = b.csv_rows(download(client, "csv", args))
    csv_dicts = [dict(zip([key for key, _ in COLUMNS], row.values(), strict=True)) for row in csv_rows]
    assert figures_from_rows(csv_dicts) == expected_rows

    # XLSX: detail, summary by agency, overdue
    book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx", args)))
    detail, summary, overdue = book.worksheets
    xlsx_rows = [{key: "" if value is None else value for key, value in row.items()}
                 for row in sheet_dicts(detail, COLUMNS)]
    assert figures_from_rows(xlsx_rows) == expected_rows
    assert sorted((row["email"], row["course_id"]) for row in xlsx_rows) == \
        sorted((row["email"], row["course_id"]) for row in csv_dicts)
    by_code = {row["agency_code"]: row for row in sheet_dicts(summary, SUMMARY_COLUMNS)}
    for code, counts in agency_rows:
        assert {key: by_code[code][key] for key in counts} == counts
    if scope is not None:
        assert {key: by_code[scope][key] for key in total} == total
    assert len(sheet_dicts(overdue, [("agency_code", ""), ("learner", ""), ("email", ""), ("course_id", ""),
                                     ("due_on", "")])) == total["overdue"]

    # The API
    agencies = api(client, secret, "agencies/summary", **args)
    assert {key: agencies["total"][key] for key in total} == total
    assert [(row["code"], {key: row[key] for key in total}) for row in agencies["agencies"]] == agency_rows
    courses = api(client, secret, "courses/summary", **args)["courses"]
    assert [row["course_id"] for row in courses] == course_keys
    summed = Counter()
    for row in courses:
        summed.update({key: row[key] for key in (*STATUS_KEYS, "overdue")})
    assert dict(summed) == {key: total[key] for key in (*STATUS_KEYS, "overdue")}
    api_rows = api_pages(client, secret, "rows", "rows", args)
    assert figures_from_rows(api_rows) == expected_rows
    assert sorted((row["email"], row["course_id"], row["status"]) for row in api_rows) == \
        sorted((row["email"], row["course_id"], row["status"]) for row in csv_dicts)
    assert len(api_pages(client, secret, "overdue", "items", args)) == total["overdue"]
    assert overdue_listed == total["overdue"]


@pytest.mark.parametrize(("status", "label"), list(b.STATUS_LABELS.items()))
def test_status_filter_of_rows_agrees_with_the_summary(app, world, status, label):
    """Rows filtered by a status: "completed" gives every completion (its rows show Completed or Certified)."""
    with app.app_context():
        total = build_dashboard(parse_filters({}, actor=b.person("admin@example.kz")), now=utcnow()).total
        secret = b.api_token("admin@example.kz")
    client = app.test_client()
    rows = api(client, secret, "rows", status=status, limit=1000)["rows"]
    assert len(rows) == getattr(total, status)
    if status == "completed":
        assert {row["status"] for row in rows} == {"Completed", "Certified"}
    else:
        assert {row["status"] for row in rows} == {label}
