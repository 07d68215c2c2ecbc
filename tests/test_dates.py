"""Dates on pages: one helper (lms.i18n.format_day / format_moment, the locale's medium format in the platform's
time zone) used by every template; files keep ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from lms import PROJECT_ROOT
from lms.i18n import format_day, format_moment

TEMPLATES = PROJECT_ROOT / "lms" / "templates"
#: Date formatting other than the helpers: Flask-Babel's filters, strftime, Babel's functions, ISO text.
OTHER_FORMATTING = re.compile(r"\|\s*(datetimeformat|dateformat|timeformat|date)\b|strftime|format_date|"
                              r"format_datetime|format_time|\.isoformat\(")
#: ISO text is right in attributes read by machines: a date input's value, <time datetime>, data-* for scripts.
MACHINE_ATTRIBUTE = re.compile(r'\b(value|datetime|data-[\w-]+)="\{\{[^}]*\.isoformat\(\)[^}]*\}\}"')
#: Python modules that may format dates for people themselves: the helpers, and the certificate PDF (a formal
#: document, which writes the day in full).
PYTHON_ALLOWED = {"lms/i18n.py", "lms/certificates/services.py"}
BABEL_DATE_FUNCTION = re.compile(r"\b(format_date|format_datetime|format_time|format_skeleton)\b")


def _other_formatting(text: str) -> list[str]:
    return [match.group(0) for match in OTHER_FORMATTING.finditer(MACHINE_ATTRIBUTE.sub("", text))]


def test_templates_format_dates_only_through_the_helpers():
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt", ".xml", ".svg") and (hits := _other_formatting(path.read_text("utf-8"))):
            found[str(path.relative_to(TEMPLATES))] = hits
    assert found == {}, "use |format_day or |format_moment (lms/i18n.py) for dates on pages"


def test_the_scan_recognises_other_formatting_and_allows_machine_attributes():
    assert _other_formatting('{{ x.due_at|dateformat("long") }} {{ y|datetimeformat }} {{ z.strftime("%d") }}') == [
        "|dateformat", "|datetimeformat", "strftime"]
    assert _other_formatting("<td>{{ week.isoformat() }}</td>") == [".isoformat("]
    assert _other_formatting('<input type="date" value="{{ d.isoformat() if d else \'\' }}">'
                             '<p data-deadline="{{ a.deadline_at.isoformat() }}">') == []


def test_python_code_leaves_date_formatting_for_people_to_the_helpers():
    root = Path(PROJECT_ROOT)
    modules = {str(path.relative_to(root)): path for path in sorted((root / "lms").rglob("*.py"))}
    found = [name for name, path in modules.items()
             if name not in PYTHON_ALLOWED and BABEL_DATE_FUNCTION.search(path.read_text("utf-8"))]
    assert found == []


@pytest.mark.parametrize("locale, day, moment", [
    ("kk", "2025\u202fж. 07 қаң.", "2025\u202fж. 07 қаң., 01:30"),  # CLDR puts a narrow no-break space
    ("ru", "7 янв. 2025\u202fг.", "7 янв. 2025\u202fг., 01:30"),
    ("en", "Jan 7, 2025", "Jan 7, 2025, 1:30\u202fAM"),
])
def test_days_and_moments_use_the_locale_medium_format_in_the_platform_time_zone(app, locale, day, moment):
    late_evening_utc = datetime(2025, 1, 6, 20, 30, tzinfo=UTC)  # already 7 January in Almaty (UTC+5)
    assert app.config["TIMEZONE"] == "Asia/Almaty"
    with app.test_request_context(), force_locale(locale):
        assert format_day(late_evening_utc) == day
        assert format_day(date(2025, 1, 7)) == day
        assert format_day("2025-01-07") == day
        assert format_moment(late_evening_utc) == moment
        assert format_moment(late_evening_utc.replace(tzinfo=None)) == moment  # naive: UTC
        assert format_moment("2025-01-06T20:30:00+00:00") == moment
        assert format_day(None) == format_day("") == format_moment(None) == ""
