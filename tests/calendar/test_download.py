""""Add to calendar": one assigned course's due date as an .ics file (the feed's entry), linked from My learning and
the course page; only the signed-in person's own open due dates."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.learning import services as learning
from tests.calendar.conftest import MADE, TITLES, events, feed_path, make_feed, parse


def test_the_download_is_the_feeds_entry_for_that_course(app, client, login_as, people):
    login_as("learner@example.kz")
    response = client.get("/calendar/courses/first.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="first.ics"'
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = parse(response.data)
    [event] = events(calendar)
    assert event.summary.value == TITLES["first"]["en"] and event.dtstart.value == date(2027, 3, 1)
    assert calendar.x_wr_calname.value == TITLES["first"]["en"]
    assert "refresh-interval" not in calendar.contents  # a file to import, not a subscription
    [same] = [e for e in events(parse(client.get(feed_path(make_feed(client))).data))
              if e.summary.value == TITLES["first"]["en"]]
    # Importing it and subscribing to the feed (or importing it twice) give one entry, not two.
    assert event.uid.value == same.uid.value


def test_the_download_is_in_the_persons_language(app, client, login_as, people):
    with app.app_context():
        db.session.get(User, people["learner"]).locale = "kk"
        db.session.commit()
    login_as("learner@example.kz")
    [event] = events(parse(client.get("/calendar/courses/second.ics").data))
    assert event.summary.value == TITLES["second"]["kk"]


def test_a_course_not_assigned_to_the_person_is_not_found(app, client, login_as, people):
    login_as("peer@example.kz")  # "second" is assigned to learner@ alone
    assert client.get("/calendar/courses/second.ics").status_code == 404
    assert client.get("/calendar/courses/first.ics").status_code == 200  # the agency's course is the peer's too
    assert client.get("/calendar/courses/no-such-course.ics").status_code == 404


def test_a_completed_course_has_no_due_date_to_add(app, client, login_as, people):
    with app.app_context():
        learner = db.session.get(User, people["learner"])
        course = db.session.scalar(select(Course).where(Course.key == "second"))
        now = MADE + timedelta(days=1)
        for lesson in course.lessons:
            learning.complete_lesson(learner, lesson, now=now, language="en")
        assert learning.complete_course_if_done(learner, course, now=now, language="en", quiz_passed=False)
        db.session.commit()
    login_as("learner@example.kz")
    assert client.get("/calendar/courses/second.ics").status_code == 404
    assert 'href="/calendar/courses/second.ics"' not in client.get("/courses/second").get_data(as_text=True)


def test_my_learning_and_the_course_page_link_each_open_assignment(app, client, login_as, people):
    login_as("learner@example.kz")
    dashboard = client.get("/my-learning").get_data(as_text=True)
    assert 'href="/calendar/courses/first.ics" download' in dashboard
    assert 'href="/calendar/courses/second.ics" download' in dashboard
    assert 'href="/calendar/courses/first.ics" download' in client.get("/courses/first").get_data(as_text=True)


def test_signing_in_is_required(client, people):
    response = client.get("/calendar/courses/first.ics")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
