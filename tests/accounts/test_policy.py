"""lms.accounts.policy, function by function, for each kind of user.

The data: parent agency P with child C, unrelated agency U.
learner and peer are learners in C, outsider a learner in U, author a course author in C,
hr_other the HR officer of U, hr the HR officer of P, admin an administrator with no agency.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from lms.accounts import policy
from lms.accounts.models import Role
from lms.extensions import db
from tests import factories

ROLES = ("anonymous", "learner", "author", "hr_other", "hr", "admin")


@pytest.fixture
def world(ctx):
    p = factories.agency("P")
    c = factories.agency("C", parent=p)
    u = factories.agency("U")
    return SimpleNamespace(
        agencies={"P": p, "C": c, "U": u},
        people={
            "anonymous": AnonymousUserMixin(),
            "learner": factories.user(agency=c),
            "peer": factories.user(agency=c),
            "outsider": factories.user(agency=u),
            "author": factories.user(roles={Role.LEARNER, Role.AUTHOR}, agency=c),
            "hr_other": factories.user(roles={Role.LEARNER, Role.HR}, agency=u),
            "hr": factories.user(roles={Role.LEARNER, Role.HR}, agency=p),
            "admin": factories.user(roles={Role.ADMIN}),
        },
    )


def _table(*values) -> list:
    """Pair each role of ROLES with its expected value, as pytest params."""
    assert len(values) == len(ROLES)
    return [pytest.param(role, value, id=role) for role, value in zip(ROLES, values, strict=True)]


#                                anonymous learner author hr_other hr     admin
@pytest.mark.parametrize(("role", "expected"), _table(False, False, False, False, False, True))
def test_is_admin(world, role, expected):
    assert policy.is_admin(world.people[role]) is expected


@pytest.mark.parametrize(("role", "expected"), _table(False, False, False, True, True, False))
def test_is_hr(world, role, expected):
    assert policy.is_hr(world.people[role]) is expected


@pytest.mark.parametrize(("role", "expected"), _table(False, False, True, False, False, False))
def test_is_author(world, role, expected):
    assert policy.is_author(world.people[role]) is expected


@pytest.mark.parametrize(("role", "expected"), _table(False, False, False, True, True, True))
def test_can_view_agencies(world, role, expected):
    assert policy.can_view_agencies(world.people[role]) is expected


@pytest.mark.parametrize(("role", "expected"), _table(False, False, False, True, True, True))
def test_can_view_reports(world, role, expected):
    assert policy.can_view_reports(world.people[role]) is expected


@pytest.mark.parametrize(("role", "expected"), _table(False, False, True, False, False, True))
def test_can_manage_courses(world, role, expected):
    assert policy.can_manage_courses(world.people[role]) is expected


ALL_ROLES = frozenset(Role)
LEARNER_ONLY = frozenset({Role.LEARNER})
NONE = frozenset()


@pytest.mark.parametrize(("role", "expected"),
                         _table(NONE, NONE, NONE, LEARNER_ONLY, LEARNER_ONLY, ALL_ROLES))
def test_grantable_roles(world, role, expected):
    assert policy.grantable_roles(world.people[role]) == expected


@pytest.mark.parametrize(("role", "expected"), _table(
    PermissionError, PermissionError, PermissionError, {"U"}, {"P", "C"}, None,
))
def test_agency_scope(world, role, expected):
    actor = world.people[role]
    if expected is PermissionError:
        with pytest.raises(PermissionError):
            policy.agency_scope(actor)
    elif expected is None:
        assert policy.agency_scope(actor) is None  # everything
    else:
        ids = set(db.session.scalars(policy.agency_scope(actor)))
        assert ids == {world.agencies[code].id for code in expected}


@pytest.mark.parametrize(("role", "visible"), _table(set(), set(), set(), {"U"}, {"P", "C"}, {"P", "C", "U"}))
def test_can_view_agency(world, role, visible):
    actor = world.people[role]
    seen = {code for code, agency in world.agencies.items() if policy.can_view_agency(actor, agency)}
    assert seen == visible


#: Whom each role may see, among the people of the data (besides themselves).
VISIBLE_PEOPLE = {
    "anonymous": set(),
    "learner": {"learner"},
    "author": {"author"},
    "hr_other": {"hr_other", "outsider"},
    "hr": {"hr", "learner", "peer", "author"},  # P and C; hr_other (U) and admin (no agency) are outside
    "admin": {"learner", "peer", "outsider", "author", "hr_other", "hr", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_can_view_user(world, role):
    actor = world.people[role]
    targets = {name: person for name, person in world.people.items() if name != "anonymous"}
    seen = {name for name, person in targets.items() if policy.can_view_user(actor, person)}
    assert seen == VISIBLE_PEOPLE[role]


# --- edge cases ------------------------------------------------------------------------------------

def test_no_user_at_all_may_do_nothing(world):
    assert not policy.is_admin(None)
    assert not policy.is_hr(None)
    assert not policy.can_view_agencies(None)
    assert not policy.can_view_agency(None, world.agencies["P"])
    assert not policy.can_view_user(None, world.people["learner"])
    assert policy.grantable_roles(None) == frozenset()
    with pytest.raises(PermissionError):
        policy.agency_scope(None)


def test_hr_officer_without_an_agency_has_no_hr_rights(world):
    hr = factories.user(roles={Role.LEARNER, Role.HR})
    assert not policy.is_hr(hr)
    assert not policy.can_view_agencies(hr)
    assert not policy.can_view_agency(hr, world.agencies["P"])
    assert not policy.can_view_user(hr, world.people["learner"])
    assert policy.grantable_roles(hr) == frozenset()
    with pytest.raises(PermissionError):
        policy.agency_scope(hr)


def test_hr_officer_does_not_see_people_without_an_agency(world):
    nobody = factories.user()
    assert not policy.can_view_user(world.people["hr"], nobody)
    assert policy.can_view_user(world.people["admin"], nobody)


@pytest.mark.parametrize("role", ["learner", "author", "hr", "admin"])
def test_deactivated_user_loses_every_right_even_to_themselves(world, role):
    actor = world.people[role]
    actor.is_active = False
    db.session.flush()
    assert not policy.is_admin(actor)
    assert not policy.is_hr(actor)
    assert not policy.is_author(actor)
    assert not policy.can_view_agencies(actor)
    assert not policy.can_manage_courses(actor)
    assert not policy.can_view_agency(actor, world.agencies["P"])
    assert not policy.can_view_user(actor, actor)
    assert policy.grantable_roles(actor) == frozenset()


def test_hr_sees_a_deeper_descendant_agency_and_its_people(world):
    grandchild = factories.agency("C-1", parent=world.agencies["C"])
    person = factories.user(agency=grandchild)
    assert policy.can_view_agency(world.people["hr"], grandchild)
    assert policy.can_view_user(world.people["hr"], person)
    assert not policy.can_view_agency(world.people["hr_other"], grandchild)
    assert not policy.can_view_user(world.people["hr_other"], person)


def test_hr_officer_of_a_child_agency_does_not_see_the_parent(world):
    hr_child = factories.user(roles={Role.LEARNER, Role.HR}, agency=world.agencies["C"])
    assert policy.can_view_agency(hr_child, world.agencies["C"])
    assert not policy.can_view_agency(hr_child, world.agencies["P"])
    assert not policy.can_view_user(hr_child, world.people["hr"])  # hr works in P
    assert policy.can_view_user(hr_child, world.people["peer"])


@pytest.mark.parametrize(("actor", "target", "expected"), [
    ("admin", "learner", True), ("admin", "hr", True), ("admin", "admin", False),
    ("hr", "learner", True), ("hr", "author", True), ("hr", "hr", False), ("hr", "outsider", False),
    ("hr_other", "learner", False), ("hr_other", "outsider", True),
    ("learner", "peer", False), ("author", "learner", False), ("anonymous", "learner", False),
])
def test_can_manage_user(world, actor, target, expected):
    assert policy.can_manage_user(world.people[actor], world.people[target]) is expected


def test_an_hr_officer_may_not_manage_another_hr_officer_or_an_admin_in_their_agencies(world):
    hr2 = factories.user(roles={Role.LEARNER, Role.HR}, agency=world.agencies["C"])
    admin2 = factories.user(roles={Role.ADMIN}, agency=world.agencies["C"])
    assert not policy.can_manage_user(world.people["hr"], hr2)
    assert not policy.can_manage_user(world.people["hr"], admin2)
    assert policy.can_manage_user(world.people["admin"], hr2)
