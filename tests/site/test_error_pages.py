"""Error pages render without the database, in the visitor's language, and every response has the security headers."""

from __future__ import annotations

import shutil

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from lms.extensions import db
from tests import factories
from tests.conftest import csrf_token, post_form

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")
#: "Service unavailable" in each language (lms/translations).
UNAVAILABLE = {"en": "Service unavailable", "ru": "Сервис недоступен", "kk": "Қызмет қолжетімсіз"}


def _assert_security_headers(response) -> None:
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), f"{name} missing on {response.status}"


@pytest.fixture
def own_database(make_app, tmp_path):
    """An app on a SQLite file of its own (so the test can take the database away), with one learner."""
    folder = tmp_path / "db"
    folder.mkdir()
    own = make_app(url=f"sqlite:///{folder / 'lms.sqlite3'}")
    with own.app_context():
        db.create_all()
        factories.user("anna@example.kz")

    def drop():
        with own.app_context():
            db.engine.dispose()
        shutil.rmtree(folder)

    own.drop_database = drop
    return own


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_signed_in_page_after_the_database_went_away_is_a_translated_503(own_database, language):
    client = own_database.test_client()
    assert post_form(client, "/login", {"email": "anna@example.kz", "password": factories.PASSWORD}).status_code == 302
    post_form(client, "/language", {"locale": language}, token_from="/my-learning")
    assert client.get("/my-learning").status_code == 200
    own_database.drop_database()

    response = client.get("/my-learning", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert f'<html lang="{language}">' in html
    assert UNAVAILABLE[language] in html
    assert "Internal Server Error" not in html
    _assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_without_a_chosen_language_the_browser_language_is_used(own_database):
    client = own_database.test_client()
    assert post_form(client, "/login", {"email": "anna@example.kz", "password": factories.PASSWORD}).status_code == 302
    own_database.drop_database()
    response = client.get("/certificates/", headers={"Accept-Language": "kk-KZ,kk;q=0.9"})
    assert response.status_code == 503
    assert UNAVAILABLE["kk"] in response.get_data(as_text=True)


def test_a_form_sent_while_the_database_is_down_gets_the_page_too(own_database):
    client = own_database.test_client()
    assert post_form(client, "/login", {"email": "anna@example.kz", "password": factories.PASSWORD}).status_code == 302
    token = csrf_token(client, "/account")
    own_database.drop_database()
    response = client.post("/account/preferences", data={"csrf_token": token, "locale": "ru"})
    assert response.status_code == 503
    _assert_security_headers(response)


def test_an_unreachable_postgresql_server_gets_the_page_with_the_headers(make_app):
    unreachable = make_app(url="postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    client = unreachable.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": "1", "lms_sid": "some-session", "locale": "ru"})
    response = client.get("/my-learning")
    assert response.status_code == 503
    assert UNAVAILABLE["ru"] in response.get_data(as_text=True)
    _assert_security_headers(response)
    assert client.get("/healthz").status_code == 503


def test_static_files_and_error_answers_carry_the_security_headers(client):
    for path in ("/static/css/app.css", "/static/no-such-file.css", "/no-such-page", "/api/v1/rows",
                 "/credentials/NOPE/status"):
        response = client.get(path)
        _assert_security_headers(response)
        response.close()


def test_a_failure_after_the_view_still_gets_a_page_with_the_headers(make_app):
    failing = make_app(PROPAGATE_EXCEPTIONS=False)

    @failing.get("/late-failure")
    def late_failure():
        return "fine"

    @failing.after_request
    def _broken(response):
        from flask import request

        if request.path == "/late-failure":
            raise RuntimeError("an after-request hook failed")
        return response

    response = failing.test_client().get("/late-failure")
    assert response.status_code == 500
    _assert_security_headers(response)


def test_an_application_that_raises_outright_gets_the_last_resort_page_with_the_headers():
    from lms.site.headers import SecurityHeaders

    def raising_app(environ, start_response):
        raise RuntimeError("nothing answered")

    wrapped = SecurityHeaders(raising_app, production=True, propagate=lambda: False)
    response = Client(wrapped, Response).get("/")
    assert response.status_code == 500
    _assert_security_headers(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "Что-то пошло не так" in body and "nothing answered" not in body


def test_headers_set_by_a_view_are_kept(client):
    response = client.get("/credentials/NOPE/status")
    assert response.cache_control.public  # not replaced by no-store
