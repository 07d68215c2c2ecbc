"""Domain error types and the HTTP error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("lms")


class DomainError(Exception):
    """A rule of the platform was not met. Services raise subclasses; views map them to messages."""


class LearnerMessage(DomainError):
    """A refusal whose `message` (a class default, or one given) is a translated sentence shown to the learner."""

    message = _l("This action is not possible.")

    def __init__(self, message=None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message


#: Titles and explanations of the error pages, by status code.
ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page does not exist or you do not have access to it.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    410: (_l("No longer available"), _l("This item has expired or has been removed.")),
    413: (_l("File too large"), _l("The uploaded file is larger than the allowed size.")),
    429: (_l("Too many requests"), _l("Too many attempts. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
    503: (_l("Service unavailable"), _l("The service is temporarily unavailable. Please try again later.")),
}

#: Set on `g` once the database is known to be unusable for this request: the locale selector and the error page
#: then read nothing from it (no signed-in user is loaded).
DATABASE_DOWN = "lms_database_down"


def render_error(code: int, detail=None):
    """The error page (or JSON body) for `code`, with `detail` as plain text (escaped, even when it is a lazy string).

    The page is the full site page when it can be rendered; when it cannot (the database is down, the request named
    an unknown host, rendering failed) a standalone page that needs neither the database nor URL building.
    """
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    # str(): a lazy string or Markup would reach the template as "safe" HTML; a plain str is escaped there.
    message = str(detail or text)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "status": code}, code
    if not g.get(DATABASE_DOWN) and _can_build_urls():
        try:
            return render_template("errors/error.html", code=code, title=str(title), text=message), code
        except Exception:
            log.exception("the %s page could not be rendered; showing the standalone page", code)
            database_unavailable()
    return _standalone_page(code, str(title), message), code


def database_unavailable() -> None:
    """Note that this request must not touch the database again: roll back, forget the signed-in user."""
    from lms.extensions import db, login_manager

    g.setdefault("lms_locale_user", _loaded_user_locale())
    g.setdefault(DATABASE_DOWN, True)
    try:
        db.session.rollback()
    except Exception:  # a dead connection may fail to roll back; the pool discards it either way
        log.debug("rollback failed on an unusable database", exc_info=True)
    g._login_user = login_manager.anonymous_user()  # Flask-Login's slot: templates see nobody signed in


def _loaded_user_locale() -> str | None:
    # The preference of a user already loaded in this request, read without a query (None when not loaded).
    from sqlalchemy import inspect

    state = inspect(g.get("_login_user"), raiseerr=False)
    return state.dict.get("locale") if state is not None else None


def _can_build_urls() -> bool:
    from flask.globals import request_ctx

    # An unknown Host (TRUSTED_HOSTS) leaves the request without a URL adapter: url_for cannot work.
    return request_ctx.url_adapter is not None


def _standalone_page(code: int, title: str, message: str) -> str:
    return render_template("errors/standalone.html", code=code, title=title, text=message,
                           root=request.script_root + "/")


def _record_refusal(record: RefusalRecorder) -> None:
    """Record the refused request in its own transaction, best effort: a failure to record never hides the 403."""
    from flask_login import current_user
    from sqlalchemy.exc import SQLAlchemyError

    from lms.db import begin_write, utcnow
    from lms.extensions import db

    db.session.rollback()
    try:
        begin_write(db.session)  # a refused GET reads first; the audit row needs the write lock
        record(actor=current_user if current_user.is_authenticated else None, now=utcnow(),
               ip=request.remote_addr or "", path=request.path, method=request.method)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def is_database_error(error: BaseException) -> bool:
    """True for errors that say the database cannot be reached or used (not for a bad query or a constraint)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError

    if isinstance(error, OperationalError | InterfaceError | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


#: Records a refused request: called with actor (None when nobody is signed in), now, ip, path and method.
RefusalRecorder = Callable[..., object]


def register_error_handlers(app: Flask, *, record_refusal: RefusalRecorder | None = None) -> None:
    """Render translated error pages (every handler of the app is here); a 500 rolls the database session back and
    shows no stack trace. A 403 is first recorded with `record_refusal` (the audit log; create_app passes it)."""
    from lms.extensions import db

    @app.errorhandler(403)
    def access_denied(_error):
        if record_refusal is not None:
            _record_refusal(record_refusal)
        return render_error(403)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, _l("The form has expired or was tampered with. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if error.code == 405 and error.valid_methods:
            return (*response, {"Allow": ", ".join(error.valid_methods)})
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
        if is_database_error(error):
            database_unavailable()
            return (*render_error(503), {"Retry-After": "30"})
        try:
            db.session.rollback()
        except Exception:
            database_unavailable()
        return render_error(500)
