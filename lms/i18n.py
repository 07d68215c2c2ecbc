"""Locale selection (user -> session -> Accept-Language -> default) and per-language text with fallback."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from lms.config import LOCALES

#: Names of the languages in themselves, for the language switcher.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

#: Names of the languages in the UI language, for sentences about content languages.
LANGUAGE_NAMES_TRANSLATED = {"kk": _l("Kazakh"), "ru": _l("Russian"), "en": _l("English")}

#: Fallback order when a text is missing in the wanted language.
FALLBACK = {"kk": ("kk", "ru", "en"), "ru": ("ru", "kk", "en"), "en": ("en", "ru", "kk")}


def localized(texts: Mapping[str, str | None], locale: str) -> str:
    """Return texts[locale], else the first non-empty text in the fallback order, else ""."""
    for candidate in FALLBACK.get(locale, LOCALES):
        value = texts.get(candidate)
        if value:
            return value
    return ""


def select_locale(user_locale: str | None, session_locale: str | None, accept_languages, default: str) -> str:
    """Pick the UI locale: the user's preference, then the session's choice, then the browser's, then default."""
    for choice in (user_locale, session_locale):
        if choice in LOCALES:
            return choice
    best = accept_languages.best_match(LOCALES) if accept_languages else None
    return best or default


def get_locale() -> str:
    """Flask-Babel locale selector for the current request."""
    from flask import current_app, g, has_request_context, request, session
    from flask_login import current_user

    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    if g.get("lms_database_down"):  # lms.errors.DATABASE_DOWN: the error page must not load the user
        user_locale = g.get("lms_locale_user")
    else:
        user_locale = current_user.locale if current_user and current_user.is_authenticated else None
    return select_locale(
        user_locale, session.get("locale"), request.accept_languages, current_app.config["DEFAULT_LOCALE"]
    )
