"""Who may see what: the single place where access rules live.

Rules:
- admin: everything.
- hr: the agency they belong to and every agency below it, and the people in those agencies.
- programme (the national programme office): every agency's reports, read-only; no people management.
- author: the course authoring pages (added with courses).
- learner (everyone signed in): their own account and their own records.

Views ask these functions and answer 404 for objects the user may not see (so their existence is not
revealed) and 403 for pages the user's role may not open at all.
"""

from __future__ import annotations

from sqlalchemy import Select

from lms.accounts.models import Role, User
from lms.agencies import services as agencies
from lms.agencies.models import Agency


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_admin(user) -> bool:
    """True for an active administrator."""
    return _signed_in(user) and user.has_role(Role.ADMIN)


def is_hr(user) -> bool:
    """True for an active HR officer attached to an agency."""
    return _signed_in(user) and user.has_role(Role.HR) and user.agency_id is not None


def is_author(user) -> bool:
    """True for an active course author."""
    return _signed_in(user) and user.has_role(Role.AUTHOR)


def can_view_agencies(user) -> bool:
    """May the user open the agency pages at all (HR officers and admins)."""
    return is_admin(user) or is_hr(user)


def agency_scope(user) -> Select | None:
    """The agency ids whose people and reports `user` may see: None means all (admin).

    Raises PermissionError for a user with no agency scope at all.
    """
    if is_admin(user):
        return None
    if is_hr(user):
        return agencies.subtree_ids_query(user.agency_id)
    raise PermissionError("no agency scope")


def can_view_agency(user, agency: Agency) -> bool:
    """May the user see this agency, its people and its reports."""
    if is_admin(user):
        return True
    return is_hr(user) and agencies.is_within(agency.id, user.agency_id)


def can_view_user(actor, target: User) -> bool:
    """May `actor` see `target`'s profile and records: themselves, their HR officer, or an admin."""
    if not _signed_in(actor):
        return False
    if actor.id == target.id or is_admin(actor):
        return True
    return is_hr(actor) and agencies.is_within(target.agency_id, actor.agency_id)


def can_view_notification(user, notification) -> bool:
    """May the user open this notification (mark it read, follow its link): only its recipient."""
    return _signed_in(user) and notification.recipient_id == user.id


def can_manage_user(actor, target: User) -> bool:
    """May `actor` edit, deactivate or reactivate `target` and send them a password link: admins anyone, HR officers
    the learners of their agency and below (not other HR officers or admins); nobody manages themselves here."""
    if not can_view_agencies(actor) or actor.id == target.id or not can_view_user(actor, target):
        return False
    return is_admin(actor) or not (target.has_role(Role.ADMIN) or target.has_role(Role.HR))


def is_programme(user) -> bool:
    """True for an active member of the national programme office."""
    return _signed_in(user) and user.has_role(Role.PROGRAMME)


def can_view_reports(user) -> bool:
    """May the user open reporting pages, exports and the API (their scope is report_scope())."""
    return is_admin(user) or is_programme(user) or is_hr(user)


def report_scope(user) -> Select | None:
    """The agency ids whose reports `user` may see: None means the whole country (admins, programme office).

    Raises PermissionError for a user who may not see reports at all.
    """
    if is_admin(user) or is_programme(user):
        return None
    if is_hr(user):
        return agencies.subtree_ids_query(user.agency_id)
    raise PermissionError("no report scope")


def can_view_agency_report(user, agency: Agency) -> bool:
    """May the user see this agency's reports (and the rows of its people in them)."""
    if is_admin(user) or is_programme(user):
        return True
    return is_hr(user) and agencies.is_within(agency.id, user.agency_id)


def can_view_learner_report(user, target: User) -> bool:
    """May the user see one learner's training record in the reports."""
    if is_admin(user) or is_programme(user):
        return True
    return is_hr(user) and target.agency_id is not None and agencies.is_within(target.agency_id, user.agency_id)


def can_set_agency_target(user, agency: Agency) -> bool:
    """May the user set or clear the agency's own target: its HR officers (for their subtree) and admins."""
    return is_admin(user) or (is_hr(user) and agencies.is_within(agency.id, user.agency_id))


def can_manage_courses(user) -> bool:
    """May the user open course administration pages (authors and admins)."""
    return is_admin(user) or is_author(user)


def grantable_roles(actor) -> frozenset[Role]:
    """The roles `actor` may give to others: admins any, HR officers only learner."""
    if is_admin(actor):
        return frozenset(Role)
    if is_hr(actor):
        return frozenset({Role.LEARNER})
    return frozenset()


def can_sign_in_with_password(user: User | None, *, email: str, password_sign_in: bool,
                              break_glass: frozenset[str]) -> bool:
    """May this account sign in (or reset a password) with a password: everyone while password sign-in is on; when it
    is off, only the administrator accounts named as break-glass accounts (`user` None: asked before the account is
    looked up, by the address alone)."""
    if password_sign_in:
        return True
    if email.strip().lower() not in break_glass:
        return False
    return user is None or user.has_role(Role.ADMIN)


def can_unlink_identity(actor, target: User) -> bool:
    """May `actor` remove a link between `target` and an identity provider account: administrators only."""
    return is_admin(actor)
def can_use_ai(user) -> bool:
    """May the user ask the course tutor (everyone signed in; the AI settings may still switch it off)."""
    return _signed_in(user)


def can_view_ai_log(user) -> bool:
    """May the user read and export the AI log (administrators)."""
    return is_admin(user)
