"""Layout at 1280x800 in kk, ru and en, measured from the elements' boxes: report tables inside their cards, filter
controls of one height on shared rows, the header navigation on one line, the quiz's question numbers inside their
cards, and the verification page's spacing and serial numbers that never break inside a group."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LOCALES, PASSWORD, log_in, switch_language
from tests.e2e.helpers import COURSE, start_quiz
from tests.e2e.test_pages import _assert_clean

pytestmark = pytest.mark.e2e

SIZE = {"width": 1280, "height": 800}
#: Rounding of fractional pixels.
SLACK = 1


@pytest.fixture
def at_1280(new_context, storage_state):
    """A page 1280x800, signed in as a demo role (or nobody), in the given language."""

    def _page(role: str | None, locale: str, path: str):
        extra = {"storage_state": storage_state(role)} if role else {}
        page = new_context(viewport=SIZE, **extra).new_page()
        page.goto(path)
        switch_language(page, locale)
        page.wait_for_load_state("load")  # the style sheet too, before anything is measured
        return page

    return _page


BOXES = """(selector) => [...document.querySelectorAll(selector)].filter(e => e.getClientRects().length)
  .map(e => { const r = e.getBoundingClientRect();
    return {id: e.id || e.tagName.toLowerCase(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            height: r.height, lines: e.getClientRects().length}; })"""


def boxes(page, selector: str) -> list[dict]:
    """The border boxes of the visible elements matching `selector`, in document order."""
    return page.evaluate(BOXES, selector)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("role", "path"), [("hr", "/reports/"), ("admin", "/reports/"),
                                            ("hr", "/reports/?agency=MDAI")])
def test_report_tables_stay_inside_their_cards(at_1280, role, path, locale):
    page = at_1280(role, locale, path)
    tables = page.locator("main .card table:visible")
    assert tables.count() >= 1
    assert page.locator("section[aria-labelledby=agencies-heading] table:visible").count() == 1
    for index in range(tables.count()):
        table = tables.nth(index)
        box = table.bounding_box()
        card = table.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' card ')][1]").bounding_box()
        assert card["x"] - SLACK <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + SLACK, (
            f"{locale} {path}: table {index} spans {box['x']:.0f}-{box['x'] + box['width']:.0f}, "
            f"its card {card['x']:.0f}-{card['x'] + card['width']:.0f}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZE["width"]


#: Filter forms: the page, who opens it, and how many rows its controls may take at 1280 px.
FILTER_FORMS = [
    ("hr", "/reports/", 2),
    ("hr", "/reports/learners", 2),
    ("admin", "/admin/users/", 1),
    ("admin", "/admin/audit/", 1),
    ("learner", "/courses/", 1),
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("role", "path", "rows"), FILTER_FORMS)
def test_filter_controls_have_one_height_and_share_rows(at_1280, role, path, rows, locale):
    page = at_1280(role, locale, path)
    controls = boxes(page, "form.filters :is(input:not([type=hidden]):not([type=checkbox]), select, .button)")
    assert len(controls) >= 3
    heights = {round(c["height"]) for c in controls}
    assert max(heights) - min(heights) <= SLACK, f"{locale} {path}: control heights {controls}"
    tops = sorted({round(c["top"]) for c in controls})
    # Controls of one row share their top edge exactly: no control sits a little higher or lower.
    assert len(tops) <= rows, f"{locale} {path}: controls on {len(tops)} rows (at most {rows}): {controls}"
    dates = [c for c in controls if c["id"] in ("f-from", "f-to", "from", "to")]
    if dates:
        assert len({round(c["top"]) for c in dates}) == 1, f"{locale} {path}: From and To on different rows"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", [None, "learner", "hr", "admin"])
def test_header_and_navigation_each_fit_on_one_line(at_1280, role, locale):
    page = at_1280(role, locale, "/my-learning" if role else "/verify")
    _assert_header_and_navigation_on_one_line(page, f"{locale} {role}")


def _assert_header_and_navigation_on_one_line(page, label: str) -> None:
    items = boxes(page, ".site-nav .container > ul > li")
    assert len(items) >= 2
    assert len({round(i["top"]) for i in items}) == 1, f"{label}: navigation on several lines: {items}"
    assert all(i["lines"] == 1 for i in boxes(page, ".site-nav .container > ul > li > :is(a, details > summary)"))
    header = boxes(page, ".header-row > *")
    assert len({round(h["top"] + h["height"] / 2) for h in header}) == 1, f"{label}: header wraps: {header}"


HR_MANAGER = ("layout-hr-manager@e2e.lms.kz", "Гүлжан Бақытжанқызы Сәрсенбаева")


def _hr_officer_with_a_team(server) -> tuple[str, str]:
    """An HR officer of MDAI who is also someone's line manager (made once per session), with an unread notice."""
    from sqlalchemy import select

    from lms.accounts.managers import set_manager
    from lms.accounts.models import User
    from lms.db import utcnow
    from lms.extensions import db

    email, name = HR_MANAGER
    if email not in server.made:
        server.lms("users", "create", "--email", email, "--name", name, "--agency", "MDAI-IT", "--position",
                   "Руководитель управления персоналом", "--password", PASSWORD, "--role", "learner", "--role", "hr")
        server.made.add(email)
        report, _password = server.new_learner("layout-hr-report@e2e.lms.kz", "Ерболат Қайратұлы Нұрмағамбетов")
        with server.app.app_context():
            person = db.session.scalar(select(User).where(User.email == report))
            boss = db.session.scalar(select(User).where(User.email == email))
            set_manager(person, boss, actor=None, now=utcnow())
            db.session.commit()
    return email, PASSWORD


@pytest.mark.parametrize("locale", LOCALES)
def test_the_menu_of_an_hr_officer_who_is_also_a_line_manager_fits_on_one_line(server, new_context, checker, locale):
    page = new_context(viewport=SIZE).new_page()
    log_in(page, *_hr_officer_with_a_team(server))
    switch_language(page, locale)
    page.goto("/my-learning")
    page.wait_for_load_state("load")
    links = page.locator(".site-nav .container > ul > li > a")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert {"/reports/", "/admin/users/", "/assignments/"} <= hrefs, hrefs
    assert page.locator(".header-row .inbox-link .inbox-count").count() == 1  # the bell, with its unread count
    _assert_header_and_navigation_on_one_line(page, f"{locale} hr+manager")
    # My team and Requests share a disclosure menu, which opens from the keyboard without JavaScript.
    menu = page.locator(".site-nav details", has=page.locator("a[href='/team/']"))
    assert not menu.locator("ul").is_visible()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    team = menu.locator("ul a")
    assert [team.nth(i).get_attribute("href") for i in range(team.count())] == ["/team/", "/approvals/"]
    assert all(team.nth(i).is_visible() for i in range(team.count()))
    team.first.click()
    page.wait_for_url("**/team/")
    assert menu.locator("summary[aria-current=true]").count() == 1
    _assert_header_and_navigation_on_one_line(page, f"{locale} hr+manager on My team")
    checker.check(page, "hr-manager-team", locale)
    _assert_clean(checker)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_administration_menu_opens_without_javascript_and_lists_the_admin_pages(at_1280, locale):
    page = at_1280("admin", locale, "/my-learning")
    menu = page.locator(".site-nav details")
    assert not menu.locator("ul").is_visible()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    links = menu.locator("ul a")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {
        "/admin/audit/", "/admin/outbox/", "/admin/content/", "/admin/certificates/", "/admin/ai-log/",
        "/approvals/"}
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    links.first.click()
    page.wait_for_url("**/admin/audit/")
    # On one of its pages the menu says so, and the page's own link is marked as the current one.
    assert page.locator(".site-nav details summary[aria-current=true]").count() == 1
    assert page.locator(".site-nav details a[aria-current=page]").get_attribute("href") == "/admin/audit/"


@pytest.mark.parametrize("locale", LOCALES)
def test_quiz_question_numbers_sit_inside_their_cards(server, new_context, locale):
    email, password = server.new_learner(f"layout-quiz-{locale}@e2e.lms.kz", "Асель Маратқызы Нұрланова")
    page = new_context(viewport=SIZE).new_page()
    log_in(page, email, password)
    switch_language(page, locale)
    page.goto(f"/courses/{COURSE}")
    enrol = page.locator(f"form[action$='/courses/{COURSE}/enroll'] button")
    if enrol.count():
        enrol.click()
        page.wait_for_load_state("load")
    start_quiz(page)
    page.wait_for_load_state("load")
    cards = page.locator("fieldset.question")
    assert cards.count() == 10
    for index in range(cards.count()):
        card = cards.nth(index).bounding_box()
        number = cards.nth(index).locator(".qnum").bounding_box()
        legend = cards.nth(index).locator("legend").bounding_box()
        # Below the card's top border (with room to breathe), not drawn across it.
        assert number["y"] >= card["y"] + 8, f"{locale} question {index + 1}: number at {number}, card at {card}"
        assert legend["y"] >= card["y"] + 8 and legend["x"] >= card["x"] + 8
        assert legend["x"] + legend["width"] <= card["x"] + card["width"]
        first_option = cards.nth(index).locator(":scope > :not(legend, .visually-hidden)").first.bounding_box()
        assert first_option["y"] >= legend["y"] + legend["height"], f"{locale} question {index + 1}: overlap"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_verification_button_keeps_its_distance_and_serials_never_break_inside_a_group(at_1280, locale):
    page = at_1280(None, locale, "/verify?serial=AAAA-BBBB")
    button = page.locator("main form button[type=submit]").bounding_box()
    card = page.locator(".verify-result").bounding_box()
    assert card["y"] - (button["y"] + button["height"]) >= 16, f"{locale}: {button} touches {card}"
    groups = boxes(page, "#serial-hint .serial-group")
    assert len(groups) == 8 and len({round(g["top"]) for g in groups}) == 1, f"{locale}: the serial wraps: {groups}"
    # Where there is no room for the whole serial, it breaks between groups only.
    page.set_viewport_size({"width": 320, "height": 800})
    groups = boxes(page, "#serial-hint .serial-group")
    assert len(groups) == 8 and all(g["lines"] == 1 for g in groups)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
