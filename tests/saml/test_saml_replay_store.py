"""The used-assertion store: one use per assertion id across instances (the database decides), purged after expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.identity import ExternalSignInRefused
from lms.accounts.models import SamlAssertion
from lms.accounts.saml import remember_assertion
from lms.extensions import db

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_an_assertion_id_is_accepted_once(ctx):
    remember_assertion("idp", "_a1", expires_at=NOW + timedelta(minutes=5), now=NOW)
    db.session.commit()
    with pytest.raises(ExternalSignInRefused) as refused:
        remember_assertion("idp", "_a1", expires_at=NOW + timedelta(minutes=5), now=NOW + timedelta(seconds=1))
    assert refused.value.reason == "token" and "replayed" in refused.value.detail


def test_a_second_instance_sees_the_first_ones_use(ctx, make_app):
    remember_assertion("idp", "_a2", expires_at=NOW + timedelta(minutes=5), now=NOW)
    db.session.commit()
    other = make_app()  # another process with its own engine and pool, on the same database
    with other.app_context(), pytest.raises(ExternalSignInRefused):
        remember_assertion("idp", "_a2", expires_at=NOW + timedelta(minutes=5), now=NOW)


def test_expired_ids_are_purged_and_the_rest_kept(ctx):
    remember_assertion("idp", "_old", expires_at=NOW + timedelta(minutes=5), now=NOW)
    remember_assertion("idp", "_live", expires_at=NOW + timedelta(hours=2), now=NOW)
    db.session.commit()
    remember_assertion("idp", "_new", expires_at=NOW + timedelta(hours=2), now=NOW + timedelta(hours=1))
    db.session.commit()
    assert sorted(db.session.scalars(select(SamlAssertion.assertion_id))) == ["_live", "_new"]
