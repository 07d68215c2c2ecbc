"""Web glue between Flask-Login, the cookie session and the LoginSession table."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from lms.accounts import services
from lms.accounts.models import User
from lms.db import utcnow
from lms.extensions import login_manager

_TOKEN_KEY = "lms_sid"  # noqa: S105 - the session key name, not a secret


def init_login(app: Flask) -> None:
    """Configure Flask-Login: users are loaded only through a live LoginSession row."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # replay protection comes from the LoginSession row

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        found = services.load_session_user(user_id, session.get(_TOKEN_KEY), now=utcnow())
        if found is None:
            return None
        user, g.login_session_id = found
        return user


def sign_in(user: User) -> None:
    """Start a fresh session for `user`: new cookie contents, new server-side session row."""
    locale = session.get("locale")
    session.clear()  # renew: nothing from before sign-in carries over, except the chosen language
    if locale:
        session["locale"] = locale
    lifetime = timedelta(hours=current_app.config["SESSION_HOURS"])
    session[_TOKEN_KEY] = services.start_session(
        user, now=utcnow(), lifetime=lifetime, ip=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    """End the current session on the server and clear the cookie."""
    services.end_session(session.get(_TOKEN_KEY))
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def current_session_id() -> int | None:
    """The LoginSession id of the signed-in request, if any."""
    return g.get("login_session_id")
