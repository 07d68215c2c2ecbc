"""The feed as a calendar app reads it: parsed back with vobject, one all-day event per open due date, in the owner's
language, with stable UIDs and nothing personal in it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.assignments.models import Assignment
from lms.calendar.dues import entry_uid
from lms.courses.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.timeutil import add_months
from tests import factories
from tests.calendar.conftest import MADE, TITLES, assign, events, feed_path, make_feed, parse


def _by_summary(calendar) -> dict:
    return {event.summary.value: event for event in events(calendar)}


def test_the_feed_has_one_all_day_event_per_open_due_date(app, client, login_as, people):
    login_as("learner@example.kz")
    response = client.get(feed_path(make_feed(client)))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.data)
    assert calendar.x_wr_calname.value == "Training due dates"
    assert calendar.contents["refresh-interval"][0].value == "PT6H"
    assert calendar.contents["x-published-ttl"][0].value == "PT6H"
    found = _by_summary(calendar)
    assert set(found) == {TITLES["first"]["en"], TITLES["second"]["en"]}
    first, second = found[TITLES["first"]["en"]], found[TITLES["second"]["en"]]
    # All-day: a DATE on the due day in the platform's time zone (18:59:59 UTC is 23:59:59 in Almaty).
    assert first.dtstart.value == date(2027, 3, 1) and first.dtend.value == date(2027, 3, 2)
    assert second.dtstart.value == date(2027, 1, 20) and second.dtend.value == date(2027, 1, 21)
    assert first.dtstart.params["VALUE"] == ["DATE"]
    assert first.dtstamp.value == MADE
    assert first.transp.value == "TRANSPARENT"
    assert first.url.value == "http://127.0.0.1:5000/courses/first"
    assert first.description.value == ("Complete the course “Data for decisions” by the end of this day: "
                                       "http://127.0.0.1:5000/courses/first")
    [alarm] = first.valarm_list
    assert alarm.action.value == "DISPLAY" and alarm.trigger.value == timedelta(hours=-15)
    ids = _assignment_ids(app)
    assert first.uid.value == entry_uid(ids["first"], people["learner"], date(2027, 3, 1))
    assert second.uid.value == entry_uid(ids["second"], people["learner"], date(2027, 1, 20))


def _assignment_ids(app) -> dict[str, int]:
    """Course key -> the id of its (one) assignment."""
    with app.app_context():
        return dict(db.session.execute(
            select(Course.key, Assignment.id).join(Assignment, Assignment.course_id == Course.id)).all())


@pytest.mark.parametrize(("locale", "calendar_name"), [("kk", "Оқу мерзімдері"), ("ru", "Сроки обучения"),
                                                       ("en", "Training due dates")])
def test_titles_and_the_calendar_name_are_in_the_owners_language(app, client, login_as, people, locale,
                                                                 calendar_name):
    with app.app_context():
        db.session.get(User, people["learner"]).locale = locale
        db.session.commit()
    login_as("learner@example.kz")
    url = make_feed(client)
    # Fetched by a calendar app: no session, and a browser language that must not matter.
    response = app.test_client().get(feed_path(url), headers={"Accept-Language": "en" if locale != "en" else "ru"})
    calendar = parse(response.data)
    assert calendar.x_wr_calname.value == calendar_name
    found = _by_summary(calendar)
    assert set(found) == {TITLES["first"][locale], TITLES["second"][locale]}
    assert found[TITLES["second"][locale]].summary.params["LANGUAGE"] == [locale]
    assert TITLES["first"][locale] in found[TITLES["first"][locale]].description.value


def test_the_feed_says_nothing_about_the_person(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    body = app.test_client().get(feed_path(url)).get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    for personal in ("Нұрлан", "Әбілов", "learner@example.kz", "example.kz", "Ministry of Secrets", "Агентство"):
        assert personal not in unfolded, personal
    assert "ATTENDEE" not in unfolded and "ORGANIZER" not in unfolded and "CONTACT" not in unfolded
    # UIDs are opaque (name-based UUIDs): no user or assignment id to read off them.
    uids = re.findall(r"^UID:(.*?)\r?$", unfolded, flags=re.MULTILINE)
    name_based = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert len(uids) == 2 and all(name_based.fullmatch(uid) for uid in uids), uids


def test_uids_stay_the_same_across_fetches_and_differ_between_people(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    fetch = app.test_client()
    once = [e.uid.value for e in events(parse(fetch.get(feed_path(url)).data))]
    twice = [e.uid.value for e in events(parse(fetch.get(feed_path(url)).data))]
    assert once == twice and len(set(once)) == 2
    client.post("/logout", data={"csrf_token": ""})
    peer = app.test_client()
    from tests.conftest import post_form

    assert post_form(peer, "/login", {"email": "peer@example.kz", "password": factories.PASSWORD}).status_code == 302
    peer_uids = [e.uid.value for e in events(parse(peer.get(feed_path(make_feed(peer))).data))]
    assert len(peer_uids) == 1 and not set(peer_uids) & set(once)  # the same agency assignment, another person


def test_an_unchanged_feed_answers_304_to_its_etag(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    fetch = app.test_client()
    first = fetch.get(feed_path(url))
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = fetch.get(feed_path(url), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_completed_course_drops_out_of_the_feed_and_changes_its_etag(app, client, login_as, people):
    login_as("learner@example.kz")
    url = make_feed(client)
    fetch = app.test_client()
    before = fetch.get(feed_path(url))
    with app.app_context():
        learner = db.session.get(User, people["learner"])
        course = db.session.scalar(select(Course).where(Course.key == "second"))
        now = MADE + timedelta(days=3)
        for lesson in course.lessons:
            learning.complete_lesson(learner, lesson, now=now, language="en")
        assert learning.complete_course_if_done(learner, course, now=now, language="en", quiz_passed=False)
        db.session.commit()
    after = fetch.get(feed_path(url), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert set(_by_summary(parse(after.data))) == {TITLES["first"]["en"]}


def test_recurring_training_due_again_shows_the_persons_own_due_date_under_a_new_uid(app, client, login_as, people):
    now = utcnow()
    done_at = now - timedelta(days=350)  # valid for 12 months: due again in about two weeks (renewal is open)
    with app.app_context():
        hr = db.session.get(User, people["hr"])
        learner = db.session.get(User, people["learner"])
        yearly = assign("first", actor=hr, due=done_at - timedelta(days=10), users=(learner,), months=12,
                        now=done_at - timedelta(days=40))
        course = db.session.scalar(select(Course).where(Course.key == "first"))
        for lesson in course.lessons:
            learning.complete_lesson(learner, lesson, now=done_at, language="en")
        assert learning.complete_course_if_done(learner, course, now=done_at, language="en", quiz_passed=False)
        db.session.commit()
        yearly_id = yearly.id
    login_as("learner@example.kz")
    event = _by_summary(parse(client.get(feed_path(make_feed(client))).data))[TITLES["first"]["en"]]
    # The yearly assignment is the earlier of the course's two: its renewal, a year after this person's completion,
    # is the course's due date, under a UID of that assignment and day.
    renewal = add_months(done_at, 12).astimezone(ZoneInfo("Asia/Almaty")).date()
    assert event.dtstart.value == renewal
    assert event.uid.value == entry_uid(yearly_id, people["learner"], renewal)
    assert event.dtstamp.value == done_at.replace(microsecond=0)  # decided by that completion


def test_cancelled_assignments_and_retired_courses_leave_the_feed(app, client, login_as, people):
    from lms.assignments.services import cancel_assignment

    login_as("learner@example.kz")
    url = make_feed(client)
    with app.app_context():
        second = db.session.scalar(select(Course).where(Course.key == "second"))
        cancel_assignment(db.session.scalar(select(Assignment).where(Assignment.course_id == second.id)), now=MADE)
        db.session.commit()
    assert set(_by_summary(parse(client.get(feed_path(url)).data))) == {TITLES["first"]["en"]}
    with app.app_context():
        db.session.scalar(select(Course).where(Course.key == "first")).is_retired = True
        db.session.commit()
    assert events(parse(client.get(feed_path(url)).data)) == []


def test_a_person_with_nothing_assigned_gets_an_empty_calendar(app, client, login_as, courses):
    with app.app_context():
        factories.user("alone@example.kz")
    login_as("alone@example.kz")
    calendar = parse(client.get(feed_path(make_feed(client))).data)
    assert events(calendar) == [] and calendar.x_wr_calname.value == "Training due dates"
