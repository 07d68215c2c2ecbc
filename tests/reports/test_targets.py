"""Agency targets: set and cleared through the form by the agency's HR officers (and admins), audited; refused for
other agencies, for people without reports, and for dates in the past."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.agencies.models import Agency
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.extensions import db
from lms.reports import targets
from lms.reports.models import AgencyTarget
from tests import factories
from tests.conftest import post_form
from tests.reports import builders as b


@pytest.fixture
def agencies(app, courses):
    """ROOT > MID, OTHER; HR officers of ROOT and MID, an admin, the programme office and a learner."""
    with app.app_context():
        root = factories.agency("ROOT")
        mid = factories.agency("MID", parent=root)
        factories.agency("OTHER")
        factories.user("hr-root@example.kz", roles={Role.HR}, agency=root)
        factories.user("hr-mid@example.kz", roles={Role.HR}, agency=mid)
        factories.user("admin@example.kz", roles={Role.ADMIN})
        factories.user("prog@example.kz", roles={Role.PROGRAMME})
        factories.user("learner@example.kz", agency=root)


def future(days: int = 90) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def set_target(client, code: str, **data):
    path = f"/reports/agencies/{code}/target"
    return post_form(client, path, {"percent": "80", "course": "", "due_on": future(), **data},
                     token_from="/reports/api-tokens")


def saved(code: str) -> AgencyTarget | None:
    return db.session.scalar(select(AgencyTarget).join(Agency).where(Agency.code == code))


def test_hr_sets_a_target_for_their_agency(app, agencies):
    client = b.signed_in(app, "hr-root@example.kz")
    response = set_target(client, "ROOT", percent="75", course="alpha")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reports/?agency=ROOT")
    with app.app_context():
        target = saved("ROOT")
        assert (target.percent, target.due_on, target.course.key) == (75, date.fromisoformat(future()), "alpha")
        assert target.set_by_id == b.person("hr-root@example.kz").id
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "target.set"))
        assert (entry.object_type, entry.object_id, entry.actor_id) == ("agency", "ROOT", target.set_by_id)
        assert entry.summary == {"after": {"percent": 75, "due_on": future(), "course": "alpha"}}
    html = client.get("/reports/").get_data(as_text=True)
    assert "Target: 75% of people certified" in html


def test_changing_a_target_audits_before_and_after(app, agencies):
    client = b.signed_in(app, "hr-root@example.kz")
    set_target(client, "ROOT", percent="50")
    set_target(client, "ROOT", percent="60", due_on=future(100))
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget.percent)) == 60
        last = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "target.set")
                                  .order_by(AuditEntry.id.desc())).first()
        assert last.summary["before"] == {"percent": 50, "due_on": future(), "course": None}
        assert last.summary["after"]["percent"] == 60


def test_hr_sets_a_target_for_a_sub_agency(app, agencies):
    client = b.signed_in(app, "hr-root@example.kz")
    assert set_target(client, "MID").status_code == 302
    with app.app_context():
        assert saved("MID").percent == 80


@pytest.mark.parametrize("code", ["OTHER", "ROOT", "NOPE"])
def test_hr_gets_404_for_an_agency_outside_their_scope(app, agencies, code):
    client = b.signed_in(app, "hr-mid@example.kz")
    assert client.get(f"/reports/agencies/{code}/target").status_code == 404
    assert set_target(client, code).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget)) is None


def test_a_learner_gets_403(app, agencies):
    client = b.signed_in(app, "learner@example.kz")
    assert client.get("/reports/agencies/ROOT/target").status_code == 403
    response = post_form(client, "/reports/agencies/ROOT/target",
                         {"percent": "80", "course": "", "due_on": future()}, token_from="/")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget)) is None


def test_the_programme_office_sees_but_may_not_set_targets(app, agencies):
    client = b.signed_in(app, "prog@example.kz")
    assert client.get("/reports/agencies/ROOT/target").status_code == 403
    assert "Set the target" not in client.get("/reports/?agency=ROOT").get_data(as_text=True)


def test_an_admin_sets_any_agencys_target(app, agencies):
    client = b.signed_in(app, "admin@example.kz")
    assert set_target(client, "OTHER").status_code == 302


def test_a_date_in_the_past_is_refused_with_a_message(app, agencies):
    client = b.signed_in(app, "hr-root@example.kz")
    response = set_target(client, "ROOT", due_on=(utcnow().date() - timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert "must not be in the past" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget)) is None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "target.set")) is None


@pytest.mark.parametrize("data", [{"percent": "0"}, {"percent": "101"}, {"percent": "many"}, {"due_on": "soon"},
                                  {"due_on": ""}, {"course": "no-such-course"}, {"course": "beta"}])
def test_malformed_targets_are_refused(app, agencies, data):
    client = b.signed_in(app, "hr-root@example.kz")
    assert set_target(client, "ROOT", **data).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget)) is None


def test_without_csrf_the_form_is_refused(app, agencies):
    client = b.signed_in(app, "hr-root@example.kz")
    response = client.post("/reports/agencies/ROOT/target", data={"percent": "80", "due_on": future()})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget)) is None


def test_hr_clears_the_target(app, agencies):
    client = b.signed_in(app, "hr-root@example.kz")
    set_target(client, "ROOT")
    response = post_form(client, "/reports/agencies/ROOT/target/clear", {}, token_from="/reports/api-tokens")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AgencyTarget)) is None
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "target.cleared"))
        assert (entry.object_id, entry.actor_id) == ("ROOT", b.person("hr-root@example.kz").id)
    assert "This agency has no target of its own." in client.get("/reports/").get_data(as_text=True)


def test_clearing_another_agencys_target_gets_404(app, agencies):
    admin = b.signed_in(app, "admin@example.kz")
    set_target(admin, "OTHER")
    client = b.signed_in(app, "hr-root@example.kz")
    response = post_form(client, "/reports/agencies/OTHER/target/clear", {}, token_from="/reports/api-tokens")
    assert response.status_code == 404
    with app.app_context():
        assert saved("OTHER") is not None


def test_set_target_service_accepts_objects_loaded_before_a_commit(app, agencies, ctx):
    # A service called after an earlier commit in the same unit of work (a command, a job) gets expired objects.
    hr, root = b.person("hr-root@example.kz"), b.agency("ROOT")
    db.session.commit()
    target = targets.set_target(root, percent=50, due_on=date(2099, 1, 1), course=None, actor=hr, now=utcnow(),
                                today=utcnow().date())
    db.session.commit()
    assert target.set_by_id == hr.id


def test_the_target_page_gives_each_id_once(app, agencies):
    # With a target set, the page has a second form (clear): its CSRF field and button need ids of their own.
    client = b.signed_in(app, "hr-root@example.kz")
    set_target(client, "ROOT")
    html = client.get("/reports/agencies/ROOT/target").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert "/reports/agencies/ROOT/target/clear" in html
    assert sorted(ids) == sorted(set(ids))
