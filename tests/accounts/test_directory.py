"""Directory sync against a real OpenLDAP server (Debian's slapd, started here on a free 127.0.0.1 port with a
throw-away cn=config): people, agencies, managers, deactivation, the mass-deactivation guard, dry runs, audit."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.directory import DirectoryUnavailable, sync_directory
from lms.accounts.models import LoginSession, Role, User
from lms.accounts.people import set_user_active
from lms.accounts.services import start_session
from lms.audit.models import AuditEntry
from lms.config_directory import DirectorySettingsError, parse_directory
from lms.db import utcnow
from lms.extensions import db
from tests import factories
from tests.ldap_server import (
    AGENCY_OUS,
    READER_DN,
    READER_PASSWORD,
    SUFFIX,
    Slapd,
    directory_ldif,
    generate_people,
)

NOW = utcnow()


@pytest.fixture(scope="session")
def slapd_factory(tmp_path_factory):
    """Start slapd servers (each with its own configuration, data and port); all are stopped at the end."""
    started: list[Slapd] = []

    def start(count: int, *, seed: int = 19):
        people = generate_people(count, seed=seed)
        server = Slapd(tmp_path_factory.mktemp("slapd"), directory_ldif(people))
        started.append(server)
        return server, people

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def big_directory(slapd_factory):
    """About 1,000 people, read only by the tests that use it."""
    return slapd_factory(1000)


def settings_for(server: Slapd, tmp_path, **extra):
    password = tmp_path / "ldap-password"
    password.write_text(READER_PASSWORD + "\n")
    table = {"url": server.url, "bind_dn": READER_DN, "password_file": str(password),
             "base_dns": [f"ou=people,{SUFFIX}"],
             "attributes": {"department": ""},
             "agencies": {f"ou={ou},ou=people,{SUFFIX}": code for code, ou in AGENCY_OUS.items()},
             "page_size": 200, "max_deactivate_share": 0.2, **extra}
    return parse_directory(table)


@pytest.fixture
def agencies(ctx):
    return {code: factories.agency(code) for code in AGENCY_OUS}


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _actions() -> Counter:
    return Counter(db.session.scalars(select(AuditEntry.action)))


def test_a_full_sync_creates_every_person_with_agency_manager_and_state(big_directory, agencies, tmp_path):
    server, people = big_directory
    report = sync_directory(settings_for(server, tmp_path), now=NOW)
    db.session.commit()

    assert report.refused is None and report.problems == []
    assert report.seen == len(people) == 1000 and len(report.created) == 1000
    assert db.session.scalar(select(func.count()).select_from(User)) == 1000
    by_uid = {person.uid: person for person in people}
    for person in people[:40] + people[-40:]:
        user = _user(person.email)
        assert (user.full_name, user.position, user.employee_id) == (person.full_name, person.title,
                                                                    person.employee_number)
        assert user.agency.code == person.agency
        assert user.is_active is not person.disabled
        expected = by_uid[person.manager_uid].email if person.manager_uid else None
        assert (user.manager.email if user.manager else None) == expected
    assert sum(not p.disabled for p in people) == db.session.scalar(
        select(func.count()).select_from(User).where(User.is_active.is_(True)))
    actions = _actions()
    assert actions["directory.sync"] == 1 and actions["user.created"] == 1000
    assert actions["user.manager_changed"] == sum(1 for p in people if p.manager_uid)
    (run,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "directory.sync"))
    assert run.summary["created"] == 1000 and run.object_id == server.url

    again = sync_directory(settings_for(server, tmp_path), now=NOW)
    db.session.commit()
    assert (again.created, again.updated, again.deactivated, again.reactivated, again.managers_changed) == (
        [], [], [], [], 0)
    after = _actions()
    assert after - actions == Counter({"directory.sync": 1})  # the run's own entry, no change to anyone


def test_a_changed_attribute_is_updated_and_audited(slapd_factory, agencies, tmp_path):
    server, people = slapd_factory(30, seed=1)
    settings = settings_for(server, tmp_path)
    sync_directory(settings, now=NOW)
    db.session.commit()
    person = people[20]
    server.ldap("ldapmodify", f"dn: {person.dn}\nchangetype: modify\nreplace: title\ntitle: Chief analyst\n-\n"
                              f"replace: displayName\ndisplayName: Renamed Person\n")

    report = sync_directory(settings, now=NOW)
    db.session.commit()
    assert report.updated == [(person.email, ["full_name", "position"])]
    user = _user(person.email)
    assert (user.full_name, user.position) == ("Renamed Person", "Chief analyst")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.changed")).one()
    assert entry.summary["after"]["full_name"] == "Renamed Person" and entry.actor_id is None


def test_a_person_removed_from_the_directory_is_deactivated_and_their_sessions_end(slapd_factory, agencies,
                                                                                   tmp_path):
    server, people = slapd_factory(30, seed=2)
    settings = settings_for(server, tmp_path)
    sync_directory(settings, now=NOW)
    db.session.commit()
    leaver = next(p for p in people if not p.disabled and p.title == "Specialist")
    start_session(_user(leaver.email), now=NOW, lifetime=timedelta(hours=1))
    db.session.commit()
    server.ldap("ldapdelete", leaver.dn + "\n")

    report = sync_directory(settings, now=NOW)
    db.session.commit()
    assert report.deactivated == [leaver.email]
    user = _user(leaver.email)
    assert user.is_active is False and user.id is not None  # deactivated, never deleted
    assert db.session.scalar(select(func.count()).select_from(LoginSession).where(
        LoginSession.user_id == user.id)) == 0
    assert _actions()["user.deactivated"] == 1


def test_an_account_disabled_in_active_directory_is_deactivated_and_reactivated_when_enabled(
        slapd_factory, agencies, tmp_path):
    server, people = slapd_factory(30, seed=3)
    settings = settings_for(server, tmp_path)
    sync_directory(settings, now=NOW)
    db.session.commit()
    person = next(p for p in people if not p.disabled and p.title == "Specialist")
    server.ldap("ldapmodify", f"dn: {person.dn}\nchangetype: modify\nreplace: userAccountControl\n"
                              f"userAccountControl: 514\n")
    assert sync_directory(settings, now=NOW).deactivated == [person.email]
    db.session.commit()
    server.ldap("ldapmodify", f"dn: {person.dn}\nchangetype: modify\nreplace: userAccountControl\n"
                              f"userAccountControl: 512\n")
    assert sync_directory(settings, now=NOW).reactivated == [person.email]


def test_an_account_an_administrator_deactivated_stays_deactivated_until_a_person_reactivates_it(
        slapd_factory, agencies, tmp_path):
    server, people = slapd_factory(10, seed=5)
    settings = settings_for(server, tmp_path)
    sync_directory(settings, now=NOW)
    db.session.commit()
    person = next(p for p in people if not p.disabled)
    admin = factories.user("admin-by-hand@example.kz", roles={Role.ADMIN})
    set_user_active(_user(person.email), False, actor=admin, now=NOW)
    db.session.commit()

    report = sync_directory(settings, now=NOW)
    db.session.commit()
    assert (report.reactivated, report.kept_deactivated) == ([], [person.email])
    assert _user(person.email).is_active is False

    set_user_active(_user(person.email), True, actor=admin, now=NOW)
    db.session.commit()
    server.ldap("ldapmodify", f"dn: {person.dn}\nchangetype: modify\nreplace: userAccountControl\n"
                              f"userAccountControl: 514\n")
    assert sync_directory(settings, now=NOW).deactivated == [person.email]  # the directory's own deactivation
    db.session.commit()
    server.ldap("ldapmodify", f"dn: {person.dn}\nchangetype: modify\nreplace: userAccountControl\n"
                              f"userAccountControl: 512\n")
    assert sync_directory(settings, now=NOW).reactivated == [person.email]  # ... which the directory may undo


def test_the_mass_deactivation_guard_refuses_and_force_overrides(slapd_factory, agencies, tmp_path):
    server, people = slapd_factory(40, seed=4)
    settings = settings_for(server, tmp_path)
    sync_directory(settings, now=NOW)
    db.session.commit()
    # A broken filter: the directory seems to hold one agency's people only.
    narrowed = settings_for(server, tmp_path, base_dns=[f"ou=Digital,ou=people,{SUFFIX}"])

    refused = sync_directory(narrowed, now=NOW)
    db.session.commit()
    assert refused.refused is not None and refused.deactivated == []
    assert "would deactivate" in str(refused.refused)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.is_active.is_(False))) == sum(
        p.disabled for p in people)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "directory.sync_refused")).one()
    assert entry.summary["would_deactivate"] == refused.refused.count

    forced = sync_directory(narrowed, force=True, now=NOW)
    db.session.commit()
    assert forced.refused is None and len(forced.deactivated) == refused.refused.count
    assert all(_user(p.email).agency.code == "MDAI" for p in people if _user(p.email).is_active)


def test_a_manager_cycle_in_the_directory_is_refused_and_the_rest_synced(slapd_factory, agencies, tmp_path):
    server, people = slapd_factory(30, seed=5)
    head = people[0]  # head of the first agency; the next three report to them
    staff = next(p for p in people if p.manager_uid == people[1].uid)
    server.ldap("ldapmodify", f"dn: {head.dn}\nchangetype: modify\nadd: manager\nmanager: {staff.dn}\n")

    report = sync_directory(settings_for(server, tmp_path), now=NOW)
    db.session.commit()
    assert any("already reports to" in problem for problem in report.problems)
    assert len(report.created) == 30
    chain = {_user(p.email).manager_id for p in (head, people[1], staff)}
    assert None in chain  # the cycle was not closed
    assert _user(staff.email).manager is not None or _user(head.email).manager is not None


def test_a_wrong_password_is_a_directory_error_and_nothing_is_written(slapd_factory, agencies, tmp_path):
    server, _people = slapd_factory(5, seed=6)
    settings = settings_for(server, tmp_path)
    (tmp_path / "ldap-password").write_text("wrong")
    with pytest.raises(DirectoryUnavailable):
        sync_directory(settings, now=NOW)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


# --- the command ----------------------------------------------------------------------------------------------

def test_the_command_dry_run_writes_nothing_and_the_real_run_prints_the_changes(app, runner, slapd_factory, tmp_path,
                                                                                monkeypatch):
    server, people = slapd_factory(20, seed=7)
    with app.app_context():
        for code in AGENCY_OUS:
            factories.agency(code)
    monkeypatch.setitem(app.config, "DIRECTORY", settings_for(server, tmp_path))

    dry = runner.invoke(args=["directory", "sync", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would change: 20 created" in dry.output and "nothing was written" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0

    real = runner.invoke(args=["directory", "sync", "-v"])
    assert real.exit_code == 0, real.output
    assert "Changed: 20 created" in real.output and f"created {people[0].email}" in real.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 20


def test_the_command_refuses_a_mass_deactivation_unless_forced(app, runner, slapd_factory, tmp_path, monkeypatch):
    server, _people = slapd_factory(20, seed=8)
    with app.app_context():
        for code in AGENCY_OUS:
            factories.agency(code)
    monkeypatch.setitem(app.config, "DIRECTORY", settings_for(server, tmp_path))
    assert runner.invoke(args=["directory", "sync"]).exit_code == 0
    monkeypatch.setitem(app.config, "DIRECTORY", settings_for(server, tmp_path, filter="(uid=nobody)"))

    refused = runner.invoke(args=["directory", "sync"])
    assert refused.exit_code != 0 and "Refused" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.is_active.is_(True))) > 0
    forced = runner.invoke(args=["directory", "sync", "--force"])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.is_active.is_(True))) == 0


def test_a_base_dn_that_does_not_exist_is_an_error_not_an_empty_directory(slapd_factory, agencies, tmp_path):
    server, _people = slapd_factory(5, seed=9)
    with pytest.raises(DirectoryUnavailable, match="noSuchObject"):
        sync_directory(settings_for(server, tmp_path, base_dns=[f"ou=gone,{SUFFIX}"]), now=NOW)


def test_the_command_without_settings_says_what_to_configure(runner):
    result = runner.invoke(args=["directory", "sync"])
    assert result.exit_code != 0 and "[directory]" in result.output


# --- settings -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("table, message", [
    ({"url": "http://x", "base_dns": ["dc=x"]}, "url must be"),
    ({"url": "ldap://x", "base_dns": []}, "base_dns"),
    ({"url": "ldap://x", "base_dns": ["dc=x"], "password": "inline"}, "no password in the file"),
    ({"url": "ldap://x", "base_dns": ["dc=x"], "max_deactivate_share": 2}, "max_deactivate_share"),
    ({"url": "ldap://x", "base_dns": ["dc=x"], "attributes": {"colour": "x"}}, "directory.attributes"),
])
def test_bad_directory_settings_are_refused_with_the_reason(table, message):
    with pytest.raises(DirectorySettingsError, match=message):
        parse_directory(table)


def test_the_password_comes_from_the_environment_variable_named(monkeypatch):
    settings = parse_directory({"url": "ldap://x", "base_dns": "dc=x", "password_env": "LDAP_PW_TEST"})
    monkeypatch.setenv("LDAP_PW_TEST", "s3cret")
    assert settings.password() == "s3cret" and settings.base_dns == ("dc=x",)
