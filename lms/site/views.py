"""Home page, language switcher and health check."""

from __future__ import annotations

from flask import abort, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms.config import LOCALES
from lms.extensions import db, limiter
from lms.redirects import safe_next
from lms.site import bp


@bp.get("/")
def index():
    """The home page: the learner's "My learning" page (what to do next, at a glance), or signing in."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for("learning.dashboard"))


@bp.post("/language")
def set_language():
    """Switch the UI language: kept in the session, and as the preference of a signed-in user."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("site.index")))


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 with {"status": "ok"} when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
