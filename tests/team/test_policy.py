"""The line-manager rules of lms.accounts.policy: is_manager_of, can_view_team, can_view_team_member, and the
team export's checks; and the one-statement walks of lms.accounts.managers they stand on.

The line: boss <- lead <- deep (and deep-gone, deactivated) and boss <- direct; stranger reports to nobody.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event, select

from lms.accounts import managers, policy, services
from lms.accounts.models import Role, User
from lms.db import utcnow
from lms.extensions import db
from tests import factories


@pytest.fixture
def line(ctx):
    agency = factories.agency("P")
    boss = factories.user("boss@example.kz", agency=agency)
    lead = factories.user("lead@example.kz", agency=agency, manager_id=boss.id)
    people = SimpleNamespace(
        boss=boss, lead=lead,
        deep=factories.user("deep@example.kz", agency=agency, manager_id=lead.id),
        deep_gone=factories.user("deep-gone@example.kz", agency=agency, manager_id=lead.id, is_active=False),
        direct=factories.user("direct@example.kz", agency=agency, manager_id=boss.id),
        stranger=factories.user("stranger@example.kz", agency=agency),
        hr=factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=agency),
        admin=factories.user("admin@example.kz", roles={Role.ADMIN}),
    )
    return people


def test_a_manager_manages_direct_reports_and_everyone_down_the_line(line):
    assert policy.is_manager_of(line.boss, line.lead)
    assert policy.is_manager_of(line.boss, line.deep)
    assert policy.is_manager_of(line.lead, line.deep)


def test_without_the_chain_only_direct_reports_count(line):
    assert policy.is_manager_of(line.boss, line.lead, chain=False)
    assert not policy.is_manager_of(line.boss, line.deep, chain=False)


def test_nobody_manages_people_above_them_beside_them_or_themselves(line):
    assert not policy.is_manager_of(line.lead, line.boss)
    assert not policy.is_manager_of(line.direct, line.lead)
    assert not policy.is_manager_of(line.boss, line.stranger)
    assert not policy.is_manager_of(line.boss, line.boss)


def test_hr_officers_and_admins_manage_nobody_by_their_role(line):
    for actor in (line.hr, line.admin):
        assert not policy.is_manager_of(actor, line.deep)
        assert not policy.can_view_team(actor)
        assert not policy.can_view_team_member(actor, line.deep)


def test_a_deactivated_or_anonymous_manager_manages_nobody(line):
    assert not policy.is_manager_of(AnonymousUserMixin(), line.lead)
    line.boss.is_active = False
    db.session.commit()
    assert not policy.is_manager_of(line.boss, line.lead)
    assert not policy.can_view_team(line.boss)


def test_a_team_page_needs_an_active_direct_report(line):
    assert policy.can_view_team(line.boss)
    assert policy.can_view_team(line.lead)
    assert not policy.can_view_team(line.deep)
    assert not policy.can_view_team(line.stranger)
    line.deep.is_active = False
    db.session.commit()
    assert not policy.can_view_team(line.lead)  # only deactivated people report to them now


def test_a_deactivated_report_is_not_a_team_member(line):
    assert policy.is_manager_of(line.lead, line.deep_gone)  # still on the line, as recorded
    assert not policy.can_view_team_member(line.lead, line.deep_gone)
    assert not policy.can_view_team_member(line.boss, line.deep_gone)
    assert policy.can_view_team_member(line.boss, line.deep)


def test_the_team_lists_active_people_directly_or_down_the_line(line):
    def ids(query):
        return set(db.session.scalars(query))

    assert ids(managers.reports_query(line.boss.id, chain=False)) == {line.lead.id, line.direct.id}
    assert ids(managers.reports_query(line.boss.id, chain=True)) == {line.lead.id, line.direct.id, line.deep.id}
    assert ids(managers.reports_query(line.lead.id, chain=True)) == {line.deep.id}


def test_the_walk_goes_through_a_deactivated_team_lead(line):
    line.lead.is_active = False
    db.session.commit()
    assert set(db.session.scalars(managers.reports_query(line.boss.id, chain=True))) == {line.direct.id, line.deep.id}
    assert policy.can_view_team_member(line.boss, line.deep)


def test_a_cycle_stored_before_cycles_were_refused_ends_the_walks(line):
    # boss -> lead -> deep -> boss: set on the columns, as an old database might hold it.
    line.boss.manager_id = line.deep.id
    db.session.commit()
    assert set(db.session.scalars(managers.reports_query(line.boss.id, chain=True))) == {line.lead.id,
                                                                                        line.direct.id, line.deep.id}
    assert managers.reports_to(line.lead.id, line.deep.id)
    assert not managers.reports_to(line.stranger.id, line.boss.id)
    assert policy.is_manager_of(line.deep, line.lead)


def test_the_chain_is_checked_in_one_statement(line):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.strip().upper().startswith("BEGIN"):  # SQLite's transaction control
            statements.append(statement)

    assert (line.boss.is_active, line.deep.manager_id) == (True, line.lead.id)  # loaded before counting
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert policy.is_manager_of(line.boss, line.deep)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements


def test_the_sign_in_check_says_whether_someone_reports_to_the_user(line):
    for user, expected in ((line.boss, True), (line.deep, False)):
        db.session.expunge_all()
        token = services.start_session(db.session.get(User, user.id), now=utcnow(), lifetime=timedelta(hours=1))
        db.session.commit()
        db.session.expunge_all()
        loaded, _session_id = services.load_session_user(str(user.id), token, now=utcnow())
        assert loaded.has_active_reports is expected
    other = db.session.scalar(select(User).where(User.email == "direct@example.kz"))
    db.session.expunge_all()
    assert db.session.get(User, other.id).has_active_reports is None  # loaded another way: policy asks the database


def test_a_team_export_is_its_managers_and_holds_only_people_still_in_the_team(line):
    people = [line.lead.id, line.deep.id]
    assert policy.can_export_team(line.boss, manager_id=line.boss.id)
    assert not policy.can_export_team(line.lead, manager_id=line.boss.id)
    assert not policy.can_export_team(line.hr, manager_id=line.hr.id)
    assert policy.can_download_team_export(line.boss, manager_id=line.boss.id, chain=True, people=people)
    assert not policy.can_download_team_export(line.boss, manager_id=line.boss.id, chain=False, people=people)
    assert not policy.can_download_team_export(line.lead, manager_id=line.boss.id, chain=True, people=people)
    managers.set_manager(line.deep, line.stranger, actor=None, now=utcnow())
    db.session.commit()
    assert not policy.can_download_team_export(line.boss, manager_id=line.boss.id, chain=True, people=people)
