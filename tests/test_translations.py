"""Translation catalogs: every string in the code is in the kk/ru catalogs, translated, with its placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "lms" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}


def _catalog(locale: str):
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _strings_in_code() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "lms"), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_catalog_has_every_string_of_the_code(locale):
    catalog_ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalog(locale) if m.id}
    missing = sorted(_strings_in_code() - catalog_ids)
    assert missing == [], "run `make i18n` and translate the new strings"


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_catalog_is_fully_translated(locale):
    untranslated = [m.id for m in _catalog(locale) if m.id and (
        m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert untranslated == []


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_translations_keep_their_placeholders(locale):
    broken = []
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) - expected:
                broken.append((message.id, string))
            if string and not set(PLACEHOLDER.findall(ids[0])) - {"%(num)d"} <= set(PLACEHOLDER.findall(string)):
                broken.append((message.id, string))
    assert broken == []


def test_russian_has_three_plural_forms_and_kazakh_two():
    assert _catalog("ru").num_plurals == 3
    assert _catalog("kk").num_plurals == 2


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_plural_entries_have_every_form_of_the_language(locale):
    catalog = _catalog(locale)
    wrong = [m.id for m in catalog if m.id and m.pluralizable and (
        not isinstance(m.string, tuple) or len(m.string) != catalog.num_plurals or not all(m.string))]
    assert wrong == []


def test_dates_and_numbers_on_a_page_follow_the_language(app, client, login_as):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_time
    from babel.numbers import format_decimal
    from flask_babel import force_locale

    from lms.accounts.models import Role
    from lms.db import utcnow
    from tests import factories
    from tests.conftest import post_form

    with app.app_context():
        factories.user("hr-locale@example.kz", roles={Role.HR}, agency=factories.agency("LOCALE"))
    login_as("hr-locale@example.kz")
    shown = {}
    for locale in ("kk", "ru", "en"):
        post_form(client, "/language", {"locale": locale, "next": "/reports/"}, token_from="/reports/")
        html = client.get("/reports/").get_data(as_text=True)
        assert f'<html lang="{locale}">' in html
        now = utcnow()
        # "Figures as of <date and time>": Babel's medium date and short time in this language (joined with ", ").
        local = [(now + timedelta(minutes=m)).astimezone(ZoneInfo(app.config["TIMEZONE"])) for m in (-1, 0, 1)]
        candidates = {format_date(moment, "medium", locale=locale) + ", " + format_time(moment, "short", locale=locale)
                      for moment in local}
        found = [c for c in candidates if c in html]
        assert found, (locale, candidates)
        shown[locale] = found[0]
        with app.test_request_context(), force_locale(locale):
            assert app.jinja_env.filters["numberformat"](1234567) == format_decimal(1234567, locale=locale)
    assert len(set(shown.values())) == 3, shown
