"""Signing in and out, sessions, CSRF, redirects, rate limits, passwords and the UI language."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from babel.support import Translations
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from lms import PROJECT_ROOT
from lms.accounts import services
from lms.accounts.models import User
from lms.extensions import db
from lms.mail.models import OutboxMessage
from tests import factories
from tests.accounts.test_password_rules import COMMON_MESSAGE, REVIEW_PASSWORDS
from tests.conftest import csrf_token, post_form

EMAIL = "anna@example.kz"
NEW_PASSWORD = "a-brand-new-password-7"
WRONG_CREDENTIALS = "Wrong email or password."
RESET_SENT = "If an account uses this address, a reset link is on its way. Check your email."
RESET_LINK_BAD = "This reset link is invalid, expired or already used. Ask for a new one."
RESET_LINK_RE = re.compile(r"https?://[^/\s]+(/password/reset/\S+)")


# --- helpers -------------------------------------------------------------------------------------

def _html(response) -> str:
    return response.get_data(as_text=True)


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash--\w+">(.*?)</p>', html, re.S)


def _field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


def _location(response) -> str:
    """The redirect target as a local path (with its query string)."""
    parts = urlsplit(response.headers["Location"])
    assert parts.netloc in ("", "localhost"), parts
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _sign_in(client, email: str = EMAIL, password: str = factories.PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


def _signed_in(client) -> bool:
    """True when the client's session opens a page that needs sign-in."""
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _password_hash(app, email: str = EMAIL) -> str | None:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == email))


def _outbox(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(m.recipient, m.subject, m.body)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _request_reset_link(app, client, email: str = EMAIL) -> str:
    """Ask for a reset link through the form; return the path of the link in the email."""
    response = post_form(client, "/password/forgot", {"email": email}, token_from="/password/forgot")
    assert response.status_code == 302
    messages = _outbox(app)
    assert len(messages) == 1
    match = RESET_LINK_RE.search(messages[0][2])
    assert match, messages[0][2]
    return match.group(1)


def _set_new_password(client, path: str, password: str = NEW_PASSWORD):
    return post_form(client, path, {"new_password": password, "confirm": password}, token_from=path)


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]*)">', html)
    assert match, html[:300]
    return match.group(1)


def _current_language_button(html: str) -> str:
    match = re.search(r'<button[^>]*value="(\w+)"[^>]*aria-current="true"', html)
    assert match, "no language button is marked as current"
    return match.group(1)


@pytest.fixture
def anna(app) -> int:
    """A learner with email EMAIL and password factories.PASSWORD; returns the id."""
    with app.app_context():
        return factories.user(EMAIL, full_name="Anna Test").id


# --- signing in ------------------------------------------------------------------------------------

def test_login_signs_in_and_redirects_home(app, client, anna):
    response = _sign_in(client)
    assert response.status_code == 302
    assert _location(response) == "/"
    assert "Anna Test" in _html(client.get("/", follow_redirects=True))
    assert _signed_in(client)


def test_login_records_the_time_of_sign_in(app, client, anna):
    _sign_in(client)
    with app.app_context():
        assert db.session.get(User, anna).last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(app, anna):
    wrong_password = _sign_in(app.test_client(), EMAIL, "not-the-password-1")
    unknown_email = _sign_in(app.test_client(), "nobody@example.kz", factories.PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 200
    message = _field_error(_html(wrong_password), "password")
    assert message == WRONG_CREDENTIALS
    assert _field_error(_html(unknown_email), "password") == message


def test_failed_login_does_not_sign_in(app, client, anna):
    _sign_in(client, EMAIL, "not-the-password-1")
    assert not _signed_in(client)


def test_inactive_user_cannot_log_in_and_gets_the_same_message(app, client):
    with app.app_context():
        factories.user(EMAIL, is_active=False)
    response = _sign_in(client)
    assert response.status_code == 200
    assert _field_error(_html(response), "password") == WRONG_CREDENTIALS
    assert not _signed_in(client)


def test_email_is_matched_case_insensitively(app, client, anna):
    assert _sign_in(client, "Anna@Example.KZ").status_code == 302
    assert _signed_in(client)


# --- the session cookie ----------------------------------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax(app, client, anna):
    response = _sign_in(client)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lms_session=")]
    assert len(cookies) == 1
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_login_renews_the_session_keeping_only_the_language(app, client, anna):
    assert post_form(client, "/language", {"locale": "ru"}).status_code == 302
    with client.session_transaction() as sess:
        sess["planted"] = "set before sign-in"
        csrf_before = sess["csrf_token"]
    cookie_before = client.get_cookie("lms_session").value

    assert _sign_in(client).status_code == 302

    assert client.get_cookie("lms_session").value != cookie_before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") != csrf_before
        assert sess["locale"] == "ru"


def test_replaying_the_session_cookie_after_logout_gives_no_access(app, client, anna):
    _sign_in(client)
    stolen = client.get_cookie("lms_session").value
    replay_before = app.test_client()
    replay_before.set_cookie("lms_session", stolen)
    assert _signed_in(replay_before)  # the copy works while the session lives...

    assert post_form(client, "/logout", {}, token_from="/account").status_code == 302
    assert not _signed_in(client)

    replay_after = app.test_client()
    replay_after.set_cookie("lms_session", stolen)
    assert not _signed_in(replay_after)  # ...and not after logout


def test_deactivating_a_user_ends_their_session_at_once(app, client, anna):
    _sign_in(client)
    assert _signed_in(client)
    with app.app_context():
        services.deactivate_user(db.session.get(User, anna))
        db.session.commit()
    assert not _signed_in(client)


def test_a_user_made_inactive_by_any_means_loses_their_session(app, client, anna):
    _sign_in(client)
    with app.app_context():
        db.session.get(User, anna).is_active = False  # as an import or a direct edit would do
        db.session.commit()
    assert not _signed_in(client)


# --- CSRF ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "not-the-real-token"], ids=["missing", "wrong"])
def test_login_without_a_valid_csrf_token_is_refused(app, client, anna, token):
    client.get("/login")  # a session exists, with its own token
    data = {"email": EMAIL, "password": factories.PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "The form has expired or was tampered with." in _html(response)
    assert not _signed_in(client)


@pytest.mark.parametrize("token", [None, "not-the-real-token"], ids=["missing", "wrong"])
def test_password_change_without_a_valid_csrf_token_is_refused_and_changes_nothing(app, login_as, anna,
                                                                                  token):
    client = login_as(EMAIL)
    hash_before = _password_hash(app)
    data = {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    assert _password_hash(app) == hash_before
    assert _signed_in(client)


# --- redirects after sign-in -------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "expected"), [
    ("/account", "/account"),
    ("/agencies/?page=2", "/agencies/?page=2"),
    ("https://evil.example", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("/\tevil.example", "/"),
    ("javascript:alert(1)", "/"),
], ids=["local", "local-with-query", "absolute", "scheme-relative", "slash-backslash", "backslashes",
        "control-char", "javascript"])
def test_next_redirects_only_to_local_paths(app, client, anna, target, expected):
    response = _sign_in_with_next(client, target)
    assert response.status_code == 302
    assert _location(response) == expected


def _sign_in_with_next(client, target: str):
    return post_form(client, "/login", {"email": EMAIL, "password": factories.PASSWORD},
                     query_string={"next": target})


# --- rate limit ------------------------------------------------------------------------------------

def test_eleventh_login_attempt_within_a_minute_from_one_address_is_refused(app, client):
    token = csrf_token(client)
    for n in range(10):  # different addresses tried, so only the per-client limit can trip
        response = client.post("/login", data={"csrf_token": token, "email": f"nobody{n}@example.kz",
                                               "password": "wrong-password-1"})
        assert response.status_code == 200, n
    response = client.post("/login", data={"csrf_token": token, "email": "nobody10@example.kz",
                                           "password": "wrong-password-1"})
    assert response.status_code == 429


def test_login_rate_limit_is_counted_per_client_address(app, client, anna):
    token = csrf_token(client)
    for n in range(11):
        client.post("/login", data={"csrf_token": token, "email": f"nobody{n}@example.kz",
                                    "password": "wrong-password-1"})
    response = client.post("/login",
                           data={"csrf_token": token, "email": EMAIL, "password": factories.PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 302


# --- changing the password -----------------------------------------------------------------------------

def test_password_change_with_wrong_current_password_shows_an_error_and_changes_nothing(app, login_as, anna):
    client = login_as(EMAIL)
    hash_before = _password_hash(app)
    response = post_form(client, "/account/password", {
        "current_password": "not-the-password-1", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }, token_from="/account")
    assert response.status_code == 400
    assert _field_error(_html(response), "current_password") == "The current password is wrong."
    assert _password_hash(app) == hash_before
    assert _signed_in(client)


def test_password_change_signs_out_other_sessions_and_keeps_this_one(app, login_as, anna):
    other = app.test_client()
    assert _sign_in(other).status_code == 302
    client = login_as(EMAIL)

    response = post_form(client, "/account/password", {
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }, token_from="/account")

    assert response.status_code == 302
    assert _location(response) == "/account"
    assert _signed_in(client)
    assert not _signed_in(other)


def test_changed_password_is_the_one_that_works(app, login_as, anna):
    client = login_as(EMAIL)
    post_form(client, "/account/password", {
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }, token_from="/account")
    assert _sign_in(app.test_client(), EMAIL, factories.PASSWORD).status_code == 200
    assert _sign_in(app.test_client(), EMAIL, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("password", REVIEW_PASSWORDS)
@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
def test_password_change_refuses_a_common_password_in_the_users_language(app, login_as, password, locale):
    with app.app_context():
        factories.user(EMAIL, full_name="Anna Test", locale=locale)
    client = login_as(EMAIL)
    hash_before = _password_hash(app)
    response = post_form(client, "/account/password", {
        "current_password": factories.PASSWORD, "new_password": password, "confirm": password,
    }, token_from="/account")
    assert response.status_code == 400
    assert _field_error(_html(response), "new_password") == COMMON_MESSAGE[locale]
    assert _password_hash(app) == hash_before


# --- password reset ----------------------------------------------------------------------------------

def test_forgot_password_queues_one_email_with_a_link_for_a_known_address(app, client, anna):
    response = post_form(client, "/password/forgot", {"email": EMAIL}, token_from="/password/forgot")
    assert response.status_code == 302
    messages = _outbox(app)
    assert len(messages) == 1
    recipient, _subject, body = messages[0]
    assert recipient == EMAIL
    assert RESET_LINK_RE.search(body)


def test_forgot_password_queues_nothing_for_an_unknown_address(app, client, anna):
    response = post_form(client, "/password/forgot", {"email": "nobody@example.kz"},
                         token_from="/password/forgot")
    assert response.status_code == 302
    assert _outbox(app) == []


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app, anna):
    answers = []
    for email in (EMAIL, "nobody@example.kz"):
        client = app.test_client()
        response = post_form(client, "/password/forgot", {"email": email}, token_from="/password/forgot")
        shown_next = _flashes(_html(client.get(_location(response))))
        answers.append((response.status_code, _location(response), shown_next))
    assert answers[0] == answers[1]
    assert answers[0] == (302, "/login", [RESET_SENT])


def test_reset_link_sets_a_new_password(app, client, anna):
    path = _request_reset_link(app, client)
    assert client.get(path).status_code == 200
    response = _set_new_password(client, path)
    assert response.status_code == 302
    assert _location(response) == "/login"
    assert _sign_in(app.test_client(), EMAIL, factories.PASSWORD).status_code == 200
    assert _sign_in(app.test_client(), EMAIL, NEW_PASSWORD).status_code == 302


def test_reset_password_signs_out_existing_sessions(app, login_as, anna):
    signed_in = login_as(EMAIL)
    browser = app.test_client()
    path = _request_reset_link(app, browser)
    assert _set_new_password(browser, path).status_code == 302
    assert not _signed_in(signed_in)


def test_reset_link_works_only_once(app, client, anna):
    path = _request_reset_link(app, client)
    assert _set_new_password(client, path).status_code == 302
    hash_after_first_use = _password_hash(app)

    opened_again = client.get(path)
    assert opened_again.status_code == 302
    assert _location(opened_again) == "/password/forgot"
    assert RESET_LINK_BAD in _flashes(_html(client.get("/password/forgot")))

    used_again = client.post(path, data={"csrf_token": csrf_token(client, "/password/forgot"),
                                         "new_password": "yet-another-password-9",
                                         "confirm": "yet-another-password-9"})
    assert used_again.status_code == 302
    assert _password_hash(app) == hash_after_first_use


def test_garbage_reset_token_redirects_with_a_message(app, client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 302
    assert _location(response) == "/password/forgot"
    assert RESET_LINK_BAD in _flashes(_html(client.get("/password/forgot")))


def test_expired_reset_link_redirects_with_a_message(app, client, anna, monkeypatch):
    path = _request_reset_link(app, client)
    later = int(time.time()) + (app.config["RESET_TOKEN_MINUTES"] + 1) * 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.get(path)
    assert response.status_code == 302
    assert _location(response) == "/password/forgot"
    assert RESET_LINK_BAD in _flashes(_html(client.get("/password/forgot")))


def test_too_short_new_password_is_refused_with_an_error(app, client, anna):
    path = _request_reset_link(app, client)
    hash_before = _password_hash(app)
    response = _set_new_password(client, path, "short-1")
    assert response.status_code == 400
    minimum = app.config["PASSWORD_MIN_LENGTH"]
    assert _field_error(_html(response), "new_password") == f"Use at least {minimum} characters."
    assert _password_hash(app) == hash_before
    assert client.get(path).status_code == 200  # the link was not used up


@pytest.mark.parametrize("password", REVIEW_PASSWORDS)
@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
def test_password_reset_refuses_a_common_password_in_the_browsers_language(app, client, anna, password, locale):
    path = _request_reset_link(app, client)
    hash_before = _password_hash(app)
    response = post_form(client, path, {"new_password": password, "confirm": password}, token_from=path,
                         headers={"Accept-Language": locale})
    assert response.status_code == 400
    assert _field_error(_html(response), "new_password") == COMMON_MESSAGE[locale]
    assert _password_hash(app) == hash_before
    assert client.get(path).status_code == 200  # the link was not used up


# --- language ----------------------------------------------------------------------------------------

def test_language_switch_to_kazakh(app, client):
    response = post_form(client, "/language", {"locale": "kk", "next": "/login"})
    assert response.status_code == 302
    assert _location(response) == "/login"
    html = _html(client.get("/login"))
    assert _html_lang(html) == "kk"
    assert _current_language_button(html) == "kk"
    # The page speaks the kk catalogue (identical to English while a string is untranslated).
    kk = Translations.load(str(PROJECT_ROOT / "lms" / "translations"), ["kk"])
    assert f"<h1>{kk.gettext('Sign in')}</h1>" in html


def test_signed_in_users_language_choice_is_saved_as_their_preference(app, login_as, anna):
    client = login_as(EMAIL)
    assert post_form(client, "/language", {"locale": "kk"}, token_from="/account").status_code == 302
    with app.app_context():
        assert db.session.get(User, anna).locale == "kk"
    elsewhere = app.test_client()  # another browser, no language chosen there
    _sign_in(elsewhere)
    assert _html_lang(_html(elsewhere.get("/", follow_redirects=True))) == "kk"


def test_accept_language_is_honoured_for_anonymous_visitors(app, client):
    html = _html(client.get("/login", headers={"Accept-Language": "ru"}))
    assert _html_lang(html) == "ru"
    assert _current_language_button(html) == "ru"


def test_chosen_language_beats_accept_language(app, client):
    post_form(client, "/language", {"locale": "kk"})
    assert _html_lang(_html(client.get("/login", headers={"Accept-Language": "ru"}))) == "kk"


def test_default_language_is_english_in_tests(app, client):
    html = _html(client.get("/login"))
    assert _html_lang(html) == "en"
    assert _current_language_button(html) == "en"
