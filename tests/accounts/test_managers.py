"""lms.accounts.managers: line managers, cycles refused, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.managers import ManagerCycle, find_cycle, set_manager, set_managers
from lms.accounts.models import Role
from lms.audit.models import AuditEntry
from lms.db import utcnow
from lms.extensions import db
from tests import factories

NOW = utcnow()


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.manager_changed")
                                   .order_by(AuditEntry.id)))


@pytest.fixture
def people(ctx):
    return {name: factories.user(f"{name}@example.kz") for name in ("boss", "mid", "staff", "other")} | {
        "admin": factories.user("admin@example.kz", roles={Role.ADMIN})}


# --- find_cycle (pure) ---------------------------------------------------------------------------------------

def test_find_cycle_finds_none_in_a_tree():
    assert find_cycle({"a": "b", "b": "c", "c": None, "d": "c"}) is None


def test_find_cycle_finds_a_self_loop_and_a_long_loop():
    assert find_cycle({"a": "a"}) == ["a"]
    assert sorted(find_cycle({"x": None, "a": "b", "b": "c", "c": "a"})) == ["a", "b", "c"]


def test_find_cycle_follows_people_missing_from_the_map_as_having_no_manager():
    assert find_cycle({"a": "outside"}) is None


# --- set_manager ---------------------------------------------------------------------------------------------

def test_set_manager_sets_and_audits_the_change(people):
    changed = set_manager(people["staff"], people["mid"], actor=people["admin"], now=NOW, ip="10.0.0.9")

    assert changed is True and people["staff"].manager_id == people["mid"].id
    (entry,) = _entries()
    assert (entry.actor_id, entry.ip, entry.object_id) == (people["admin"].id, "10.0.0.9", str(people["staff"].id))
    assert entry.summary == {"before": {"manager": None}, "after": {"manager": "mid@example.kz"}}


def test_set_manager_to_the_same_manager_changes_and_records_nothing(people):
    set_manager(people["staff"], people["mid"], actor=None, now=NOW)
    assert set_manager(people["staff"], people["mid"], actor=None, now=NOW) is False
    assert len(_entries()) == 1


def test_set_manager_to_none_clears_it(people):
    set_manager(people["staff"], people["mid"], actor=None, now=NOW)
    assert set_manager(people["staff"], None, actor=None, now=NOW) is True
    assert people["staff"].manager_id is None
    assert _entries()[-1].summary == {"before": {"manager": "mid@example.kz"}, "after": {"manager": None}}


def test_nobody_can_be_their_own_manager(people):
    with pytest.raises(ManagerCycle) as refused:
        set_manager(people["boss"], people["boss"], actor=None, now=NOW)
    assert "boss@example.kz cannot be their own manager" in str(refused.value)
    assert people["boss"].manager_id is None and _entries() == []


def test_a_manager_down_the_chain_is_refused(people):
    set_manager(people["mid"], people["boss"], actor=None, now=NOW)
    set_manager(people["staff"], people["mid"], actor=None, now=NOW)
    db.session.flush()

    with pytest.raises(ManagerCycle) as refused:
        set_manager(people["boss"], people["staff"], actor=None, now=NOW)
    assert (refused.value.user, refused.value.manager) == ("boss@example.kz", "staff@example.kz")
    assert people["boss"].manager_id is None and len(_entries()) == 2


def test_a_chain_is_checked_before_it_is_flushed(people):
    # Autoflush: the chain set a moment ago in the same transaction counts.
    set_manager(people["mid"], people["boss"], actor=None, now=NOW)
    with pytest.raises(ManagerCycle):
        set_manager(people["boss"], people["mid"], actor=None, now=NOW)


# --- set_managers --------------------------------------------------------------------------------------------

def test_set_managers_sets_a_chain_in_any_order_and_audits_each(people):
    count = set_managers([(people["staff"], people["mid"]), (people["mid"], people["boss"]),
                          (people["other"], None)], actor=people["admin"], now=NOW)
    assert count == 2
    assert (people["staff"].manager_id, people["mid"].manager_id) == (people["mid"].id, people["boss"].id)
    assert {entry.object_id for entry in _entries()} == {str(people["staff"].id), str(people["mid"].id)}


def test_set_managers_refuses_a_cycle_within_the_batch_and_changes_nothing(people):
    with pytest.raises(ManagerCycle):
        set_managers([(people["staff"], people["mid"]), (people["mid"], people["staff"])], actor=None, now=NOW)
    assert people["staff"].manager_id is None and people["mid"].manager_id is None and _entries() == []


def test_set_managers_refuses_a_cycle_through_a_stored_manager(people):
    set_manager(people["mid"], people["boss"], actor=None, now=NOW)
    db.session.commit()
    with pytest.raises(ManagerCycle):
        set_managers([(people["boss"], people["staff"]), (people["staff"], people["mid"])], actor=None, now=NOW)
    assert people["boss"].manager_id is None


def test_set_managers_may_break_a_chain_and_reverse_it_in_one_batch(people):
    set_manager(people["mid"], people["boss"], actor=None, now=NOW)
    db.session.commit()
    # mid no longer reports to boss, so boss may now report to mid.
    assert set_managers([(people["mid"], None), (people["boss"], people["mid"])], actor=None, now=NOW) == 2
