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
