"""Security headers on every response, added where the WSGI response starts (error pages and failures included)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable

from flask import Flask

log = logging.getLogger("lms")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])



def csp_with_frames(origin: str) -> str:
    """CSP, except that the page may frame `origin` (a SCORM lesson's content origin)."""
    return f"{CSP}; frame-src {origin}"


HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

#: The last-resort page, when the application itself failed to answer (no template, no translation, no database).
FALLBACK_PAGE = """<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><title>500</title></head><body><main>
<h1>Бірдеңе дұрыс болмады</h1><p>Күтпеген қате орын алды. Кейінірек қайталап көріңіз.</p>
<h1 lang="ru">Что-то пошло не так</h1><p lang="ru">Произошла непредвиденная ошибка. Повторите попытку позже.</p>
<h1 lang="en">Something went wrong</h1><p lang="en">An unexpected error occurred. Please try again later.</p>
</main></body></html>
""".encode()


class SecurityHeaders:
    """WSGI middleware: adds the headers a response does not set itself; answers a bare 500 page with them when
    the application raised instead of answering (unless exceptions should propagate: debugging, tests)."""

    def __init__(self, wsgi_app, *, production: bool, propagate: Callable[[], bool]):
        self.wsgi_app = wsgi_app
        self.headers = HEADERS + ([HSTS] if production else [])
        self.propagate = propagate

    def _add(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        present = {name.lower(): value for name, value in headers}
        extra = [(name, value) for name, value in self.headers if name.lower() not in present]
        if "cache-control" not in present and present.get("content-type", "").startswith("text/html"):
            extra.append(("Cache-Control", "no-store"))  # pages carry personal data and CSRF tokens
        return headers + extra

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        started = []

        def start(status, headers, exc_info=None):
            started.append(status)
            return start_response(status, self._add(list(headers)), exc_info)

        try:
            return self.wsgi_app(environ, start)
        except Exception:
            if self.propagate():
                raise
            log.exception("the application failed to answer %s %s", environ.get("REQUEST_METHOD"),
                          environ.get("PATH_INFO"))
            # exc_info only when the application had started a response (PEP 3333: the server replaces it).
            start("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html; charset=utf-8"),
                                                ("Content-Length", str(len(FALLBACK_PAGE)))],
                  sys.exc_info() if started else None)
            return [FALLBACK_PAGE]


def install_security_headers(app: Flask) -> None:
    """Add CSP (no inline script), nosniff, referrer policy, framing and, in production, HSTS to every response."""

    def propagate() -> bool:
        # Flask's own rule: let exceptions through when debugging (the debugger shows them) or testing.
        setting = app.config["PROPAGATE_EXCEPTIONS"]
        return setting if setting is not None else app.testing or app.debug

    app.wsgi_app = SecurityHeaders(app.wsgi_app, production=app.config["ENV"] == "production", propagate=propagate)
