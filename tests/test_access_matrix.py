"""Access matrix: every route of the app x every kind of visitor, with the status each one must get.

The data is a small tree built afresh for each test: parent agency P with child agency C, and an
unrelated agency U. The acting roles are

- anonymous: nobody signed in;
- learner: a learner in C;
- author: a course author in C;
- hr_other: an HR officer of U (unrelated to P and C);
- hr: an HR officer of P (so C is in their subtree);
- admin: an administrator attached to no agency;
- programme: a member of the national programme office, in U: every agency's reports, read-only, and no people
  management. Their outcome on a route is the learner's unless PROGRAMME names the case;
- manager: a learner in C (no HR role) to whom `peer` reports: "My team" and its exports. Their outcome on a route
  is the learner's unless MANAGER names the case.

Other people in the data: `peer` (another learner in C, the manager's report) and `outsider` (a learner in U).

A route added to the app without an entry here makes test_every_route_has_a_matrix_entry fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from lms import events
from lms.accounts import services
from lms.accounts.models import Role
from lms.db import utcnow
from lms.events import Notice
from lms.extensions import db
from lms.notifications.models import Notification
from tests import factories
from tests.conftest import post_form

ROLES = ("anonymous", "learner", "author", "hr_other", "hr", "admin", "programme", "manager")
#: The roles whose outcomes a Case lists in `expect`; the programme office's come from PROGRAMME, the line
#: manager's from MANAGER.
LISTED_ROLES = ROLES[:-2]

#: Where POST cases take their CSRF token from: a form page that every visitor may open.
TOKEN_PAGE = "/password/forgot"


@dataclass(frozen=True)
class Redirect:
    """A 302 to `path` (on this site)."""

    path: str


@dataclass(frozen=True)
class ToLogin:
    """A 302 to the sign-in page that comes back to the requested path afterwards."""


LOGIN = ToLogin()


@dataclass(frozen=True)
class Case:
    """One request and what each role must get from it.

    `path` is formatted with the ids of the data (learner, peer, outsider, admin, missing, me = the
    acting user, or the learner for anonymous) and reset_token. `expect` lists the outcome per role
    in LISTED_ROLES order: a status code, LOGIN, or Redirect(path). When `shows` names a person, their email
    must be on the page exactly when the outcome is 200 (a refusal reveals nothing about them).
    """

    endpoint: str
    method: str
    path: str
    expect: tuple
    data: dict = field(default_factory=dict)
    shows: str | None = None

    def __post_init__(self):
        assert len(self.expect) == len(LISTED_ROLES), f"{self.path}: one outcome per role"

    def outcome(self, role: str):
        """What `role` must get: from `expect`, or for the programme office from PROGRAMME and for the line manager
        from MANAGER (else the learner's)."""
        if role in ("programme", "manager"):
            overrides = PROGRAMME if role == "programme" else MANAGER
            return overrides.get(_case_id(self), self.expect[LISTED_ROLES.index("learner")])
        return self.expect[LISTED_ROLES.index(role)]


def everyone(outcome) -> tuple:
    return (outcome,) * len(LISTED_ROLES)


def signed_in(outcome) -> tuple:
    """LOGIN for anonymous, `outcome` for every signed-in role."""
    return (LOGIN,) + (outcome,) * (len(LISTED_ROLES) - 1)


HOME = Redirect("/")
HOME_USERS = Redirect("/admin/users/")
TO_FORGOT = Redirect("/password/forgot")

# Outcomes per role, in LISTED_ROLES order: (anonymous, learner, author, hr_other, hr, admin); programme: PROGRAMME.
CASES = [
    # --- site ---
    # The home page sends each visitor on: to signing in, or to "My learning".
    Case("site.index", "GET", "/", (Redirect("/login"),) + (Redirect("/my-learning"),) * (len(LISTED_ROLES) - 1)),
    Case("site.healthz", "GET", "/healthz", everyone(200)),
    Case("site.set_language", "POST", "/language", everyone(400)),  # no locale
    Case("site.set_language", "POST", "/language", everyone(400), data={"locale": "xx"}),
    Case("site.set_language", "POST", "/language", everyone(HOME), data={"locale": "ru"}),
    # --- signing in and out ---
    Case("accounts.login", "GET", "/login", (200, HOME, HOME, HOME, HOME, HOME)),
    Case("accounts.login", "POST", "/login", (400, HOME, HOME, HOME, HOME, HOME)),  # empty form
    Case("accounts.logout", "POST", "/logout", everyone(Redirect("/login"))),
    # SAML sign-in: public; this app configures no SAML provider, so every provider key is unknown (tests/saml
    # covers a configured one against a real IdP).
    Case("accounts.saml_metadata", "GET", "/saml/nobody/metadata", everyone(404)),
    Case("accounts.saml_login", "POST", "/saml/nobody/login", everyone(404)),
    Case("accounts.saml_acs", "POST", "/saml/nobody/acs", everyone(404), data={"SAMLResponse": "eA=="}),
    # --- own account ---
    Case("accounts.account", "GET", "/account", signed_in(200)),
    Case("accounts.change_password", "POST", "/account/password", signed_in(400)),  # empty form
    Case("accounts.preferences", "POST", "/account/preferences", signed_in(400)),  # no language
    Case("accounts.preferences", "POST", "/account/preferences", signed_in(Redirect("/account")),
         data={"locale": "kk"}),
    # --- calendar feeds: the feed's secret address is its key (none exists here: tests/calendar makes them); the
    # download is the signed-in person's own due date of a course assigned to them ---
    Case("calendar.feed", "GET", "/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", everyone(404)),
    Case("calendar.course_event", "GET", "/calendar/courses/no-such-course.ics", signed_in(404)),
    Case("calendar.create", "POST", "/account/calendar-feed", signed_in(200)),  # the page that shows it once
    Case("calendar.rotate", "POST", "/account/calendar-feed/rotate", signed_in(404)),  # no feed to rotate
    Case("calendar.revoke", "POST", "/account/calendar-feed/revoke", signed_in(404)),
    # --- notifications: everyone signed in has an inbox; the notification in the data is the learner's, so
    # everyone else is told it does not exist ---
    Case("notifications.index", "GET", "/notifications/", signed_in(200)),
    Case("notifications.index", "GET", "/notifications/?page=9", signed_in(200)),
    Case("notifications.read_all", "POST", "/notifications/read-all", signed_in(Redirect("/notifications/"))),
    Case("notifications.read", "POST", "/notifications/{notice}/read",
         (LOGIN, Redirect("/notifications/"), 404, 404, 404, 404)),
    Case("notifications.read", "POST", "/notifications/{missing}/read", signed_in(404)),
    Case("notifications.open_item", "POST", "/notifications/{notice}/open",
         (LOGIN, Redirect("/certificates/"), 404, 404, 404, 404)),
    Case("notifications.open_item", "POST", "/notifications/{missing}/open", signed_in(404)),
    Case("notifications.settings", "GET", "/notifications/settings", signed_in(200)),
    Case("notifications.settings", "POST", "/notifications/settings", signed_in(400)),  # empty form
    # --- password reset: public, the link is what grants access ---
    Case("accounts.forgot_password", "GET", "/password/forgot", everyone(200)),
    Case("accounts.forgot_password", "POST", "/password/forgot", everyone(400)),  # no email
    Case("accounts.reset_password", "GET", "/password/reset/{reset_token}", everyone(200)),
    Case("accounts.reset_password", "GET", "/password/reset/garbage", everyone(TO_FORGOT)),
    Case("accounts.reset_password", "POST", "/password/reset/{reset_token}", everyone(400)),  # empty form
    Case("accounts.reset_password", "POST", "/password/reset/garbage", everyone(TO_FORGOT)),
    # --- self-registration is off by default: the pages do not exist ---
    Case("accounts.register", "GET", "/register", everyone(404)),
    Case("accounts.register", "POST", "/register", everyone(404), data={"email": "new@gov.kz"}),
    Case("accounts.complete_registration", "GET", "/register/some-token", everyone(404)),
    Case("accounts.complete_registration", "POST", "/register/some-token", everyone(404)),
    # --- people ---
    Case("accounts.person", "GET", "/people/{me}", signed_in(200)),
    Case("accounts.person", "GET", "/people/{peer}", (LOGIN, 404, 404, 404, 200, 200), shows="peer"),
    Case("accounts.person", "GET", "/people/{outsider}", (LOGIN, 404, 404, 200, 404, 200), shows="outsider"),
    Case("accounts.person", "GET", "/people/{admin}", (LOGIN, 404, 404, 404, 404, 200), shows="admin"),
    Case("accounts.person", "GET", "/people/{missing}", signed_in(404)),
    # Unlinking an identity provider account: administrators only (the link itself is missing here; tests/accounts/
    # test_sso_pages.py unlinks a real one).
    Case("accounts.unlink_identity", "POST", "/people/{peer}/identities/1/unlink", (LOGIN, 404, 404, 404, 403, 404)),
    Case("accounts.unlink_identity", "POST", "/people/{me}/identities/1/unlink", (LOGIN, 403, 403, 403, 403, 404)),
    # --- single sign-on (no provider is configured here; tests/accounts/test_oidc.py signs in through one) ---
    Case("accounts.oidc_start", "POST", "/login/oidc/nope", everyone(404)),
    Case("accounts.oidc_callback", "GET", "/login/oidc/nope/callback?state=x&code=y", everyone(404)),
    # --- agencies ---
    Case("agencies.index", "GET", "/agencies/", (LOGIN, 403, 403, 200, 200, 200)),
    Case("agencies.detail", "GET", "/agencies/P", (LOGIN, 403, 403, 404, 200, 200)),
    Case("agencies.detail", "GET", "/agencies/C", (LOGIN, 403, 403, 404, 200, 200), shows="peer"),
    Case("agencies.detail", "GET", "/agencies/U", (LOGIN, 403, 403, 200, 404, 200), shows="outsider"),
    Case("agencies.detail", "GET", "/agencies/NOPE", (LOGIN, 403, 403, 404, 404, 404)),
    # --- courses (no course in this data: the catalogue is empty, unknown keys are 404 for everyone) ---
    Case("courses.catalogue", "GET", "/courses/", signed_in(200)),
    Case("courses.course", "GET", "/courses/no-such-course", signed_in(404)),
    Case("courses.lesson", "GET", "/courses/no-such-course/lessons/intro", signed_in(404)),
    Case("courses.media", "GET", "/courses/no-such-course/files/media/picture.png", signed_in(404)),
    # --- learning (per-course behaviour with real courses is in tests/learning) ---
    Case("learning.dashboard", "GET", "/my-learning", signed_in(200)),
    # --- programmes (none in this data; tests/programmes has real ones) ---
    Case("programmes.index", "GET", "/programmes/", signed_in(200)),
    Case("programmes.programme", "GET", "/programmes/no-such-programme", signed_in(404)),
    Case("learning.enroll", "POST", "/courses/no-such-course/enroll", signed_in(404)),
    Case("learning.complete_lesson", "POST", "/courses/no-such-course/lessons/intro/complete", signed_in(404)),
    # A SCORM package's commits: JSON for the lesson page's runtime (401 signed out, not a sign-in redirect);
    # tests/scorm/test_commit.py commits to real lessons, someone else's session included (404).
    Case("scorm.commit", "POST", "/courses/no-such-course/lessons/intro/scorm/commit", (401,) + (404,) * 5),
    Case("quizzes.overview", "GET", "/courses/no-such-course/quiz", signed_in(404)),
    Case("quizzes.start", "POST", "/courses/no-such-course/quiz/start", signed_in(404)),
    Case("quizzes.attempt", "GET", "/quiz/attempts/999999", signed_in(404)),
    Case("quizzes.submit", "POST", "/quiz/attempts/999999/submit", signed_in(404)),
    # --- pre-tests: keyed by course and the signed-in learner, so nobody can address someone else's
    # (tests/pretests/test_pages.py takes one in a real course) ---
    Case("pretests.pretest", "GET", "/courses/no-such-course/pretest", signed_in(404)),
    Case("pretests.start", "POST", "/courses/no-such-course/pretest/start", signed_in(404)),
    Case("pretests.skip", "POST", "/courses/no-such-course/pretest/skip", signed_in(404)),
    Case("pretests.submit", "POST", "/courses/no-such-course/pretest/submit", signed_in(404)),
    # --- enrolment requests (lms.approvals): the page lists what each person may decide (often nothing); a request
    # is someone else's (404) unless it is one's own or one may decide it (tests/approvals with real requests) ---
    Case("approvals.index", "GET", "/approvals/", signed_in(200)),
    Case("approvals.index", "GET", "/approvals/?page=2", signed_in(200)),
    Case("approvals.approve", "POST", "/approvals/999999/approve", signed_in(404)),
    Case("approvals.decline", "POST", "/approvals/999999/decline", signed_in(404), data={"reason": "No"}),
    Case("approvals.withdraw", "POST", "/approvals/999999/withdraw", signed_in(404)),
    Case("certificates.mine", "GET", "/certificates/", signed_in(200)),
    Case("competencies.mine", "GET", "/competencies", signed_in(200)),
    Case("certificates.pdf", "GET", "/certificates/NOPE.pdf", signed_in(404)),
    Case("certificates.credential", "GET", "/certificates/NOPE/credential.json", signed_in(404)),
    # --- AI assistance (no course in this data: the tutor of an unknown course is 404) ---
    Case("ai.ask_form", "GET", "/courses/no-such-course/ask", signed_in(404)),
    Case("ai.ask", "POST", "/courses/no-such-course/ask", signed_in(404), data={"question": "What is AI?"}),
    Case("ai.notice", "GET", "/ai/notice", signed_in(200)),
    Case("ai.accept_notice", "POST", "/ai/notice", signed_in(Redirect("/my-learning"))),
    Case("ai.accept_notice", "POST", "/ai/notice", signed_in(Redirect("/my-learning")),
         data={"next": "//evil.example/"}),
    Case("ai.systems", "GET", "/ai/systems", everyone(200)),
    Case("ai.log", "GET", "/admin/ai-log/", (LOGIN, 403, 403, 403, 403, 200)),
    Case("ai.log", "GET", "/admin/ai-log/?action=tutor_answer&success=no&from=2026-01-01",
         (LOGIN, 403, 403, 403, 403, 200)),
    Case("ai.log_export", "GET", "/admin/ai-log/export.csv", (LOGIN, 403, 403, 403, 403, 200)),
    Case("certificates.verify_form", "GET", "/verify", everyone(200)),
    Case("certificates.verify", "GET", "/verify/NOPE", everyone(404)),
    Case("certificates.status", "GET", "/credentials/NOPE/status", everyone(404)),
    Case("certificates.status_list", "GET", "/credentials/status-lists/1", everyone(404)),  # no certificate yet
    Case("certificates.issuer", "GET", "/issuer", everyone(200)),
    Case("certificates.jwks", "GET", "/issuer/jwks.json", everyone(200)),
    Case("certificates.admin_list", "GET", "/admin/certificates/", (LOGIN, 403, 403, 403, 403, 200)),
    Case("certificates.admin_revoke", "POST", "/admin/certificates/NOPE/revoke", (LOGIN, 403, 403, 403, 403, 404)),
    Case("admin.users", "GET", "/admin/users/", (LOGIN, 403, 403, 200, 200, 200)),
    Case("admin.set_active", "POST", "/admin/users/{peer}/active", (LOGIN, 403, 403, 404, HOME_USERS, HOME_USERS),
         data={"active": "no"}),
    Case("admin.set_active", "POST", "/admin/users/{outsider}/active", (LOGIN, 403, 403, HOME_USERS, 404, HOME_USERS),
         data={"active": "no"}),
    Case("admin.set_active", "POST", "/admin/users/{hr_other}/active", (LOGIN, 403, 403, 404, 404, HOME_USERS),
         data={"active": "no"}),
    Case("admin.import_people", "GET", "/admin/import", (LOGIN, 403, 403, 200, 200, 200)),
    Case("admin.import_people", "POST", "/admin/import", (LOGIN, 403, 403, 400, 400, 400)),  # no file
    Case("admin.confirm_import", "POST", "/admin/import/confirm", (LOGIN, 403, 403, 400, 400, 400)),  # no token
    Case("admin.new_user", "GET", "/admin/users/new", (LOGIN, 403, 403, 200, 200, 200)),
    Case("admin.new_user", "POST", "/admin/users/new", (LOGIN, 403, 403, 400, 400, 400)),  # empty form
    Case("admin.edit_user", "GET", "/admin/users/{peer}", (LOGIN, 403, 403, 404, 200, 200), shows="peer"),
    Case("admin.edit_user", "GET", "/admin/users/{outsider}", (LOGIN, 403, 403, 200, 404, 200), shows="outsider"),
    Case("admin.edit_user", "GET", "/admin/users/{hr_other}", (LOGIN, 403, 403, 404, 404, 200)),
    Case("admin.edit_user", "POST", "/admin/users/{peer}", (LOGIN, 403, 403, 404, 400, 400)),  # empty form
    Case("admin.send_reset", "POST", "/admin/users/{peer}/reset",
         (LOGIN, 403, 403, 404, Redirect("/admin/users/{peer}"), Redirect("/admin/users/{peer}"))),
    Case("admin.new_agency", "GET", "/admin/agencies/new", (LOGIN, 403, 403, 403, 403, 200)),
    Case("admin.new_agency", "POST", "/admin/agencies/new", (LOGIN, 403, 403, 403, 403, 400)),  # empty form
    Case("admin.edit_agency", "GET", "/admin/agencies/C", (LOGIN, 403, 403, 403, 403, 200)),
    Case("admin.edit_agency", "GET", "/admin/agencies/NOPE", (LOGIN, 403, 403, 403, 403, 404)),
    Case("admin.edit_agency", "POST", "/admin/agencies/C", (LOGIN, 403, 403, 403, 403, 400)),  # empty form
    Case("admin.audit_log", "GET", "/admin/audit/", (LOGIN, 403, 403, 403, 403, 200)),
    Case("admin.audit_export", "GET", "/admin/audit/export.csv", (LOGIN, 403, 403, 403, 403, 200)),
    Case("admin.outbox", "GET", "/admin/outbox/", (LOGIN, 403, 403, 403, 403, 200)),
    Case("admin.retry", "POST", "/admin/outbox/999999/retry", (LOGIN, 403, 403, 403, 403, 404)),
    Case("admin.content", "GET", "/admin/content/", (LOGIN, 403, 403, 403, 403, 200)),
    Case("assignments.cancel", "POST", "/assignments/999999/cancel", (LOGIN, 403, 403, 404, 404, 404)),
    Case("assignments.index", "GET", "/assignments/", (LOGIN, 403, 403, 200, 200, 200)),
    Case("assignments.new", "GET", "/assignments/new", (LOGIN, 403, 403, 200, 200, 200)),
    Case("assignments.new", "POST", "/assignments/new", (LOGIN, 403, 403, 400, 400, 400)),  # empty form
    # --- reports (HR: own agency and below; admins and the programme office: everything) ---
    Case("reports.index", "GET", "/reports/", (LOGIN, 403, 403, 200, 200, 200)),
    Case("reports.index", "GET", "/reports/?agency=P", (LOGIN, 403, 403, 404, 200, 200)),
    Case("reports.index", "GET", "/reports/?agency=U", (LOGIN, 403, 403, 200, 404, 200)),
    Case("reports.index", "GET", "/reports/?agency=NOPE", (LOGIN, 403, 403, 404, 404, 404)),
    Case("reports.index", "GET", "/reports/?from=31.12.2026", (LOGIN, 403, 403, 400, 400, 400)),
    Case("reports.index", "GET", "/reports/?status=lost", (LOGIN, 403, 403, 400, 400, 400)),
    Case("reports.learners", "GET", "/reports/learners?agency=C", (LOGIN, 403, 403, 404, 200, 200)),
    Case("reports.learner", "GET", "/reports/learners/{peer}", (LOGIN, 403, 403, 404, 200, 200), shows="peer"),
    Case("reports.learner", "GET", "/reports/learners/{outsider}", (LOGIN, 403, 403, 200, 404, 200),
         shows="outsider"),
    Case("reports.learner", "GET", "/reports/learners/{missing}", (LOGIN, 403, 403, 404, 404, 404)),
    Case("reports.overdue", "GET", "/reports/overdue", (LOGIN, 403, 403, 200, 200, 200)),
    Case("reports.overdue", "GET", "/reports/overdue?agency=U", (LOGIN, 403, 403, 200, 404, 200)),
    Case("reports.gain", "GET", "/reports/gain", (LOGIN, 403, 403, 200, 200, 200)),
    Case("reports.gain", "GET", "/reports/gain?agency=P", (LOGIN, 403, 403, 404, 200, 200)),
    Case("reports.gain", "GET", "/reports/gain?agency=U", (LOGIN, 403, 403, 200, 404, 200)),
    Case("reports.gain", "GET", "/reports/gain?from=31.12.2026", (LOGIN, 403, 403, 400, 400, 400)),
    Case("reports.programmes", "GET", "/reports/programmes", (LOGIN, 403, 403, 200, 200, 200)),
    Case("reports.programmes", "GET", "/reports/programmes?agency=U", (LOGIN, 403, 403, 200, 404, 200)),
    Case("reports.programmes", "GET", "/reports/programmes?programme=nope", (LOGIN, 403, 403, 404, 404, 404)),
    Case("reports.target", "GET", "/reports/agencies/P/target", (LOGIN, 403, 403, 404, 200, 200)),
    Case("reports.target", "GET", "/reports/agencies/U/target", (LOGIN, 403, 403, 200, 404, 200)),
    Case("reports.target", "POST", "/reports/agencies/P/target", (LOGIN, 403, 403, 404, 400, 400)),  # empty form
    Case("reports.clear_target", "POST", "/reports/agencies/C/target/clear",
         (LOGIN, 403, 403, 404, Redirect("/reports/"), Redirect("/reports/"))),  # back to ?agency=C
    # --- the competency heat map: the reports' scope (HR: their subtree) ---
    Case("competencies.heat_map", "GET", "/reports/competencies", (LOGIN, 403, 403, 200, 200, 200)),
    Case("competencies.heat_map", "GET", "/reports/competencies?agency=P&level=2", (LOGIN, 403, 403, 404, 200, 200)),
    Case("competencies.heat_map", "GET", "/reports/competencies?agency=U", (LOGIN, 403, 403, 200, 404, 200)),
    Case("competencies.request_export", "POST", "/reports/competencies/export", (LOGIN, 403, 403, 400, 400, 400),
         data={"format": "pdf"}),
    Case("competencies.request_export", "POST", "/reports/competencies/export", (LOGIN, 403, 403, 400, 404, 400),
         data={"format": "pdf", "agency": "U"}),  # scope is checked first (404), then the format (400)
    # --- exports of the reports (same rules as the reports; someone else's export is not found) ---
    Case("exports.request_export", "POST", "/reports/exports", (LOGIN, 403, 403, 400, 400, 400),
         data={"format": "pdf"}),
    Case("exports.request_export", "POST", "/reports/exports", (LOGIN, 403, 403, 400, 404, 400),
         data={"format": "pdf", "agency": "U"}),  # scope is checked first (404), then the format (400)
    Case("exports.request_export", "POST", "/reports/exports", (LOGIN, 403, 403, 400, 400, 400),
         data={"format": "csv", "kind": "lost"}),  # an unknown report kind
    Case("exports.index", "GET", "/reports/exports", (LOGIN, 403, 403, 200, 200, 200)),
    Case("exports.export", "GET", "/reports/exports/0123456789abcdef", (LOGIN, 403, 403, 404, 404, 404)),
    Case("exports.download", "GET", "/reports/exports/0123456789abcdef/download", (LOGIN, 403, 403, 404, 404, 404)),
    # --- course evaluations (tests/evaluations with real courses and answers): the questionnaire is a completed
    # course's (an unknown course is not found); satisfaction follows the report scope; comments for authors/admins ---
    Case("evaluations.answer", "GET", "/courses/no-such-course/evaluation", signed_in(404)),
    Case("evaluations.answer", "POST", "/courses/no-such-course/evaluation", signed_in(404)),
    Case("evaluations.dismiss", "POST", "/courses/no-such-course/evaluation/dismiss", signed_in(404)),
    Case("evaluations.course_comments", "GET", "/courses/no-such-course/evaluation/comments",
         (LOGIN, 403, 404, 403, 403, 404)),
    Case("evaluations.satisfaction", "GET", "/reports/satisfaction", (LOGIN, 403, 403, 200, 200, 200)),
    Case("evaluations.satisfaction", "GET", "/reports/satisfaction?agency=P", (LOGIN, 403, 403, 404, 200, 200)),
    Case("evaluations.satisfaction", "GET", "/reports/satisfaction?agency=U", (LOGIN, 403, 403, 200, 404, 200)),
    Case("evaluations.satisfaction", "GET", "/reports/satisfaction?course=nope", (LOGIN, 403, 403, 400, 400, 400)),
    Case("evaluations.export", "POST", "/reports/satisfaction/export", (LOGIN, 403, 403, 400, 400, 400),
         data={"format": "pdf"}),
    Case("evaluations.export", "POST", "/reports/satisfaction/export", (LOGIN, 403, 403, 400, 404, 400),
         data={"format": "pdf", "agency": "U"}),
    # --- API tokens: a signed-in page for whoever may see reports ---
    Case("api_tokens.index", "GET", "/reports/api-tokens", (LOGIN, 403, 403, 200, 200, 200)),
    Case("api_tokens.index", "POST", "/reports/api-tokens", (LOGIN, 403, 403, 400, 400, 400)),  # no name
    Case("api_tokens.revoke", "POST", "/reports/api-tokens/999999/revoke", (LOGIN, 403, 403, 404, 404, 404)),
    # --- the JSON API takes a token, never the browser session ---
    Case("api.agency_summary", "GET", "/api/v1/agencies/summary", everyone(401)),
    Case("api.course_summary", "GET", "/api/v1/courses/summary", everyone(401)),
    Case("api.rows", "GET", "/api/v1/rows", everyone(401)),
    Case("api.overdue", "GET", "/api/v1/overdue", everyone(401)),
    Case("api.openapi", "GET", "/api/v1/openapi.json", everyone(200)),
    # --- My team: only people with an active report (MANAGER); HR officers and admins have no team page by role ---
    Case("team.index", "GET", "/team/", (LOGIN, 403, 403, 403, 403, 403)),
    Case("team.index", "GET", "/team/?scope=all&status=overdue&q=Test", (LOGIN, 403, 403, 403, 403, 403)),
    Case("team.index", "GET", "/team/?status=lost", (LOGIN, 403, 403, 403, 403, 403)),
    Case("team.person", "GET", "/team/people/{peer}", (LOGIN, 403, 403, 403, 403, 403), shows="peer"),
    Case("team.person", "GET", "/team/people/{learner}", (LOGIN, 403, 403, 403, 403, 403), shows="learner"),
    Case("team.person", "GET", "/team/people/{outsider}", (LOGIN, 403, 403, 403, 403, 403), shows="outsider"),
    Case("team.person", "GET", "/team/people/{missing}", (LOGIN, 403, 403, 403, 403, 403)),
    Case("team.request_export", "POST", "/team/export", (LOGIN, 403, 403, 403, 403, 403), data={"format": "pdf"}),
    Case("team.request_export", "POST", "/team/export", (LOGIN, 403, 403, 403, 403, 403),
         data={"format": "csv", "status": "lost"}),
]


#: Where the programme office's outcome differs from the learner's, by case id (see _case_id): the reports of the whole
#: country, exports and API tokens as for an admin; agency targets are set by HR officers and admins only (403).
PROGRAMME = {
    "GET /reports/": 200,
    "GET /reports/?agency=P": 200,
    "GET /reports/?agency=U": 200,
    "GET /reports/?agency=NOPE": 404,
    "GET /reports/?from=31.12.2026": 400,
    "GET /reports/?status=lost": 400,
    "GET /reports/learners?agency=C": 200,
    "GET /reports/learners/{peer}": 200,
    "GET /reports/learners/{outsider}": 200,
    "GET /reports/learners/{missing}": 404,
    "GET /reports/overdue": 200,
    "GET /reports/competencies": 200,
    "GET /reports/competencies?agency=P&level=2": 200,
    "GET /reports/competencies?agency=U": 200,
    "POST /reports/competencies/export [format=pdf]": 400,
    "POST /reports/competencies/export [format=pdf,agency=U]": 400,
    "GET /reports/overdue?agency=U": 200,
    "GET /reports/gain": 200,
    "GET /reports/gain?agency=P": 200,
    "GET /reports/gain?agency=U": 200,
    "GET /reports/gain?from=31.12.2026": 400,
    "GET /reports/programmes": 200,
    "GET /reports/programmes?agency=U": 200,
    "GET /reports/programmes?programme=nope": 404,
    "GET /reports/agencies/P/target": 403,
    "GET /reports/agencies/U/target": 403,
    "POST /reports/agencies/P/target": 403,
    "POST /reports/agencies/C/target/clear": 403,
    "POST /reports/exports [format=pdf]": 400,
    "POST /reports/exports [format=pdf,agency=U]": 400,
    "POST /reports/exports [format=csv,kind=lost]": 400,
    "GET /reports/exports": 200,
    "GET /reports/exports/0123456789abcdef": 404,
    "GET /reports/exports/0123456789abcdef/download": 404,
    "GET /reports/api-tokens": 200,
    "POST /reports/api-tokens": 400,
    "POST /reports/api-tokens/999999/revoke": 404,
    "GET /reports/satisfaction": 200,
    "GET /reports/satisfaction?agency=P": 200,
    "GET /reports/satisfaction?agency=U": 200,
    "GET /reports/satisfaction?course=nope": 400,
    "POST /reports/satisfaction/export [format=pdf]": 400,
    "POST /reports/satisfaction/export [format=pdf,agency=U]": 400,
    # the learner's notification is not theirs
    "POST /notifications/{notice}/read": 404,
    "POST /notifications/{notice}/open": 404,
}


#: Where the line manager's outcome differs from the learner's: their team's pages (someone else's record is not
#: found, whoever they are), and their own export pages (an unknown export is not found).
MANAGER = {
    "GET /team/": 200,
    "GET /team/?scope=all&status=overdue&q=Test": 200,
    "GET /team/?status=lost": 400,
    "GET /team/people/{peer}": 200,
    "GET /team/people/{learner}": 404,
    "GET /team/people/{outsider}": 404,
    "GET /team/people/{missing}": 404,
    "POST /team/export [format=pdf]": 400,
    "POST /team/export [format=csv,status=lost]": 400,
    "GET /reports/exports": 200,
    "GET /reports/exports/0123456789abcdef": 404,
    "GET /reports/exports/0123456789abcdef/download": 404,
    # someone else's (the learner's) notification
    "POST /notifications/{notice}/read": 404,
    "POST /notifications/{notice}/open": 404,
}


def _case_id(case: Case) -> str:
    extra = ",".join(f"{k}={v}" for k, v in case.data.items())
    return f"{case.method} {case.path}" + (f" [{extra}]" if extra else "")


def test_every_programme_outcome_names_a_case():
    assert set(PROGRAMME) - {_case_id(case) for case in CASES} == set()


def test_every_manager_outcome_names_a_case():
    assert set(MANAGER) - {_case_id(case) for case in CASES} == set()


MATRIX = [
    pytest.param(case, role, id=f"{_case_id(case)} as {role}")
    for case in CASES
    for role in ROLES
]


def build_world(app) -> dict:
    """Create the agencies and people; return their emails, ids and a valid password-reset token."""
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        u = factories.agency("U")
        people = {
            "learner": factories.user("learner@example.kz", agency=c),
            "peer": factories.user("peer@example.kz", agency=c),
            "outsider": factories.user("outsider@example.kz", agency=u),
            "author": factories.user("author@example.kz", roles={Role.LEARNER, Role.AUTHOR}, agency=c),
            "hr_other": factories.user("hr-other@example.kz", roles={Role.LEARNER, Role.HR}, agency=u),
            "hr": factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=p),
            "admin": factories.user("admin@example.kz", roles={Role.ADMIN}),
            "programme": factories.user("programme@example.kz", roles={Role.LEARNER, Role.PROGRAMME}, agency=u),
            "manager": factories.user("manager@example.kz", agency=c),
        }
        people["peer"].manager_id = people["manager"].id
        db.session.commit()
        ids = {name: person.id for name, person in people.items()}
        # One notification, the learner's (it leads to My certificates).
        events.publish(events.NOTICE, Notice(kind="certificate_issued", recipient_ids=(ids["learner"],),
                                             at=utcnow(), key="matrix"))
        db.session.commit()
        ids["notice"] = db.session.scalar(select(Notification.id))
        emails = {name: person.email for name, person in people.items()}
        tokens: list[str] = []
        services.request_password_reset(
            "outsider@example.kz", secret_key=app.config["SECRET_KEY"],
            link_for=lambda token: tokens.append(token) or token,
            minutes=app.config["RESET_TOKEN_MINUTES"], default_locale="en",
        )
        db.session.rollback()  # the queued email is not needed, only the signed token
    return {"ids": ids, "emails": emails, "reset_token": tokens[0]}


def _check(response, expected, path: str) -> None:
    body = response.get_data(as_text=True)[:500]
    if isinstance(expected, int):
        assert response.status_code == expected, body
        return
    assert response.status_code in (302, 303), body
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost"), location
    if isinstance(expected, ToLogin):
        assert location.path == "/login"
        assert parse_qs(location.query).get("next") == [path]
    else:
        assert location.path == expected.path


@pytest.mark.parametrize(("case", "role"), MATRIX)
def test_access(app, client, login_as, case: Case, role: str):
    world = build_world(app)
    ids = world["ids"]
    if role != "anonymous":
        login_as(world["emails"][role])
    path = case.path.format(
        **ids, me=ids["learner" if role == "anonymous" else role],
        missing=max(ids.values()) + 1000, reset_token=world["reset_token"],
    )
    endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0], method=case.method)
    assert endpoint == case.endpoint, f"{path} is served by {endpoint}, not {case.endpoint}"

    response = (client.get(path) if case.method == "GET"
                else post_form(client, path, case.data, token_from=TOKEN_PAGE))

    expected = case.outcome(role)
    if isinstance(expected, Redirect):
        expected = Redirect(expected.path.format(**ids))
    _check(response, expected, path)
    if case.shows:
        shown = world["emails"][case.shows] in response.get_data(as_text=True)
        assert shown == (expected == 200), f"{case.shows}'s email shown: {shown}"


def test_every_route_has_a_matrix_entry(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), "routes without an access-matrix entry"
    assert covered - routes == set(), "matrix entries for routes that no longer exist"


@pytest.mark.parametrize(("role", "codes"), [
    ("hr_other", {"U"}),
    ("hr", {"P", "C"}),
    ("admin", {"P", "C", "U"}),
])
def test_agency_tree_lists_only_the_agencies_in_scope(app, login_as, role, codes):
    world = build_world(app)
    client = login_as(world["emails"][role])
    html = client.get("/agencies/").get_data(as_text=True)
    assert set(re.findall(r'href="/agencies/([^"/]+)"', html)) == codes
