"""The shared sign-in use case of OpenID Connect and SAML: matching, creation, refusals, links and their audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms.accounts import identity
from lms.accounts.identity import ExternalProfile, ExternalSignInRefused, sign_in_external
from lms.accounts.models import ExternalIdentity, Role, User
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests import factories

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def profile(**fields) -> ExternalProfile:
    values = {"protocol": "oidc", "provider": "egov", "subject": "sub-1", "email": "aigerim@example.kz",
              "email_verified": True, "full_name": "Aigerim Bekova"}
    values.update(fields)
    return ExternalProfile(**values)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_a_returning_subject_signs_in_to_the_linked_account_whatever_the_email(ctx):
    user = factories.user("first@example.kz")
    db.session.add(ExternalIdentity(user_id=user.id, protocol="oidc", provider="egov", subject="sub-1"))
    db.session.commit()
    signed_in = sign_in_external(profile(email="other@example.kz", email_verified=False), allow_create=False,
                                 now=NOW, ip="10.0.0.1")
    assert signed_in.id == user.id
    assert signed_in.last_login_at is not None
    assert actions()[-1] == "auth.external_sign_in"


def test_the_person_id_matches_before_the_email(ctx):
    by_email = factories.user("aigerim@example.kz")
    by_id = factories.user("a.bekova@old.kz", employee_id="900101300123")
    signed_in = sign_in_external(profile(person_id="900101300123"), allow_create=False, now=NOW, ip="")
    assert signed_in.id == by_id.id != by_email.id
    link = db.session.scalar(select(ExternalIdentity))
    assert (link.user_id, link.provider, link.subject, link.protocol) == (by_id.id, "egov", "sub-1", "oidc")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "identity.linked"))
    assert entry.summary["matched_by"] == "person_id"


def test_a_verified_email_links_the_existing_account(ctx):
    user = factories.user("Aigerim@Example.kz".lower())
    assert sign_in_external(profile(), allow_create=False, now=NOW, ip="").id == user.id


def test_an_unverified_email_is_never_linked_to_an_existing_account(ctx):
    factories.user("aigerim@example.kz")
    with pytest.raises(ExternalSignInRefused) as refused:
        sign_in_external(profile(email_verified=False), allow_create=True, now=NOW, ip="")
    assert refused.value.reason == "unverified_email"
    db.session.rollback()
    assert db.session.scalar(select(func.count(ExternalIdentity.id))) == 0
    assert count_users() == 1


def test_a_verified_email_is_not_linked_over_a_different_person_id(ctx):
    factories.user("aigerim@example.kz", employee_id="111")
    with pytest.raises(ExternalSignInRefused) as refused:
        sign_in_external(profile(person_id="222"), allow_create=True, now=NOW, ip="")
    assert refused.value.reason == "person_id_mismatch"


def test_an_unknown_person_is_refused_when_creation_is_off(ctx):
    with pytest.raises(ExternalSignInRefused) as refused:
        sign_in_external(profile(), allow_create=False, now=NOW, ip="")
    assert refused.value.reason == "no_account"
    assert str(refused.value.message)
    db.session.rollback()
    assert count_users() == 0


def test_a_new_person_is_created_as_a_learner_in_the_mapped_agency_when_allowed(ctx):
    agency = factories.agency("MDAI")
    user = sign_in_external(profile(agency_code="MDAI", position="Analyst", person_id="900101300123"),
                            allow_create=True, now=NOW, ip="10.0.0.2")
    db.session.commit()
    assert (user.email, user.full_name, user.agency_id, user.position, user.employee_id) == (
        "aigerim@example.kz", "Aigerim Bekova", agency.id, "Analyst", "900101300123")
    assert user.roles == {Role.LEARNER}
    assert user.password_hash is None
    assert actions() == ["user.created", "identity.linked", "auth.external_sign_in"]


def test_creation_refuses_an_unknown_agency(ctx):
    with pytest.raises(ExternalSignInRefused) as refused:
        sign_in_external(profile(agency_code="NOPE"), allow_create=True, now=NOW, ip="")
    assert refused.value.reason == "unknown_agency"


def test_creation_needs_an_email_and_a_name(ctx):
    with pytest.raises(ExternalSignInRefused) as refused:
        sign_in_external(profile(email=None), allow_create=True, now=NOW, ip="")
    assert refused.value.reason == "missing_claims"


def test_an_inactive_account_is_refused(ctx):
    factories.user("aigerim@example.kz", is_active=False)
    with pytest.raises(ExternalSignInRefused) as refused:
        sign_in_external(profile(), allow_create=True, now=NOW, ip="")
    assert refused.value.reason == "inactive"


def test_mapped_fields_follow_the_provider(ctx):
    factories.agency("OLD")
    new = factories.agency("NEW")
    user = factories.user("aigerim@example.kz", full_name="A. Bekova", position="Clerk")
    sign_in_external(profile(agency_code="NEW", position="Head of unit", person_id="77"), allow_create=False,
                     now=NOW, ip="")
    db.session.commit()
    db.session.refresh(user)
    assert (user.full_name, user.position, user.agency_id, user.employee_id) == (
        "Aigerim Bekova", "Head of unit", new.id, "77")
    assert "user.changed" in actions()


def test_refusals_are_recorded_with_their_reason(ctx):
    identity.record_refusal(protocol="oidc", provider="egov", reason="state", now=NOW, ip="10.0.0.3",
                            detail="no pending sign-in")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "auth.external_sign_in_refused"
    assert (entry.object_id, entry.summary["reason"], entry.ip) == ("egov", "state", "10.0.0.3")


def test_unlink_removes_the_link_and_records_who_did_it(ctx):
    admin = factories.user(roles={Role.ADMIN})
    user = factories.user()
    link = ExternalIdentity(user_id=user.id, protocol="oidc", provider="egov", subject="s")
    db.session.add(link)
    db.session.commit()
    identity.unlink_identity(link, actor=admin, now=NOW, ip="10.0.0.4")
    db.session.commit()
    assert identity.list_identities(user) == []
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.object_id) == ("identity.unlinked", admin.id, str(user.id))


def test_the_mapped_manager_is_set_by_person_id_or_email(ctx):
    boss = factories.user("boss@example.kz", employee_id="B1")
    user = sign_in_external(profile(manager_person_id="B1"), allow_create=True, now=NOW, ip="")
    assert user.manager_id == boss.id
    other = factories.user("other-boss@example.kz")
    sign_in_external(profile(manager_email="other-boss@example.kz"), allow_create=False, now=NOW, ip="")
    assert user.manager_id == other.id
    assert "user.manager_changed" in actions()


def test_a_manager_that_would_make_a_cycle_is_left_out_and_the_sign_in_goes_on(ctx):
    user = factories.user("aigerim@example.kz")
    report = factories.user("report@example.kz", manager_id=user.id)
    signed_in = sign_in_external(profile(manager_email="report@example.kz"), allow_create=False, now=NOW, ip="")
    assert signed_in.id == user.id and signed_in.manager_id is None and report.manager_id == user.id
