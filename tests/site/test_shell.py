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
    home = client.get("/", headers={"Accept-Language": "ru"}, follow_redirects=True)
    assert '<html lang="kk">' in home.get_data(as_text=True)


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


def _header_and_nav(html: str) -> tuple[str, str]:
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    return header.split('<nav class="site-nav"', 1)[0], header.split('<nav class="site-nav"', 1)[1]


def test_the_header_row_names_the_signed_in_person_as_the_link_to_their_account(app, login_as):
    with app.app_context():
        factories.user("named@example.kz", full_name="Жанар Болатқызы Әбенова")
    top, nav = _header_and_nav(login_as("named@example.kz").get("/account").get_data(as_text=True))
    assert '<a class="user-name" href="/account" aria-current="page">Жанар Болатқызы Әбенова' in top
    assert 'action="/logout"' in top
    # The menu row keeps the pages only (the account and signing out moved up, so that it fits one line).
    assert 'href="/account"' not in nav and 'action="/logout"' not in nav


def test_the_admin_pages_are_one_disclosure_menu_marked_current_on_its_pages(app, login_as):
    from lms.accounts.models import Role

    with app.app_context():
        factories.user("boss@example.kz", roles={Role.ADMIN})
    client = login_as("boss@example.kz")
    _, nav = _header_and_nav(client.get("/admin/outbox/").get_data(as_text=True))
    menu = nav.split("<details>", 1)[1].split("</details>", 1)[0]
    assert '<summary aria-current="true">Administration</summary>' in menu
    for href in ("/admin/audit/", "/admin/outbox/", "/admin/content/", "/admin/certificates/"):
        assert f'href="{href}"' in menu
    assert '<a href="/admin/outbox/" aria-current="page">' in menu
    _, nav = _header_and_nav(client.get("/my-learning").get_data(as_text=True))
    assert "<summary>Administration</summary>" in nav


def test_hr_officers_get_no_administration_menu(app, login_as):
    from lms.accounts.models import Role

    with app.app_context():
        factories.user("hr-menu@example.kz", roles={Role.HR}, agency=factories.agency("HRM"))
    _, nav = _header_and_nav(login_as("hr-menu@example.kz").get("/my-learning").get_data(as_text=True))
    assert "<details>" not in nav and 'href="/reports/"' in nav
