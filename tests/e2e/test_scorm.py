"""SCORM packages in Chromium: a SCORM 1.2 and a SCORM 2004 package (tests/scorm/packages.py) dropped into a course
folder, synced, launched from the separate content origin, left mid-way by closing the tab, resumed where the learner
left, and finished, which completes the lesson and the course. The package's frame sees none of the site's cookies
and can reach neither the site's page nor its endpoints."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.e2e.conftest import LOCALES, PASSWORD, VIEWPORT, Server, log_in, server_env, serving, switch_language
from tests.e2e.helpers import t
from tests.ports import free_port
from tests.scorm.packages import scorm_course

pytestmark = pytest.mark.e2e

COURSES = {"1.2": "scorm-e2e-12", "2004": "scorm-e2e-2004"}


@pytest.fixture(scope="module")
def scorm_server(tmp_path_factory):
    """A server of its own whose courses folder holds two one-lesson courses: a SCORM 1.2 and a SCORM 2004 package."""
    tmp = tmp_path_factory.mktemp("scorm-e2e")
    courses = tmp / "courses"
    for version, key in COURSES.items():
        scorm_course(courses / key, course_id=key, lessons={f"sco-{version.replace('.', '')}": version})
    port, content_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    srv = Server(url=url, env=server_env(tmp, url, f"http://localhost:{content_port}", LMS_COURSES_DIR=str(courses)))
    srv.lms("db", "upgrade")
    sync = srv.lms("courses", "sync")
    assert "unpacked SCORM package" in sync
    with serving(srv, tmp, port, content_port):
        yield srv


@pytest.fixture
def context(browser, scorm_server):
    """A browser context that enforces the pages' content security policies (no bypass, unlike the page checks)."""
    made = browser.new_context(base_url=scorm_server.url, viewport=VIEWPORT)
    made.set_default_timeout(15_000)
    yield made
    made.close()


def _learner(srv: Server, name: str) -> str:
    email = f"{name}-{time.monotonic_ns()}@example.kz"
    srv.lms("users", "create", "--email", email, "--name", "SCORM Learner", "--password", PASSWORD)
    return email


def _open_lesson(context, course: str, lesson: str):
    """A new tab on the lesson page, with the package's frame (content origin) ready; returns (page, frame)."""
    page = context.new_page()
    page.goto(f"/courses/{course}/lessons/{lesson}")
    return (page, *_ready(page))


def _ready(page):
    """The package's frame on `page` (content origin) once it says it is ready: (frame locator, frame)."""
    sco = page.frame_locator("iframe.scorm-frame").frame_locator("iframe")
    sco.locator("#state").filter(has_text="ready").wait_for()
    frame = next(f for f in page.frames if "/scorm-content/files/" in f.url)
    return sco, frame


def _attempt(srv: Server, course: str):
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.scorm.models import ScormAttempt

    with srv.app.app_context():
        row = db.session.scalar(select(ScormAttempt).join(Course, Course.id == ScormAttempt.course_id)
                                .where(Course.key == course))
        if row is not None:
            db.session.expunge(row)
        db.session.rollback()
        return row


def _wait_for(predicate, *, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_package_plays_resumes_after_the_tab_is_closed_and_completes_the_course(scorm_server, context, version):
    course, lesson = COURSES[version], f"sco-{version.replace('.', '')}"
    email = _learner(scorm_server, f"scorm-{version.replace('.', '')}")
    page = context.new_page()
    log_in(page, email, PASSWORD)
    page.goto(f"/courses/{course}")
    page.locator(f"form[action$='/courses/{course}/enroll'] button").click()
    page.wait_for_url(f"**/courses/{course}/lessons/{lesson}")

    # First visit (enrolling opens the lesson): a fresh start, from the content origin, with none of the site's
    # cookies. (Closing this tab before the package is ready would already make an attempt: the next launch would
    # then rightly say entry "" instead of ab-initio.)
    sco, frame = _ready(page)
    content_origin = scorm_server.env["LMS_SCORM_CONTENT_ORIGIN"]
    assert frame.url.startswith(content_origin + "/scorm-content/files/")
    assert urlsplit(page.url).netloc != urlsplit(frame.url).netloc
    assert sco.locator("#resume").inner_text() == "fresh start"
    assert sco.locator("#state").inner_text() == "ready, entry ab-initio"
    assert "SCORM Learner" in sco.locator("#learner").inner_text()
    assert any(cookie["name"] == "lms_session" for cookie in context.cookies(scorm_server.url))
    assert sco.locator("#cookies").inner_text() == "cookies: []"
    assert frame.evaluate("document.cookie") == ""
    # The package can neither read the lesson page nor call the site with the learner's credentials.
    assert frame.evaluate("() => { try { return window.top.document.title; } catch (e) { return 'blocked'; } }") \
        == "blocked"
    fetched = frame.evaluate("url => fetch(url, {credentials: 'include'}).then(() => 'sent', () => 'blocked')",
                             scorm_server.url + "/my-learning")
    assert fetched == "blocked"
    # ... nor take the learner's tab elsewhere, even on a click (its frames are sandboxed without top navigation).
    frame.evaluate("""url => {
        const button = document.createElement("button");
        button.id = "escape";
        button.textContent = "escape";
        button.addEventListener("click", () => { try { window.top.location.href = url; } catch (e) {} });
        document.body.appendChild(button);
    }""", scorm_server.url + "/certificates/")
    sco.locator("#escape").click()
    page.wait_for_timeout(500)
    assert page.url.endswith(f"/courses/{course}/lessons/{lesson}")

    # Mid-way: two pages on, no explicit commit, then the tab is closed.
    sco.locator("#next").click()
    sco.locator("#next").click()
    sco.locator("#state").filter(has_text="on page 2").wait_for()
    page.wait_for_timeout(500)  # the facade's postMessage to the lesson page's API
    page.close()
    saved = _wait_for(lambda: (row := _attempt(scorm_server, course)) is not None and row.suspend_data == "page=2"
                      and row)
    assert saved.location == "page-2" and saved.status == "incomplete"

    # Second visit: resumed where the learner left.
    page, sco, frame = _open_lesson(context, course, lesson)
    assert sco.locator("#resume").inner_text() == "resumed at page-2 with page=2"
    assert sco.locator("#state").inner_text() == "ready, entry resume"

    # Finishing the package completes the lesson, and with it the course (its only lesson), on the page at once.
    sco.locator("#finish").click()
    sco.locator("#state").filter(has_text="finished").wait_for()
    status = page.locator("#scorm-status")
    status.filter(has_text="Congratulations").wait_for()
    row = _wait_for(lambda: (found := _attempt(scorm_server, course)) is not None and found.completed_at and found)
    assert row.score_raw == 85
    page.reload()
    page.locator(".lesson-complete .flash--success").wait_for()
    page.goto(f"/courses/{course}")
    assert "100%" in page.locator("main").inner_text()


def test_a_failed_package_leaves_the_lesson_open(scorm_server, context):
    course, lesson = COURSES["1.2"], "sco-12"
    email = _learner(scorm_server, "scorm-fail")
    page = context.new_page()
    log_in(page, email, PASSWORD)
    page.goto(f"/courses/{course}")
    page.locator(f"form[action$='/courses/{course}/enroll'] button").click()
    page.wait_for_url(f"**/lessons/{lesson}")
    page.close()
    page, sco, _frame = _open_lesson(context, course, lesson)
    sco.locator("#fail").click()
    sco.locator("#state").filter(has_text="failed").wait_for()
    page.locator("#scorm-status.scorm-status--saved").wait_for()
    page.reload()
    assert page.locator(".lesson-complete .flash--success").count() == 0
    assert page.locator("#scorm-finish-note").is_visible()


@pytest.mark.parametrize("locale", LOCALES)
def test_without_javascript_the_lesson_says_it_needs_it(browser, scorm_server, locale):
    email = _learner(scorm_server, f"scorm-nojs-{locale}")
    context = browser.new_context(base_url=scorm_server.url, viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, email, PASSWORD)
        page.goto(f"/courses/{COURSES['1.2']}/lessons/sco-12")
        switch_language(page, locale)
        needs = t(locale, "This lesson is an interactive activity that needs JavaScript. Turn JavaScript on in "
                          "your browser to open it.")
        assert needs in page.locator("main").inner_text()
        assert page.locator("iframe").count() == 0
    finally:
        context.close()


def test_the_demo_activity_plays_in_the_learners_language_and_finishes_its_lesson(server, browser):
    """The demo package of `make run` (courses/spotting-ai-errors, lesson error-hunt), as a new learner sees it."""
    email, password = server.new_learner(f"scorm-demo-{time.monotonic_ns()}@example.kz", "Demo Learner")
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    try:
        page = context.new_page()
        log_in(page, email, password)
        switch_language(page, "kk")
        page.goto("/courses/spotting-ai-errors")
        page.locator("form[action$='/courses/spotting-ai-errors/enroll'] button").click()
        page.wait_for_load_state("load")
        page.goto("/courses/spotting-ai-errors/lessons/error-hunt")
        sco = page.frame_locator("iframe.scorm-frame").frame_locator("iframe")
        sco.locator("#title").filter(has_text="Қате аулау").wait_for()
        assert sco.locator("html").get_attribute("lang") == "kk"
        for choice in ("#choose-ok", "#choose-error", "#choose-error"):
            sco.locator(choice).click()
            sco.locator("#next").click()
        assert "3-тен 3" in sco.locator("#score").inner_text()
        page.locator("#scorm-status.scorm-status--done").wait_for()
        assert page.locator("#scorm-status").inner_text() == t("kk", "You have finished this lesson.")
        page.reload()
        page.locator(".lesson-complete .flash--success").wait_for()
    finally:
        context.close()
