"""Self-registration with a work email: an app with SELF_REGISTRATION on and gov.kz mapped to agency GOV."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.accounts.models import Role, User
from lms.extensions import db
from lms.mail.models import OutboxMessage
from tests import factories
from tests.accounts.test_password_rules import COMMON_MESSAGE, REVIEW_PASSWORDS
from tests.conftest import post_form, settings_for_tests

REGISTER_LINK_RE = re.compile(r"https?://[^/\s]+(/register/\S+)")
PASSWORD = "a-long-enough-password-1"


@pytest.fixture(scope="module")
def reg_app(app, db_url):
    """A second app on the same database (its tables are made by the session `app`), registration open."""
    settings = settings_for_tests(db_url, SELF_REGISTRATION=True, REGISTRATION_DOMAINS="gov.kz=GOV")
    registration_app = create_app(settings)
    yield registration_app
    with registration_app.app_context():
        db.engine.dispose()


@pytest.fixture
def reg_client(reg_app):
    return reg_app.test_client()


@pytest.fixture
def gov(reg_app) -> None:
    with reg_app.app_context():
        factories.agency("GOV")


def _location(response) -> str:
    parts = urlsplit(response.headers["Location"])
    assert parts.netloc in ("", "localhost"), parts
    return parts.path


def _outbox(reg_app) -> list[tuple[str, str, str]]:
    with reg_app.app_context():
        return [(m.recipient, m.subject, m.body)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _users_with_email(reg_app, email: str) -> int:
    with reg_app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.email == email))


def _register(client, email: str):
    return post_form(client, "/register", {"email": email}, token_from="/register")


def _registration_link(reg_app, client, email: str) -> str:
    assert _register(client, email).status_code == 302
    messages = _outbox(reg_app)
    assert len(messages) == 1
    match = REGISTER_LINK_RE.search(messages[0][2])
    assert match, messages[0][2]
    return match.group(1)


def _complete(client, path: str, full_name: str = "Aigerim Test", password: str = PASSWORD):
    return post_form(client, path, {"full_name": full_name, "new_password": password, "confirm": password},
                     token_from=path)


def test_registration_page_names_the_allowed_domains(reg_client, gov):
    response = reg_client.get("/register")
    assert response.status_code == 200
    assert "gov.kz" in response.get_data(as_text=True)


def test_email_in_another_domain_is_refused_naming_the_allowed_domains(reg_app, reg_client, gov):
    response = _register(reg_client, "someone@mail.kz")
    assert response.status_code == 400
    assert "Registration is open only for these email domains: gov.kz." in response.get_data(as_text=True)
    assert _outbox(reg_app) == []


def test_allowed_email_gets_a_link_by_email(reg_app, reg_client, gov):
    response = _register(reg_client, "Aigerim@Gov.kz")
    assert response.status_code == 302
    assert _location(response) == "/login"
    messages = _outbox(reg_app)
    assert len(messages) == 1
    recipient, _subject, body = messages[0]
    assert recipient == "aigerim@gov.kz"
    assert REGISTER_LINK_RE.search(body)
    assert _users_with_email(reg_app, "aigerim@gov.kz") == 0  # nothing is created before the link is used


def test_following_the_link_creates_an_active_learner_in_gov_and_signs_them_in(reg_app, reg_client, gov):
    path = _registration_link(reg_app, reg_client, "aigerim@gov.kz")
    page = reg_client.get(path)
    assert page.status_code == 200
    assert "aigerim@gov.kz" in page.get_data(as_text=True)

    response = _complete(reg_client, path)

    assert response.status_code == 302
    assert _location(response) == "/"
    with reg_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "aigerim@gov.kz"))
        assert user is not None
        assert user.is_active
        assert user.full_name == "Aigerim Test"
        assert user.roles == {Role.LEARNER}
        assert user.agency.code == "GOV"
    home = reg_client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "Aigerim Test" in home.get_data(as_text=True)


def test_registered_user_can_sign_in_with_the_chosen_password(reg_app, reg_client, gov):
    path = _registration_link(reg_app, reg_client, "aigerim@gov.kz")
    _complete(reg_client, path)
    response = post_form(reg_app.test_client(), "/login", {"email": "aigerim@gov.kz", "password": PASSWORD})
    assert response.status_code == 302


def test_existing_account_gets_the_already_registered_email_and_no_second_account(reg_app, reg_client, gov):
    with reg_app.app_context():
        factories.user("aigerim@gov.kz")
    response = _register(reg_client, "aigerim@gov.kz")
    assert response.status_code == 302  # the same answer as for a new address
    assert _location(response) == "/login"
    messages = _outbox(reg_app)
    assert len(messages) == 1
    recipient, subject, body = messages[0]
    assert recipient == "aigerim@gov.kz"
    assert subject == "You already have an account"
    assert not REGISTER_LINK_RE.search(body)
    assert _users_with_email(reg_app, "aigerim@gov.kz") == 1


def test_registration_link_used_twice_creates_one_account(reg_app, reg_client, gov):
    path = _registration_link(reg_app, reg_client, "aigerim@gov.kz")
    assert _complete(reg_client, path).status_code == 302
    again = reg_app.test_client()
    response = _complete(again, path, full_name="Someone Else")
    assert response.status_code == 302
    assert _location(response) == "/login"
    assert _users_with_email(reg_app, "aigerim@gov.kz") == 1
    assert again.get("/account").status_code == 302  # not signed in


def test_too_short_password_is_refused_at_registration(reg_app, reg_client, gov):
    path = _registration_link(reg_app, reg_client, "aigerim@gov.kz")
    response = _complete(reg_client, path, password="short-1")
    assert response.status_code == 400
    minimum = reg_app.config["PASSWORD_MIN_LENGTH"]
    assert f"Use at least {minimum} characters." in response.get_data(as_text=True)
    assert _users_with_email(reg_app, "aigerim@gov.kz") == 0


@pytest.mark.parametrize("password", REVIEW_PASSWORDS)
@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
def test_a_common_password_is_refused_at_registration_in_the_browsers_language(reg_app, reg_client, gov, password,
                                                                                locale):
    path = _registration_link(reg_app, reg_client, "aigerim@gov.kz")
    response = post_form(reg_client, path, {"full_name": "Aigerim Test", "new_password": password,
                                            "confirm": password}, token_from=path, headers={"Accept-Language": locale})
    assert response.status_code == 400
    assert COMMON_MESSAGE[locale] in response.get_data(as_text=True)
    assert _users_with_email(reg_app, "aigerim@gov.kz") == 0


def test_garbage_registration_link_redirects_to_the_registration_page(reg_client, gov):
    response = reg_client.get("/register/not-a-real-token")
    assert response.status_code == 302
    assert _location(response) == "/register"


def test_registration_is_closed_while_password_sign_in_is_off(reg_app, reg_client, gov, monkeypatch):
    monkeypatch.setitem(reg_app.config, "PASSWORD_SIGN_IN", False)
    assert reg_client.get("/register").status_code == 404
    assert "/register" not in reg_client.get("/login").get_data(as_text=True)
    assert _outbox(reg_app) == []
