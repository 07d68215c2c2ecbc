"""Enrolment requests on My team: the count of requests waiting for the manager (linked to the Requests page), a
"request pending" mark per person, and each person's requests on their record, within what a manager may see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms.approvals import services as approvals
from lms.extensions import db
from tests.courses.builders import write_course
from tests.learning.conftest import sync
from tests.reports import builders as b
from tests.team.test_pages import get

COURSE = "delta"


@pytest.fixture
def requests(app, team, courses_root):
    """On the `team` organisation, a course that needs approval (delta) and requests for it: Yerlan Late's waits for
    Bolat Boss, Dana Deep's for Laura Lead, Әсел Құрманғазықызы's was declined by Bolat Boss with a reason, and Olga
    Outsider's (nobody's report) waits for the HR officers."""
    write_course(courses_root / COURSE, course_id=COURSE, quiz=False, enrollment_approval=True,
                 title={"en": "Delta course"})
    with app.app_context():
        sync(courses_root)
        course = b.course(COURSE)
        earlier = team - timedelta(days=2)
        for email in ("late@example.kz", "deep@example.kz", "done@example.kz", "outsider@example.kz"):
            approvals.request_enrollment(b.person(email), course, now=earlier, days=14)
        declined = approvals.get_pending_request(b.person("done@example.kz"), course)
        approvals.decline_request(declined, actor=b.person("boss@example.kz"), now=earlier + timedelta(hours=1),
                                  reason="Next quarter <please>")
        db.session.commit()
    return team


def waiting(html: str) -> str:
    """The summary's link to the Requests page, as "href|text"."""
    found = re.search(r'<a class="requests-waiting" href="([^"]+)">([^<]+)</a>', html)
    assert found, "no link to the Requests page"
    return f"{found.group(1)}|{found.group(2)}"


def member(html: str, name: str) -> str:
    return html.split(name, 1)[1].split("</section>", 1)[0]


def test_my_team_counts_the_requests_waiting_for_the_manager_and_links_to_them(app, requests):
    assert waiting(get(b.signed_in(app, "boss@example.kz"), "/team/")) == (
        "/approvals/|Enrolment requests waiting for you: 1")  # Yerlan's; Dana's names her own lead
    assert waiting(get(b.signed_in(app, "lead@example.kz"), "/team/")) == (
        "/approvals/|Enrolment requests waiting for you: 1")


def test_the_count_is_what_the_manager_may_decide_on_the_requests_page(app, requests):
    client = b.signed_in(app, "boss@example.kz")
    assert waiting(get(client, "/team/?scope=all")).endswith(": 1")  # the whole line shown, still only their own
    page = get(client, "/approvals/")
    pending = page.split('id="pending-heading"', 1)[1].split("</section>", 1)[0]
    assert pending.count('<li class="card"') == 1 and "Yerlan Late" in pending


def test_each_person_with_an_open_request_is_marked_with_its_course(app, requests):
    client = b.signed_in(app, "boss@example.kz")
    html = get(client, "/team/")
    late = member(html, "Yerlan Late")
    assert "Request pending" in late and "<li>Delta course</li>" in late
    assert "Request pending" not in member(html, "Әсел Құрманғазықызы")  # declined: nothing waits
    assert "Request pending" not in member(html, "Laura Lead")
    deep = member(get(client, "/team/?scope=all"), "Dana Deep")
    assert "Request pending" in deep and "<li>Delta course</li>" in deep


def test_a_persons_record_lists_their_requests_with_status_decider_and_reason(app, requests):
    client = b.signed_in(app, "boss@example.kz")
    with app.app_context():
        done, late = b.person("done@example.kz").id, b.person("late@example.kz").id
    record = get(client, f"/team/people/{done}").split("Enrolment requests", 1)[1].split("</table>", 1)[0]
    assert "Delta course" in record and "Declined" in record and "Bolat Boss" in record
    assert "Next quarter &lt;please&gt;" in record  # escaped
    record = get(client, f"/team/people/{late}").split("Enrolment requests", 1)[1].split("</table>", 1)[0]
    assert "Awaiting approval" in record and "approver: Bolat Boss" in record


def test_a_record_without_requests_says_so(app, requests):
    with app.app_context():
        lead = b.person("lead@example.kz").id
    assert "No enrolment requests." in get(b.signed_in(app, "boss@example.kz"), f"/team/people/{lead}")


def test_nobody_outside_the_team_shows_up_with_their_requests(app, requests):
    html = get(b.signed_in(app, "boss@example.kz"), "/team/?scope=all")
    assert "Olga Outsider" not in html
    with app.app_context():
        outsider = b.person("outsider@example.kz").id
    assert b.signed_in(app, "boss@example.kz").get(f"/team/people/{outsider}").status_code == 404


@pytest.mark.parametrize(("locale", "mark", "count"), [
    ("ru", "Ожидает решения", "Заявки на запись, ожидающие вашего решения: 1"),
    ("kk", "Шешім күтілуде", "Сіздің шешіміңізді күтіп тұрған жазылу өтінімдері: 1"),
])
def test_the_request_marks_are_translated(app, requests, locale, mark, count):
    client = b.signed_in(app, "boss@example.kz")
    with app.app_context():
        b.person("boss@example.kz").locale = locale
        db.session.commit()
    html = get(client, "/team/")
    assert mark in member(html, "Yerlan Late")
    assert waiting(html) == f"/approvals/|{count}"


def test_an_hr_officer_with_a_team_finds_my_team_and_requests_in_one_menu(app, requests):
    with app.app_context():
        b.person("outsider@example.kz").manager_id = b.person("hr-root@example.kz").id
        db.session.commit()
    nav = get(b.signed_in(app, "hr-root@example.kz"), "/team/").split('<nav class="site-nav"', 1)[1]
    nav = nav.split("</nav>", 1)[0]
    menu = nav.split('<li class="nav-menu">', 1)[1].split("</details>", 1)[0]
    assert '<summary aria-current="true">My team</summary>' in menu
    assert re.findall(r'<a href="([^"]+)"', menu) == ["/team/", "/approvals/"]
    assert nav.count('href="/approvals/"') == 1 and nav.count('href="/team/"') == 1
    # A manager without HR tools keeps the two plain links.
    nav = get(b.signed_in(app, "boss@example.kz"), "/team/").split('<nav class="site-nav"', 1)[1].split("</nav>")[0]
    assert "nav-menu" not in nav and 'href="/team/"' in nav and 'href="/approvals/"' in nav
