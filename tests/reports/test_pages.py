"""The reporting pages' content: the dashboard's rows and breadcrumb, the learner list and record, overdue."""

from __future__ import annotations

from lms.accounts.models import Role
from lms.extensions import db
from tests import factories
from tests.reports import builders as b

KAZAKH_NAME = "Әсел Құрманғазықызы"


def html_of(client, path: str, **params) -> str:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_hr_dashboard_shows_sub_agencies_and_own_staff(app, world):
    html = html_of(b.signed_in(app, "hr-root@example.kz"), "/reports/")
    assert "Reports: Ministry of Digital Development" in html
    assert "/reports/?agency=MID" in html
    assert "Own staff (not in a sub-agency)" in html
    assert "/reports/?agency=OTHER" not in html and "Whole country" not in html


def test_breadcrumb_links_only_to_agencies_the_viewer_may_open(app, world):
    with app.app_context():
        b.new_user("hr-mid@example.kz", roles={Role.HR}, agency=b.agency("MID"))
        db.session.commit()
    html = html_of(b.signed_in(app, "hr-mid@example.kz"), "/reports/", agency="LEAF")
    assert "/reports/?agency=MID" in html
    assert "/reports/?agency=ROOT" not in html
    admin_html = html_of(b.signed_in(app, "admin@example.kz"), "/reports/", agency="LEAF")
    assert "/reports/?agency=ROOT" in admin_html and "/reports/?agency=MID" in admin_html


def test_dashboard_lists_overdue_people_with_links_to_their_record(app, world):
    with app.app_context():
        o_beta = b.person("o-beta@example.kz").id
    html = html_of(b.signed_in(app, "hr-other@example.kz"), "/reports/")
    assert "Oksana Beta" in html and f"/reports/learners/{o_beta}" in html
    assert "Nobody is overdue." not in html


def test_overdue_page_lists_everyone_overdue_in_the_scope(app, world):
    html = html_of(b.signed_in(app, "admin@example.kz"), "/reports/overdue")
    assert "hr-other@example.kz" in html and "o-beta@example.kz" in html
    assert "Nobody is overdue." in html_of(b.signed_in(app, "hr-root@example.kz"), "/reports/overdue")


def test_learner_record_shows_courses_statuses_and_overdue_training(app, world):
    with app.app_context():
        o_beta = b.person("o-beta@example.kz").id
    html = html_of(b.signed_in(app, "hr-other@example.kz"), f"/reports/learners/{o_beta}")
    assert "Oksana Beta" in html
    assert "Beta course" in html and "Completed" in html
    assert "Alpha course, due" in html


def test_learner_record_of_someone_outside_the_scope_is_not_found(app, world):
    with app.app_context():
        o_beta = b.person("o-beta@example.kz").id
    assert b.signed_in(app, "hr-root@example.kz").get(f"/reports/learners/{o_beta}").status_code == 404


def test_learner_record_of_a_deactivated_person_still_shows_their_training(app, world):
    with app.app_context():
        gone = b.person("l-gone@example.kz").id
    html = html_of(b.signed_in(app, "hr-root@example.kz"), f"/reports/learners/{gone}")
    assert "Deactivated" in html
    assert "Not enrolled in any course." not in html
    assert "Alpha course" in html and "Certified" in html


def test_learner_names_are_escaped_on_the_learners_page(app, courses):
    with app.app_context():
        factories.user("admin@example.kz", roles={Role.ADMIN})
        b.enrol(factories.user("evil@example.kz", agency=factories.agency("A"),
                               full_name='<script>alert("x")</script>'), "alpha")
    client = b.signed_in(app, "admin@example.kz")
    html = client.get("/reports/learners").get_data(as_text=True)
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_learners_page_shows_the_rows_of_the_scope(world, app):
    client = b.signed_in(app, "hr-root@example.kz")
    response = client.get("/reports/learners")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for email in ("r-new@", "r-half@", "m-cert@", "m-revoked@", "l-cert@"):
        assert email in html
    assert "o-cert@" not in html and "l-gone@" not in html
    assert KAZAKH_NAME in html
