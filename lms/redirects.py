"""Redirect targets that stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Return `target` when it is a path on this site, else `fallback`.

    Accepts only absolute paths ("/courses?x=1"); refuses full URLs, scheme-relative "//host",
    backslash tricks and control characters, which browsers may turn into another host.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
