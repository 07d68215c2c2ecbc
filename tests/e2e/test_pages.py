"""Every main page in kk, ru and en: axe-core finds no serious or critical problem, the Nu HTML Checker no error.

The public and learner pages are listed here; the HR officer's and the administrator's are every page the app's
routes give them (with sample data, so that each shows real content), so a new page is checked without listing it.
Each page is also saved as a screenshot (and its HTML) under tests/e2e/screenshots/, which git ignores.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from tests.e2e.conftest import LOCALES, Checker, html_errors, log_in, switch_language
from tests.e2e.helpers import COURSE, complete_all_lessons, fill_quiz, start_quiz, submit_quiz

pytestmark = pytest.mark.e2e

#: The demo course with a SCORM lesson (courses/spotting-ai-errors, package built by `make scorm-demo`).
SCORM_COURSE = "spotting-ai-errors"


def _tour(page, checker: Checker, role: str, pages: dict[str, str]) -> None:
    for locale in LOCALES:
        page.goto(next(iter(pages.values())))
        switch_language(page, locale)
        for name, path in pages.items():
            response = page.goto(path)
            # A serial nobody holds is "not found" on purpose (404); every other page answers 200.
            assert response.status == (404 if name.endswith("not-found") else 200), f"{path}: {response.status}"
            checker.check(page, f"{role}-{name}", locale)


def _assert_clean(checker: Checker) -> None:
    errors = html_errors(checker.saved)
    assert checker.problems == [], "axe-core and page width:\n" + "\n".join(checker.problems)
    assert errors == [], "Nu HTML Checker:\n" + "\n".join(errors)


def test_public_pages(new_context, checker):
    page = new_context().new_page()
    _tour(page, checker, "public", {"login": "/login", "verify": "/verify",
                                    "verify-not-found": "/verify?serial=AAAA-BBBB"})
    # A form with errors: the messages are tied to their fields.
    for locale in LOCALES:
        page.goto("/login")
        switch_language(page, locale)
        page.fill("#email", "not-an-email")
        page.locator("main form button[type=submit], main form input[type=submit]").first.click()
        page.wait_for_selector(".error-summary, .field--error")
        checker.check(page, "public-login-errors", locale)
    _assert_clean(checker)


def test_learner_pages(server, as_role, checker):
    page = as_role("learner")
    complete_all_lessons(page)
    start_quiz(page)
    attempt = page.url
    lesson = f"/courses/{COURSE}/lessons/what-is-ai"
    # The demo SCORM lesson, its package running in a frame of the content origin.
    page.goto(f"/courses/{SCORM_COURSE}")
    enrol = page.locator(f"form[action$='/courses/{SCORM_COURSE}/enroll'] button")
    if enrol.count():
        enrol.click()
        page.wait_for_load_state("load")
    _tour(page, checker, "learner", {
        "dashboard": "/my-learning", "catalogue": "/courses/", "course": f"/courses/{COURSE}", "lesson": lesson,
        "lesson-scorm": f"/courses/{SCORM_COURSE}/lessons/error-hunt",
        "quiz": f"/courses/{COURSE}/quiz", "quiz-attempt": attempt, "account": "/account",
        "notifications": "/notifications/", "notification-settings": "/notifications/settings",
    })
    page.goto(attempt)
    fill_quiz(page, page.locator("html").get_attribute("lang"), right=True)
    assert submit_quiz(page)
    result = page.url
    page.goto("/certificates/")
    serial = page.locator("a[href^='/verify/']").first.get_attribute("href")
    _tour(page, checker, "learner", {"certificates": "/certificates/", "quiz-result": result,
                                     "dashboard-done": "/my-learning", "verify-valid": serial})
    _assert_clean(checker)


def test_manager_pages(server, as_role, checker):
    """My team (direct reports, and everyone below filtered), a report's record, My exports and a team export."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.extensions import db

    with server.app.app_context():
        report = db.session.scalar(select(User.id).where(User.email == "assel.kassenova@demo.lms.kz"))
    page = as_role("manager")
    page.goto("/team/")
    page.locator("form[action$='/team/export'] button[type=submit]").click()
    page.wait_for_url("**/reports/exports/*")
    export = page.url
    _tour(page, checker, "manager", {
        "team": "/team/", "team-all-overdue": "/team/?scope=all&status=overdue",
        "team-person": f"/team/people/{report}", "exports": "/reports/exports", "exports-export": export,
    })
    _assert_clean(checker)


# --- HR officers and administrators: every page of the app they can open, found from its routes ---------------

#: A second course with a final quiz, where each staff member keeps an attempt open (the first one is passed).
OTHER_COURSE = "ai-risk-classes"
#: Only with a feature the test server leaves off: 404 for everyone, not a page anyone can open. Self-registration;
#: a sign-in provider's routes (it configures no identity provider).
OFF_BY_DEFAULT = {"accounts.register", "accounts.complete_registration",
                  "accounts.oidc_callback", "accounts.saml_metadata"}
#: Files about the visitor's own open assignment of a course: 404 for the sample course, which the staff here have
#: completed or were never assigned (tests/e2e/test_calendar.py downloads a learner's).
OWN_OPEN_ASSIGNMENT = {"calendar.course_event"}
#: Further states of a page worth validating, reached with a query string: (endpoint, label, query).
VARIANTS = [("reports.index", "agency", "agency=MDAI-IT")]


@dataclass(frozen=True)
class Own:
    """What one staff member has made, so that the pages about their own things show real content."""

    serial: str
    passed_attempt: int
    open_attempt: int
    export_token: str
    #: The secret of the staff member's calendar feed address (made on the account page).
    feed_secret: str


@dataclass
class World:
    """Sample data for the staff tours: a learner with a certificate, each role's own records, a reset link."""

    learner_id: int
    reset_token: str
    own: dict[str, Own] = field(default_factory=dict)

    def samples(self, role: str) -> dict[str, list[tuple[str, str]]]:
        """(label, value) pairs for each URL parameter name; a route is visited once per combination.

        A route with a parameter missing here fails the test (add its sample, not the page).
        """
        own = self.own[role]
        return {
            "user_id": [("", str(self.learner_id))],
            "code": [("", "MDAI-IT")],
            "key": [("", COURSE)],
            "programme_key": [("", "ai-basics")],
            "lesson_key": [("", "what-is-ai")],
            "filename": [("", "media/ai-lifecycle.svg")],
            "serial": [("", own.serial)],
            "attempt_id": [("passed", str(own.passed_attempt)), ("open", str(own.open_attempt))],
            "token": [("", own.export_token)],
            "number": [("", "1")],  # the first revocation status list (the world's certificates are in it)
            "secret": [("", own.feed_secret)],
        }

    def token_for(self, endpoint: str) -> list[tuple[str, str]] | None:
        """`token` means a password-reset link on the reset page (an export's token elsewhere)."""
        return [("", self.reset_token)] if endpoint == "accounts.reset_password" else None


def _pass_the_course(page) -> int:
    """Work through the course and pass its quiz; return the attempt's id."""
    complete_all_lessons(page)
    start_quiz(page)
    attempt = int(page.url.rsplit("/", 1)[1])
    fill_quiz(page, page.locator("html").get_attribute("lang"), right=True)
    assert submit_quiz(page)
    return attempt


def _make_own(page) -> Own:
    attempt = _pass_the_course(page)
    page.goto("/certificates/")
    serial = page.locator("a[href^='/verify/']").first.get_attribute("href").rsplit("/", 1)[1]
    page.goto(f"/courses/{OTHER_COURSE}")
    enrol = page.locator(f"form[action$='/courses/{OTHER_COURSE}/enroll'] button")
    if enrol.count():
        enrol.click()
        page.wait_for_load_state("load")
    start_quiz(page, OTHER_COURSE)
    open_attempt = int(page.url.rsplit("/", 1)[1])
    page.goto("/reports/")
    page.locator("form[action$='/reports/exports'] button[type=submit]").click()
    page.wait_for_url("**/reports/exports/*")
    export_token = page.url.rsplit("/", 1)[1]
    page.goto("/reports/api-tokens")
    page.fill("#name", "BI dashboard")
    with page.expect_navigation():
        page.press("#name", "Enter")
    page.goto("/account")
    with page.expect_navigation():
        page.locator("form[action$='/account/calendar-feed'] button").click()
    feed_secret = page.locator("#feed-url").inner_text().rsplit("/", 1)[1].removesuffix(".ics")
    return Own(serial=serial, passed_attempt=attempt, open_attempt=open_attempt, export_token=export_token,
               feed_secret=feed_secret)


@pytest.fixture(scope="module")
def world(server, new_context, as_role) -> World:
    """A learner of MDAI-IT with a certificate; for the HR officer and the admin: a passed course (certificate),
    an open attempt, an export, an API token and a calendar feed; an agency target; a password-reset email in the
    outbox."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.accounts.services import request_password_reset
    from lms.extensions import db

    email, password = server.new_learner("sample.learner@e2e.lms.kz", "Нұрлан Серікұлы Әбілов")
    learner = new_context().new_page()
    log_in(learner, email, password)
    _pass_the_course(learner)
    tokens: list[str] = []
    with server.app.app_context():
        learner_id = db.session.scalar(select(User.id).where(User.email == email))
        request_password_reset(email, secret_key=server.app.config["SECRET_KEY"],
                               link_for=lambda token: tokens.append(token) or f"{server.url}/password/reset/{token}",
                               minutes=server.app.config["RESET_TOKEN_MINUTES"], default_locale="ru")
        db.session.commit()
    made = World(learner_id=learner_id, reset_token=tokens[0])
    for role in ("hr", "admin"):
        made.own[role] = _make_own(as_role(role))
    page = as_role("hr")
    page.goto("/reports/agencies/MDAI-IT/target")
    page.fill("#percent", "80")
    page.fill("#due_on", "2027-06-30")
    with page.expect_navigation():
        page.press("#due_on", "Enter")
    return made


def _slug(endpoint: str, label: str) -> str:
    blueprint, _, view = endpoint.partition(".")
    parts = [blueprint] + ([] if view == "index" else [view]) + ([label] if label else [])
    return "-".join(parts).replace("_", "-")


def staff_pages(page, server, world: World, role: str) -> dict[str, str]:
    """Every HTML page `role` can open, as {name: path}: each GET route of the app, filled in with the role's
    sample values (plus VARIANTS), asked for without following redirects.

    Skipped, as not pages of their own: redirects, files and JSON (any other content type), and routes the role
    may not open (401, 403). Any other answer, a 404 outside OFF_BY_DEFAULT and OWN_OPEN_ASSIGNMENT, or a
    parameter without a sample fails the test.
    """
    samples = world.samples(role)
    adapter = server.app.url_map.bind("127.0.0.1")
    candidates: list[tuple[str, str, str]] = []
    problems = []
    for rule in sorted(server.app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        choices = [(world.token_for(rule.endpoint) if n == "token" else None) or samples.get(n) for n in names]
        if any(c is None for c in choices):
            missing = [n for n, c in zip(names, choices, strict=True) if c is None]
            problems.append(f"{rule.rule}: no sample value for {missing}")
            continue
        for combo in itertools.product(*choices):
            path = adapter.build(rule.endpoint, {n: value for n, (_, value) in zip(names, combo, strict=True)})
            candidates.append((rule.endpoint, "-".join(label for label, _ in combo if label), path))
    for endpoint, label, query in VARIANTS:
        candidates.append((endpoint, label, adapter.build(endpoint) + "?" + query))
    pages = {}
    for endpoint, label, path in candidates:
        response = page.request.get(path, max_redirects=0)
        kind = response.headers.get("content-type", "")
        if response.status == 200 and kind.startswith("text/html"):
            pages[_slug(endpoint, label)] = path
        elif response.status in (200, 301, 302, 303, 401, 403) or (
                response.status == 404 and endpoint in OFF_BY_DEFAULT | OWN_OPEN_ASSIGNMENT):
            continue
        else:
            problems.append(f"{path}: {response.status} {kind}")
    assert problems == [], f"{role}:\n" + "\n".join(problems)
    return pages


def _staff_tour(page, server, world: World, checker: Checker, role: str) -> dict[str, str]:
    pages = staff_pages(page, server, world, role)
    for locale in LOCALES:
        page.goto("/account")
        switch_language(page, locale)
        for name, path in pages.items():
            response = page.goto(path)
            assert response.status == 200, f"{path}: {response.status}"
            checker.check(page, f"{role}-{name}", locale)
    _assert_clean(checker)
    return pages


def test_every_page_an_hr_officer_can_open_is_valid_and_accessible(server, world, as_role, checker):
    pages = _staff_tour(as_role("hr"), server, world, checker, "hr")
    # The pages of the officer's own agency and people, and the API tokens page the old fixed list missed.
    assert {"reports", "reports-agency", "reports-learners", "reports-learner", "reports-target", "exports",
            "exports-export", "api-tokens", "agencies-detail", "admin-edit-user", "accounts-person",
            "quizzes-attempt-open", "quizzes-attempt-passed", "accounts-reset-password"} <= set(pages)
    assert not {"admin-audit-log", "admin-outbox", "certificates-admin-list"} & set(pages)


def test_every_page_an_admin_can_open_is_valid_and_accessible(server, world, as_role, checker):
    pages = _staff_tour(as_role("admin"), server, world, checker, "admin")
    assert {"admin-users", "admin-audit-log", "admin-outbox", "admin-content", "admin-edit-agency",
            "admin-new-agency", "certificates-admin-list", "api-tokens", "exports-export"} <= set(pages)
