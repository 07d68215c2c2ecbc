"""Filter values quoted in error answers come back escaped: on the report pages, the export request and the API."""

from __future__ import annotations

import json

import pytest

from tests.api.test_api import PATHS, bearer, make_tokens
from tests.conftest import post_form

#: What a review sent: a value that would take the HR officer to another site if printed as HTML.
PAYLOADS = ['<meta http-equiv="refresh" content="0;url=https://evil.example/">', "<b>x</b>"]
PARAMS = ["course", "status", "language"]
PAGES = ["/reports/", "/reports/learners", "/reports/overdue"]


def _assert_escaped(html: str, payload: str) -> None:
    shown = payload[:10]  # every message quotes at least the first 10 characters (language is cut there)
    assert shown not in html
    assert shown.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") in html


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("page", PAGES)
def test_report_pages_escape_the_value_they_refuse(login_as, offices, page, param, payload):
    response = login_as("hr-root@example.kz").get(page, query_string={param: payload})
    assert response.status_code == 400
    _assert_escaped(response.get_data(as_text=True), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("param", PARAMS)
def test_the_export_request_escapes_the_value_it_refuses(login_as, offices, param, payload):
    client = login_as("hr-root@example.kz")
    response = post_form(client, "/reports/exports", {"format": "csv", param: payload}, token_from="/reports/")
    assert response.status_code == 400
    _assert_escaped(response.get_data(as_text=True), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("path", PATHS)
def test_the_api_answers_json_with_the_value_unreadable_as_html(app, client, offices, path, param, payload):
    secret = make_tokens(app)["hr-root"]
    response = client.get(path, query_string={param: payload}, headers=bearer(secret))
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    raw = response.get_data(as_text=True)
    assert "<" not in raw and ">" not in raw
    assert payload[:10] in json.loads(raw)["error"]  # the same text once decoded


def test_the_api_token_page_shows_the_header_format_as_text(login_as, offices):
    html = login_as("hr-root@example.kz").get("/reports/api-tokens").get_data(as_text=True)
    assert "Authorization: Bearer &lt;token&gt;" in html
    assert "<token>" not in html
