"""Domain error types and the HTTP error pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("lms")


class DomainError(Exception):
    """A rule of the platform was not met. Services raise subclasses; views map them to messages."""


class NotFound(DomainError):
    """The object does not exist or the user may not know it exists."""


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


def render_error(code: int, detail=None):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "status": code}, code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def register_error_handlers(app: Flask) -> None:
    """Render translated error pages; a 500 rolls the database session back and shows no stack trace."""
    from lms.extensions import db

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
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
        return render_error(500)
