"""Absolute links to this site, built from LMS_BASE_URL and never from the request's Host header."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` on the configured public address (BASE_URL), for links that leave the site.

    Emails, QR codes, credential ids and the like must not take their host from the request: a forged Host or
    X-Forwarded-Host would otherwise send a password-reset token to another site.
    """
    app = current_app
    base = app.config["BASE_URL"]
    cached = app.extensions.get("lms_public_urls")
    if cached is None or cached[0] != base:
        parts = urlsplit(base)
        cached = app.extensions["lms_public_urls"] = (base, app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme))
    return cached[1].build(endpoint, values, force_external=True)
