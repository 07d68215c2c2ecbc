"""lms.accounts.people and the audited account services: the same act leaves the same audit entry from the admin
pages, the employees import and the `lms users` commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts import people, services
from lms.accounts.importer import import_users
from lms.accounts.models import LoginSession, Role, User
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.conftest import post_form

NOW = utcnow()


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def world(ctx):
    p = factories.agency("P")
    c = factories.agency("C", parent=p)
    u = factories.agency("U")
    return {
        "P": p, "C": c, "U": u,
        "hr": factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=p),
        "admin": factories.user("admin@example.kz", roles={Role.ADMIN}),
        "learner": factories.user("learner@example.kz", agency=c, full_name="Old Name"),
        "author": factories.user("author@example.kz", roles={Role.LEARNER, Role.AUTHOR}, agency=c),
        "outsider": factories.user("outsider@example.kz", agency=u),
    }


# --- update_user ---------------------------------------------------------------------------------------------

def test_update_user_changes_the_fields_and_records_them_before_and_after(world):
    changed = people.update_user(world["learner"], people.UserChanges(full_name=" New Name ", position="Маман",
                                                                      agency_id=world["P"].id, locale="kk"),
                                 actor=world["hr"], now=NOW, ip="10.0.0.1")

    assert changed == ["full_name", "agency_id", "position", "locale"]
    (entry,) = _entries("user.changed")
    assert (entry.actor_id, entry.ip, entry.object_id) == (world["hr"].id, "10.0.0.1", str(world["learner"].id))
    assert entry.summary["before"]["full_name"] == "Old Name" and entry.summary["after"]["full_name"] == "New Name"
    assert (entry.summary["before"]["agency"], entry.summary["after"]["agency"]) == ("C", "P")


def test_update_user_with_nothing_new_changes_and_records_nothing(world):
    learner = world["learner"]
    assert people.update_user(learner, people.UserChanges(full_name="Old Name", agency_id=world["C"].id),
                              actor=world["hr"], now=NOW) == []
    assert _entries("user.changed") == []


def test_an_empty_locale_clears_the_preference(world):
    learner = world["learner"]
    learner.locale = "ru"
    assert people.update_user(learner, people.UserChanges(locale=""), actor=None, now=NOW) == ["locale"]
    assert learner.locale is None


def test_update_user_keeps_the_roles_the_actor_may_not_grant(world):
    author = world["author"]
    people.update_user(author, people.UserChanges(roles=frozenset({Role.LEARNER})), actor=world["hr"], now=NOW)
    assert author.roles == {Role.LEARNER, Role.AUTHOR}
    people.update_user(author, people.UserChanges(roles=frozenset({Role.LEARNER})), actor=world["admin"], now=NOW)
    assert author.roles == {Role.LEARNER}
    (entry,) = _entries("user.roles_changed")
    assert entry.summary["after"]["roles"] == ["learner"]


def test_update_user_refuses_an_email_another_account_uses(world):
    with pytest.raises(services.EmailTaken):
        people.update_user(world["learner"], people.UserChanges(email="Author@Example.kz"), actor=None, now=NOW)
    assert world["learner"].email == "learner@example.kz"


def test_deactivating_through_update_user_ends_the_sessions_and_is_recorded_as_such(world):
    learner = world["learner"]
    services.start_session(learner, now=NOW, lifetime=timedelta(hours=1))

    assert people.update_user(learner, people.UserChanges(is_active=False), actor=None, now=NOW) == ["is_active"]

    assert learner.is_active is False
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == learner.id)) is None
    (entry,) = _entries("user.deactivated")
    assert entry.actor_id is None and entry.summary == {"before": {"active": True}, "after": {"active": False}}
    assert _entries("user.changed") == []


def test_set_user_active_records_only_a_real_change(world):
    learner = world["learner"]
    assert people.set_user_active(learner, True, actor=world["hr"], now=NOW) is False
    assert people.set_user_active(learner, False, actor=world["hr"], now=NOW) is True
    assert people.set_user_active(learner, True, actor=world["hr"], now=NOW) is True
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "user.deactivated", "user.reactivated"]


# --- search_users --------------------------------------------------------------------------------------------

def _found(actor, **filters) -> list[str]:
    return [user.email for user in db.session.scalars(people.search_users(actor, **filters))]


def test_search_users_stays_within_the_actors_agencies(world):
    assert "outsider@example.kz" not in _found(world["hr"])
    assert "outsider@example.kz" in _found(world["admin"])


def test_search_users_filters_by_text_role_and_state(world):
    world["author"].is_active = False
    assert _found(world["hr"], text="OLD") == ["learner@example.kz"]
    assert _found(world["hr"], role=Role.AUTHOR) == ["author@example.kz"]
    assert _found(world["hr"], active=False) == ["author@example.kz"]


def test_search_users_refuses_an_actor_without_agency_scope(world):
    with pytest.raises(PermissionError):
        people.search_users(world["learner"])


# --- the same act, the same entry --------------------------------------------------------------------------------

def test_the_command_line_and_the_admin_page_record_a_new_account_alike(app, runner, login_as):
    with app.app_context():
        factories.agency("P")
        factories.user("admin@example.kz", roles={Role.ADMIN})
    result = runner.invoke(args=["users", "create", "--email", "cli@example.kz", "--name", "Cli Person",
                                 "--agency", "P", "--password", "a-long-enough-passphrase-42"])
    assert result.exit_code == 0, result.output
    client = login_as("admin@example.kz")
    response = post_form(client, "/admin/users/new", {"email": "web@example.kz", "full_name": "Web Person",
                                                      "agency": "P", "locale": "", "roles": ["learner"]},
                         token_from="/admin/users/new")
    assert response.status_code == 303
    with app.app_context():
        cli, web = _entries("user.created")
        assert cli.actor_id is None and web.actor.email == "admin@example.kz"
        assert cli.summary["after"].keys() == web.summary["after"].keys()
        assert (cli.summary["after"]["email"], web.summary["after"]["email"]) == ("cli@example.kz", "web@example.kz")


def test_an_import_records_each_account_it_creates_or_changes(world):
    data = (b"email,full_name,agency_code,roles,active\n"
            b"new@example.kz,New Person,C,,\n"
            b"learner@example.kz,Old Name,C,learner;author,no\n")

    report = import_users(data, dry_run=False, max_bytes=10**6, actor=world["admin"], now=NOW, ip="10.0.0.2")

    assert report.ok and report.created == ["new@example.kz"]
    assert report.updated == [("learner@example.kz", ["is_active", "roles"])]
    (created,) = _entries("user.created")
    assert created.summary["after"]["email"] == "new@example.kz" and created.ip == "10.0.0.2"
    (roles,) = _entries("user.roles_changed")
    assert roles.summary["after"]["roles"] == ["author", "learner"] and roles.actor_id == world["admin"].id
    assert [e.object_id for e in _entries("user.deactivated")] == [str(world["learner"].id)]


def test_an_hr_import_may_not_change_another_hr_officer(world):
    factories.user("hr2@example.kz", roles={Role.LEARNER, Role.HR}, agency=world["C"])
    data = b"email,full_name,agency_code,position\nhr2@example.kz,Other Officer,C,Boss\n"

    report = import_users(data, dry_run=False, max_bytes=10**6, allowed_roles=frozenset({Role.LEARNER}),
                          scope_agency_ids={world["P"].id, world["C"].id}, actor=world["hr"], now=NOW)

    assert [(e.line, e.message) for e in report.errors] == [(2, "you may not change hr2@example.kz")]
    assert db.session.scalar(select(User.position).where(User.email == "hr2@example.kz")) == ""


def test_an_import_cell_starting_with_a_minus_is_refused_as_a_formula(world):
    report = import_users(b"email,full_name,agency_code\nnew@example.kz,-1+2,C\n", dry_run=True, max_bytes=10**6)
    assert [(e.line, e.message) for e in report.errors] == [(2, "full_name looks like a spreadsheet formula")]
