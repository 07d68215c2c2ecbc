"""Report pages write days and moments in the locale's medium format, in the platform's time zone (Asia/Almaty,
UTC+5), in every language; never as ISO text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.reports import builders as b

#: (enrolled on, completed on, alpha's due date for OTHER) as each language writes them.
DAYS = {
    "kk": ("2025\u202fж. 06 қаң.", "2025\u202fж. 07 қаң.", "2025\u202fж. 16 қаң."),
    "ru": ("6 янв. 2025\u202fг.", "7 янв. 2025\u202fг.", "16 янв. 2025\u202fг."),
    "en": ("Jan 6, 2025", "Jan 7, 2025", "Jan 16, 2025"),
}
#: "Figures as of ..." on the dashboard: the medium day and the time to the minute.
MOMENT = {
    "kk": r"Деректер \d{4}\u202fж\. \d{2} \w+\., \d{2}:\d{2} жағдай бойынша\.</p>",
    "ru": r"на \d{1,2} \w+\.? \d{4}\u202fг\., \d{2}:\d{2}\.</p>",
    "en": r"as of [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\u202f[AP]M\.</p>",
}


@pytest.fixture
def night_owl(app, world):
    """A learner of OTHER who enrolled and finished late in the evening UTC: already the next day in Almaty."""
    with app.app_context():
        user = b.new_user("night@example.kz", agency=b.agency("OTHER"), full_name="Night Owl")
        b.complete(user, "alpha", at=datetime(2025, 1, 5, 21, 0, tzinfo=UTC),
                   done_at=datetime(2025, 1, 6, 20, 30, tzinfo=UTC))
        return user.id


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_the_learner_record_writes_days_in_the_locale_medium_format(app, night_owl, locale):
    client = b.signed_in(app, "hr-other@example.kz")
    html = client.get(f"/reports/learners/{night_owl}", headers={"Accept-Language": locale}).get_data(as_text=True)
    enrolled, completed, _due = DAYS[locale]
    assert f"<td>{enrolled}</td>" in html and f"<td>{completed}</td>" in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html.split("<main", 1)[1])  # no ISO dates in the page


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_the_learner_list_and_the_overdue_list_write_days_in_the_locale_medium_format(app, night_owl, locale):
    client = b.signed_in(app, "hr-other@example.kz")
    headers = {"Accept-Language": locale}
    learners = client.get("/reports/learners", headers=headers).get_data(as_text=True)
    assert f"<td>{DAYS[locale][1]}</td>" in learners
    overdue = client.get("/reports/overdue", headers=headers).get_data(as_text=True)
    assert f"<td>{DAYS[locale][2]}</td>" in overdue


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_the_dashboard_writes_its_moment_and_days_in_the_locale_medium_format(app, night_owl, locale):
    html = b.signed_in(app, "hr-other@example.kz").get(
        "/reports/", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert re.search(MOMENT[locale], html), locale
    assert f"<td>{DAYS[locale][2]}</td>" in html  # the overdue item's due date
