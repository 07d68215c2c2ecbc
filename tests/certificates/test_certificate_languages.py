"""A certificate in the learner's language: issuer name per language, ministry and department, hours and minutes,
and a credential whose every sentence is in the credential's language."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.certificates import serials
from lms.certificates.models import Certificate
from lms.config import DEFAULT_ISSUER_NAMES, DEFAULTS, issuer_names
from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.learning.conftest import courses_root, sync  # noqa: F401 - fixtures

TITLES = {"en": "AI at work", "kk": "Жұмыстағы жасанды интеллект", "ru": "ИИ на работе"}
MINISTRY = {"kk": "Қаржы министрлігі", "ru": "Министерство финансов", "en": "Ministry of Finance"}
DEPARTMENT = {"kk": "Бюджет департаменті", "ru": "Департамент бюджета", "en": "Budget Department"}


@pytest.fixture
def kk_certified(app, login_as, courses_root):  # noqa: F811
    """A Kazakh-speaking learner in a department two levels below a ministry, certified for an 80-minute course
    taken in Kazakh; returns the serial."""
    write_course(courses_root / "at-work", course_id="at-work", quiz=False, languages=("en", "kk", "ru"),
                 title=TITLES, estimated_minutes=80)
    with app.app_context():
        sync(courses_root)
        ministry = factories.agency("MF", **{f"name_{lang}": name for lang, name in MINISTRY.items()})
        committee = factories.agency("MF-T", parent=ministry, name_kk="Қазынашылық комитеті",
                                     name_ru="Комитет казначейства", name_en="Treasury Committee")
        department = factories.agency("MF-T-B", parent=committee,
                                      **{f"name_{lang}": name for lang, name in DEPARTMENT.items()})
        factories.user("dana@example.kz", full_name="Дана Ерланқызы Сейітова", agency=department, locale="kk")
    client = login_as("dana@example.kz")
    post_form(client, "/courses/at-work/enroll", {}, token_from="/courses/at-work")
    for lesson in ("intro", "data-basics", "wrap-up"):
        post_form(client, f"/courses/at-work/lessons/{lesson}/complete", {}, token_from="/courses/at-work")
    post_form(client, "/logout", {}, token_from="/certificates/")
    with app.app_context():
        return db.session.scalar(select(Certificate.serial))


def _pdf_text(client, serial: str, language: str) -> str:
    data = client.get(f"/certificates/{serial}.pdf?lang={language}").data
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _claims(client, serial: str) -> dict:
    token = client.get(f"/certificates/{serial}/credential.json").json["id"].removeprefix("data:application/vc+jwt,")
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --- what is recorded at issue -----------------------------------------------------------------------------------

def test_the_certificate_records_the_top_of_the_agency_chain_and_the_minutes(app, kk_certified):
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate.language == "kk"
        assert certificate.agency_names == DEPARTMENT
        assert certificate.top_agency_names == MINISTRY
        assert certificate.study_minutes == 80


def test_an_agency_at_the_top_records_no_ministry(app, login_as, courses_root):  # noqa: F811
    write_course(courses_root / "plain", course_id="plain", quiz=False)
    with app.app_context():
        sync(courses_root)
        factories.user("top@example.kz", agency=factories.agency("MF", name_en="Ministry of Finance"))
    client = login_as("top@example.kz")
    post_form(client, "/courses/plain/enroll", {}, token_from="/courses/plain")
    for lesson in ("intro", "data-basics", "wrap-up"):
        post_form(client, f"/courses/plain/lessons/{lesson}/complete", {}, token_from="/courses/plain")
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate.agency_names["en"] == "Ministry of Finance" and certificate.top_agency_names == {}
    assert "Department" not in _pdf_text(client, certificate.serial, "en")


# --- the PDF -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, issuer, time, agency, department", [
    ("kk", DEFAULT_ISSUER_NAMES["kk"], "1 сағ 20 мин", "Мекеме", "Құрылымдық бөлімше"),
    ("ru", DEFAULT_ISSUER_NAMES["ru"], "1 ч 20 мин", "Ведомство", "Структурное подразделение"),
    ("en", "AI Competency Academy", "1 h 20 min", "Agency", "Department"),
])
def test_the_pdf_speaks_its_language(app, login_as, kk_certified, language, issuer, time, agency, department):
    text = _pdf_text(login_as("dana@example.kz"), kk_certified, language)
    lines = [line.strip() for line in text.splitlines()]
    assert issuer in lines
    assert f"{agency} {MINISTRY[language]}" in lines
    assert f"{department} {DEPARTMENT[language]}" in lines
    assert any(line.endswith(time) for line in lines), lines
    assert "1,3" not in text and "1.3" not in text
    if language != "en":
        assert "AI Competency Academy" not in text


@pytest.mark.parametrize("minutes, expected", [(45, "45 мин"), (120, "2 сағ"), (61, "1 сағ 1 мин")])
def test_study_time_is_hours_and_minutes_without_plurals(app, minutes, expected):
    from flask_babel import force_locale

    from lms.certificates.services import format_study_time

    with app.test_request_context(), force_locale("kk"):
        assert format_study_time(minutes) == expected


# --- the verification page and the issuer profile ----------------------------------------------------------------

@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_verification_page_names_the_issuer_in_the_page_language(client, kk_certified, language):
    html = client.get(f"/verify/{serials.display(kk_certified)}", headers={"Accept-Language": language}).get_data(
        as_text=True)
    assert DEFAULT_ISSUER_NAMES[language] in html
    if language != "en":
        assert "AI Competency Academy" not in html.split("<main", 1)[-1]


def test_the_issuer_profile_names_the_issuer_in_the_visitor_language(client):
    response = client.get("/issuer", headers={"Accept-Language": "kk"})
    assert response.json["name"] == DEFAULT_ISSUER_NAMES["kk"]
    assert "Accept-Language" in response.headers["Vary"]


def test_configured_issuer_names_apply_per_language(app, client, login_as, kk_certified, monkeypatch):
    monkeypatch.setitem(app.config, "ISSUER_NAME_KK", "Мемлекеттік басқару академиясы")
    monkeypatch.setitem(app.config, "ISSUER_NAME", "Academy of Public Administration")
    html = client.get(f"/verify/{serials.display(kk_certified)}", headers={"Accept-Language": "kk"}).get_data(
        as_text=True)
    assert "Мемлекеттік басқару академиясы" in html
    owner = login_as("dana@example.kz")
    assert _claims(owner, kk_certified)["issuer"]["name"] == "Мемлекеттік басқару академиясы"
    assert "Academy of Public Administration" in _pdf_text(owner, kk_certified, "ru")  # the common name, for ru


def test_issuer_names_fall_back_to_the_common_setting_then_to_the_defaults():
    assert issuer_names(dict(DEFAULTS)) == DEFAULT_ISSUER_NAMES
    assert issuer_names({**DEFAULTS, "ISSUER_NAME": "Academy"}) == {"kk": "Academy", "ru": "Academy", "en": "Academy"}
    assert issuer_names({**DEFAULTS, "ISSUER_NAME": "Academy", "ISSUER_NAME_RU": " Академия "}) == {
        "kk": "Academy", "ru": "Академия", "en": "Academy"}


def test_issuer_names_can_be_set_in_the_environment(tmp_path):
    from lms.config import load

    settings = load(tmp_path, environ={"LMS_ISSUER_NAME_KK": "Академия", "LMS_ISSUER_NAME_EN": "Academy"})
    assert issuer_names(settings) == {"kk": "Академия", "ru": DEFAULT_ISSUER_NAMES["ru"], "en": "Academy"}


# --- the credential ----------------------------------------------------------------------------------------------

def test_the_credential_is_wholly_in_the_learners_language(login_as, kk_certified):
    claims = _claims(login_as("dana@example.kz"), kk_certified)
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "kk"
    assert claims["issuer"]["name"] == DEFAULT_ISSUER_NAMES["kk"]
    assert claims["name"] == achievement["name"] == TITLES["kk"]
    narrative = achievement["criteria"]["narrative"]
    assert narrative == ("«Жұмыстағы жасанды интеллект» курсын аяқтады (оқудың болжамды ұзақтығы: 1 сағ 20 мин). "
                         "Мекеме: Бюджет департаменті, Қаржы министрлігі.")
    assert not re.search(r"[A-Za-z]", narrative)  # not one English word


def test_a_pdf_made_before_the_issuer_was_renamed_is_made_again(app, login_as, kk_certified, monkeypatch):
    owner = login_as("dana@example.kz")
    assert DEFAULT_ISSUER_NAMES["kk"] in _pdf_text(owner, kk_certified, "kk")  # made, and kept in the cache
    monkeypatch.setitem(app.config, "ISSUER_NAME_KK", "Мемлекеттік басқару академиясы")
    assert "Мемлекеттік басқару академиясы" in _pdf_text(owner, kk_certified, "kk")
