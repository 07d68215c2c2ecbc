"""My team (/team/) and a person's record as their manager sees it (/team/people/<id>), on the `team` organisation
of tests/team/conftest.py."""

from __future__ import annotations

import re

import pytest

from lms.extensions import db
from tests.reports import builders as b


def names(html: str) -> list[str]:
    """The people listed on My team, in page order (each is a heading linking to their record)."""
    return re.findall(r'<h2 id="member-\d+"><a href="/team/people/\d+">([^<]+)</a>', html)


def summary(html: str) -> list[int]:
    """People, overdue courses, certificates expiring (the summary's figures, in order)."""
    block = html.split('id="summary-heading"', 1)[1].split("</dl>", 1)[0]
    return [int(value) for value in re.findall(r"<dd>(\d+)</dd>", block)]


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_a_manager_sees_their_direct_reports_by_default(app, team):
    html = get(b.signed_in(app, "boss@example.kz"), "/team/")
    assert names(html) == ["Laura Lead", "Yerlan Late", "Әсел Құрманғазықызы"]
    assert "Dana Deep" not in html and "Olga Outsider" not in html
    assert "Gone Direct" not in html  # deactivated reports are not listed
    assert summary(html) == [3, 1, 1]


def test_everyone_below_adds_the_reports_reports_with_their_manager(app, team):
    html = get(b.signed_in(app, "boss@example.kz"), "/team/?scope=all")
    assert names(html) == ["Dana Deep", "Laura Lead", "Yerlan Late", "Әсел Құрманғазықызы"]
    assert "Reports to Laura Lead" in html
    assert "Gone Deep" not in html
    assert summary(html) == [4, 2, 1]


def test_each_person_shows_their_courses_due_dates_progress_and_certificates(app, team):
    html = get(b.signed_in(app, "boss@example.kz"), "/team/")
    late = html.split("Yerlan Late", 1)[1].split("</section>", 1)[0]
    assert "Beta course" in late and "badge--overdue" in late and "Not started" in late
    lead = html.split("Laura Lead", 1)[1].split("</section>", 1)[0]
    assert "33 %" in lead and "1 of 3 lessons" in lead and "In progress" in lead
    assert "Gamma course" in lead and "status--valid" in lead
    done = html.split("Әсел Құрманғазықызы", 1)[1].split("</section>", 1)[0]
    assert "100 %" in done and "expiring soon" in done and "valid until" in done


@pytest.mark.parametrize(("query", "expected"), [
    ("status=overdue", ["Yerlan Late"]),
    ("status=overdue&scope=all", ["Dana Deep", "Yerlan Late"]),
    ("status=in_progress", ["Laura Lead"]),
    ("status=completed", ["Laura Lead", "Әсел Құрманғазықызы"]),
    ("status=not_started", ["Yerlan Late"]),
    ("course=alpha", ["Laura Lead", "Әсел Құрманғазықызы"]),
    ("course=beta&scope=all", ["Dana Deep", "Yerlan Late"]),
    ("course=alpha&status=completed", ["Әсел Құрманғазықызы"]),
    ("q=laura", ["Laura Lead"]),
    ("q=LEAD", ["Laura Lead"]),
    ("q=%C3%A6", []),  # æ: nobody
    ("q=%D3%99%D1%81%D0%B5%D0%BB", ["Әсел Құрманғазықызы"]),  # "әсел": Kazakh letters, either case
    ("q=%D3%98%D0%A1%D0%95%D0%9B", ["Әсел Құрманғазықызы"]),  # "ӘСЕЛ"
    ("q=100%25", []),  # a LIKE wildcard is searched for as text
])
def test_filters_narrow_the_people(app, team, query, expected):
    assert names(get(b.signed_in(app, "boss@example.kz"), f"/team/?{query}")) == expected


def test_the_course_filter_narrows_each_persons_courses_and_the_summary(app, team):
    html = get(b.signed_in(app, "boss@example.kz"), "/team/?course=alpha")
    assert "Gamma course" not in html.split('id="summary-heading"', 1)[1].split('id="export-heading"', 1)[0]
    assert summary(html) == [2, 0, 1]


@pytest.mark.parametrize("query", ["status=lost", "scope=everyone", "course=no-such-course"])
def test_malformed_filters_answer_400(app, team, query):
    assert b.signed_in(app, "boss@example.kz").get(f"/team/?{query}").status_code == 400


def test_the_team_is_paginated(app, team):
    with app.app_context():
        boss = b.person("boss@example.kz")
        for n in range(25):
            b.new_user(f"extra{n:02}@example.kz", full_name=f"Extra {n:02}", manager_id=boss.id)
        db.session.commit()
    client = b.signed_in(app, "boss@example.kz")
    first = get(client, "/team/")
    assert len(names(first)) == 25 and summary(first)[0] == 28
    assert 'rel="next"' in first
    second = get(client, "/team/?page=2")
    assert names(first) == [f"Extra {n:02}" for n in range(25)]
    assert names(second) == ["Laura Lead", "Yerlan Late", "Әсел Құрманғазықызы"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_lead_sees_only_their_own_part_of_the_line(app, team):
    html = get(b.signed_in(app, "lead@example.kz"), "/team/?scope=all")
    assert names(html) == ["Dana Deep"]


@pytest.mark.parametrize("email", ["deep@example.kz", "outsider@example.kz", "hr-root@example.kz",
                                   "admin@example.kz"])
def test_people_without_reports_have_no_team_page_nor_menu_item(app, team, email):
    client = b.signed_in(app, email)
    assert client.get("/team/").status_code == 403
    assert 'href="/team/"' not in get(client, "/my-learning")


def test_the_menu_offers_my_team_to_managers(app, team):
    assert '<a href="/team/"' in get(b.signed_in(app, "boss@example.kz"), "/my-learning")


def test_a_report_record_shows_courses_quiz_results_and_overdue_training(app, team):
    with app.app_context():
        lead, deep = b.person("lead@example.kz").id, b.person("deep@example.kz").id
    client = b.signed_in(app, "boss@example.kz")
    html = get(client, f"/team/people/{lead}")
    assert "<h1>Laura Lead</h1>" in html and "lead@example.kz" in html and "Team lead" in html
    assert "Bolat Boss" in html  # line manager
    quiz = html.split("Quiz results", 1)[1].split("Overdue mandatory training", 1)[0]
    assert quiz.count("Gamma course") == 2 and "Passed" in quiz and "Not passed" in quiz and "100%" in quiz
    assert "Nothing overdue." in html
    deep_html = get(client, f"/team/people/{deep}")  # down the line
    assert "Beta course, due" in deep_html and "No quiz attempts yet." in deep_html


def test_a_record_shows_nothing_of_the_account(app, team):
    with app.app_context():
        lead = b.person("lead@example.kz").id
    html = get(b.signed_in(app, "boss@example.kz"), f"/team/people/{lead}")
    for text in ("Roles", "Last sign-in", "Linked sign-in accounts", "Deactivate", "password", "/admin/",
                 "Audit"):
        assert text not in html.split("<main", 1)[1], text


@pytest.mark.parametrize("email", ["outsider@example.kz", "gone@example.kz", "deep-gone@example.kz",
                                   "boss@example.kz", "hr-root@example.kz"])
def test_anyone_elses_record_is_not_found(app, team, email):
    with app.app_context():
        target = b.person(email).id
    assert b.signed_in(app, "boss@example.kz").get(f"/team/people/{target}").status_code == 404


def test_a_lead_cannot_open_their_own_managers_record(app, team):
    with app.app_context():
        boss = b.person("boss@example.kz").id
    assert b.signed_in(app, "lead@example.kz").get(f"/team/people/{boss}").status_code == 404


def test_hr_keeps_their_learner_record_and_gets_no_team_record(app, team):
    with app.app_context():
        deep = b.person("deep@example.kz").id
    client = b.signed_in(app, "hr-root@example.kz")
    assert client.get(f"/reports/learners/{deep}").status_code == 200
    assert client.get(f"/team/people/{deep}").status_code == 403


def test_the_pages_are_translated(app, team):
    client = b.signed_in(app, "boss@example.kz")
    with app.app_context():
        b.person("boss@example.kz").locale = "ru"
        db.session.commit()
    html = get(client, "/team/")
    assert "Моя команда" in html and "Мои прямые подчинённые" in html


def test_with_no_live_assignment_nothing_is_due_or_overdue(app, team):
    from lms.assignments.models import Assignment
    from lms.db import utcnow

    with app.app_context():
        for assignment in db.session.scalars(db.select(Assignment)):
            assignment.cancelled_at = utcnow()
        db.session.commit()
    client = b.signed_in(app, "boss@example.kz")
    assert names(get(client, "/team/?status=overdue&scope=all")) == []
    html = get(client, "/team/?scope=all&status=not_started")
    assert names(html) == ["Dana Deep", "Yerlan Late"]  # still enrolled in beta, nothing done
    assert summary(html)[1] == 0 and "badge--overdue" not in html
