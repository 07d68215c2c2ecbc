"""The site shell: security headers, health check, error pages, language selection, static assets."""

from __future__ import annotations

import pytest

from tests import factories


def test_pages_send_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only in production


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(make_app, tmp_path):
    broken = make_app(url=f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_page_gets_translated_404(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert 'lang="ru"' in response.get_data(as_text=True)


def test_unexpected_error_shows_a_page_without_a_stack_trace(make_app):
    failing = make_app(TESTING=False)

    @failing.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = failing.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body
    assert "Traceback" not in body


def test_wrong_method_answers_405(client):
    assert client.get("/logout").status_code == 405


@pytest.mark.parametrize("header, expected", [("kk", "kk"), ("ru-RU,ru;q=0.9", "ru"), ("en-GB", "en"), ("de", "en")])
def test_browser_language_is_used_for_anonymous_visitors(client, header, expected):
    html = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}">' in html


def test_user_preference_beats_browser_language(app, login_as):
    with app.app_context():
        factories.user("kz@example.kz", locale="kk")
    client = login_as("kz@example.kz")
    assert '<html lang="kk">' in client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)


def test_every_page_has_a_language_switcher_and_landmarks(client):
    html = client.get("/login").get_data(as_text=True)
    for marker in ('action="/language"', 'value="kk"', 'value="ru"', 'value="en"', "<main", "<nav", "<header",
                   'class="skip-link"'):
        assert marker in html


def test_stylesheet_is_served_locally(client):
    html = client.get("/login").get_data(as_text=True)
    assert "/static/css/app.css" in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    response.close()
