"""Locale selection (user -> session -> Accept-Language -> default), per-language text with fallback, and the one
way pages write dates (format_day, format_moment: the locale's medium format in the platform's time zone)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import flask_babel
from babel.dates import get_datetime_format
from flask import g
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


def _as_date_or_datetime(value: date | datetime | str) -> date | datetime:
    if isinstance(value, str):  # ISO 8601, as report rows and stored results carry dates
        return datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    return value


def format_day(value: date | datetime | str | None) -> str:
    """A day for a page, in the UI locale's medium format ("3 дек. 2026 г.", "2026 ж. 03 жел.", "Dec 3, 2026").

    A datetime (naive ones are UTC) is first converted to the platform's time zone (LMS_TIMEZONE), so a moment
    shows on the day it was there; ISO 8601 text is read first. None or "" gives "". Files (CSV, XLSX, JSON) use
    ISO 8601 instead.
    """
    if value is None or value == "":
        return ""
    return flask_babel.format_date(_as_date_or_datetime(value), "medium")


def format_moment(value: datetime | str | None) -> str:
    """A moment for a page: the day as format_day() writes it and the time to the minute, joined as the locale
    joins a medium date and time ("3 дек. 2026 г., 00:31", "Dec 3, 2026, 12:31 AM"), in the platform's time zone.
    Seconds are left out: no page needs them. None or "" gives ""."""
    if value is None or value == "":
        return ""
    moment = flask_babel.to_user_timezone(_as_date_or_datetime(value))
    pattern = str(get_datetime_format("medium", locale=flask_babel.get_locale()))
    return (pattern.replace("'", "").replace("{0}", flask_babel.format_time(moment, "short", rebase=False))
            .replace("{1}", flask_babel.format_date(moment, "medium", rebase=False)))


def install_date_filters(app) -> None:
    """Register format_day and format_moment as the templates' date filters."""
    app.jinja_env.filters["format_day"] = format_day
    app.jinja_env.filters["format_moment"] = format_moment


def _translations():
    """The current translations, looked up once per request and locale instead of on every string.

    Flask-Babel's own lookup walks `g` three times and formats the locale's name for every string (about a hundred
    per page). This keeps (locale, translations) on Flask-Babel's per-request namespace and reuses it while the
    locale object is the same one; force_locale (mails, certificates) puts another locale object there and puts the
    first one back afterwards, so inside and after it the right translations are used.
    """
    ctx = g.get("_flask_babel") if g else None
    if ctx is None:
        return flask_babel.get_translations()
    locale = getattr(ctx, "babel_locale", None) or flask_babel.get_locale()
    memo = getattr(ctx, "lms_translations", None)
    if memo is not None and memo[0] is locale:
        return memo[1]
    translations = flask_babel.get_translations()
    ctx.lms_translations = (locale, translations)
    return translations


class _RequestDomain(flask_babel.Domain):
    """Flask-Babel's message domain with the same per-request memo, for gettext, _l and ngettext in Python code."""

    def get_translations(self):
        ctx = g.get("_flask_babel") if g else None
        if ctx is None:
            return super().get_translations()
        locale = getattr(ctx, "babel_locale", None) or flask_babel.get_locale()
        memo = getattr(ctx, "lms_domain_translations", None)
        if memo is not None and memo[0] is locale and memo[1] is self:
            return memo[2]
        translations = super().get_translations()
        ctx.lms_domain_translations = (locale, self, translations)
        return translations


def install_template_gettext(app) -> None:
    """Templates translate through _translations() (Jinja's i18n extension formats the strings as before), and
    Python code through _RequestDomain."""
    instance = app.extensions["babel"].instance
    if not isinstance(instance.__dict__.get("domain_instance"), _RequestDomain):
        with app.app_context():
            instance.domain_instance = _RequestDomain(domain=instance.domain)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
