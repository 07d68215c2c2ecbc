"""Who may see what: the single place where access rules live.

Rules:
- admin: everything.
- hr: the agency they belong to and every agency below it, and the people in those agencies.
- programme (the national programme office): every agency's reports, read-only; no people management.
- author: the course authoring pages (added with courses).
- learner (everyone signed in): their own account and their own records.
- evaluations: answers are anonymous; satisfaction figures follow the report scope; authors and admins read the
  comments (no names).
- line manager (anyone with an active direct report; not a role): the training records of the people who report to
  them, directly or down the chain ("My team"), and exports of them; nothing of their accounts.
  They also decide the enrolment requests that name them as approver.

Views ask these functions and answer 404 for objects the user may not see (so their existence is not
revealed) and 403 for pages the user's role may not open at all.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Select

from lms.accounts import managers
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


def is_registration_open(*, self_registration: bool, password_sign_in: bool, has_domains: bool) -> bool:
    """May people register themselves: self-registration is on, it has email domains, and password sign-in is on
    (a registered account signs in with the password it chose, so it would have no way in otherwise)."""
    return self_registration and password_sign_in and has_domains


def can_unlink_identity(actor, target: User) -> bool:
    """May `actor` remove a link between `target` and an identity provider account: administrators only."""
    return is_admin(actor)


def is_manager_of(actor, target: User, *, chain: bool = True) -> bool:
    """Is `actor` (signed in, active) `target`'s line manager: directly, or with `chain` anywhere up the line."""
    if not _signed_in(actor) or target is None or target.id == actor.id:
        return False
    if target.manager_id == actor.id:
        return True
    return chain and target.manager_id is not None and managers.reports_to(target.id, actor.id)


def can_view_team(actor) -> bool:
    """May `actor` open "My team": someone active reports to them directly. HR officers and admins have no team
    page by their role; they see people through their agency pages and reports."""
    if not _signed_in(actor):
        return False
    return _has_active_reports(actor)


def _has_active_reports(user) -> bool:
    known = getattr(user, "has_active_reports", None)  # selected with the signed-in user (no statement)
    return bool(known) if known is not None else managers.has_active_reports(user.id)


def can_view_team_member(actor, target: User) -> bool:
    """May `actor` see `target`'s training record as their manager: `target` is active and reports to `actor`,
    directly or down the chain. Anyone else's record is not found (404)."""
    return target is not None and target.is_active and is_manager_of(actor, target, chain=True)


def can_use_exports(user) -> bool:
    """May the user open their export pages (My exports, an export, its download): whoever may export reports or
    their team. Each job is checked again for its own kind: can_view_reports for a report's export,
    can_download_team_export for a team's."""
    return can_view_reports(user) or can_view_team(user)


def can_export_team(actor, *, manager_id: int) -> bool:
    """May `actor` export the team of `manager_id` (asked when the export is requested and again when it is
    written): their own team only, while they may open it."""
    return actor is not None and getattr(actor, "id", None) == manager_id and can_view_team(actor)


def can_download_team_export(actor, *, manager_id: int, chain: bool, people: list[int]) -> bool:
    """May `actor` download a team export written for `manager_id`'s team: they may still export that team and
    everyone in the file (`people`) still reports to them (a file about someone who has since left the team is not
    handed out)."""
    if not can_export_team(actor, manager_id=manager_id):
        return False
    return managers.count_reports_among(manager_id, people, chain=chain) == len(set(people))


def can_use_ai(user) -> bool:
    """May the user ask the course tutor (everyone signed in; the AI settings may still switch it off)."""
    return _signed_in(user)


def can_view_ai_log(user) -> bool:
    """May the user read and export the AI log (administrators)."""
    return is_admin(user)


def approval_agency_scope(actor) -> Select | Literal[False] | None:
    """The agencies whose people's enrolment requests `actor` may decide besides those naming them as approver: the
    subtree of an HR officer's agency (on the line manager's behalf, or for people without one), None meaning every
    agency (administrators), False none (everyone else decides only as the line manager named in a request)."""
    if is_admin(actor):
        return None
    if is_hr(actor):
        return agencies.subtree_ids_query(actor.agency_id)
    return False


def can_decide_request(actor, request) -> bool:
    """May `actor` approve or decline this enrolment request (lms.approvals.models.EnrollmentRequest): the line
    manager it names, an HR officer of the learner's agency or one above it, or an administrator; never the learner
    themselves. Whether the request is still open is the service's question, not access."""
    if not _signed_in(actor) or actor.id == request.user_id:
        return False
    if request.approver_id == actor.id or is_admin(actor):
        return True
    return is_hr(actor) and agencies.is_within(request.user.agency_id, actor.agency_id)


def can_withdraw_request(actor, request) -> bool:
    """May `actor` withdraw this enrolment request: only the learner who made it (anyone else gets 404)."""
    return _signed_in(actor) and actor.id == request.user_id


def may_decide_requests(user) -> bool:
    """Does the Requests page (/approvals/) belong in the user's menu: line managers (someone reports to them), HR
    officers and administrators. Anyone signed in may open it (it lists what they may decide, often nothing)."""
    return _signed_in(user) and (is_admin(user) or is_hr(user) or _has_active_reports(user))


def can_record_learning_of(user, learner_id: int) -> bool:
    """May `user` send learning data (a SCORM package's commits) recorded as learner `learner_id`'s: their own only,
    whatever their role (nobody records learning in someone else's name)."""
    return _signed_in(user) and user.id == learner_id


def can_view_satisfaction(user) -> bool:
    """May the user open the satisfaction report (lms.evaluations) and export it: whoever may see reports, each
    within their report_scope() (HR officers their agency and below)."""
    return can_view_reports(user)


def can_read_evaluation_comments(user) -> bool:
    """May the user read a course's evaluation comments (without names): course authors and administrators."""
    return can_manage_courses(user)
