"""The per-process content cache: a sync through one instance is seen by another on its next request, content is
loaded once per change, and no learner's data crosses to another learner."""

from __future__ import annotations

from lms.courses import cache
from lms.extensions import db
from tests import factories
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.learning.conftest import sync


def _signed_in(app, email: str):
    client = app.test_client()
    response = post_form(client, "/login", {"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def test_a_sync_through_one_instance_is_seen_by_another_on_its_next_request(app, make_app, courses_root):
    other = make_app()  # a second app on the same database: another process or machine
    write_course(courses_root / "c1", course_id="c1", title={"en": "First title", "ru": "Первое"}, quiz=False)
    with app.app_context():
        sync(courses_root)
        factories.user("reader@example.kz")
    client = _signed_in(other, "reader@example.kz")
    assert "First title" in client.get("/courses/c1").get_data(as_text=True)
    assert "First title" in client.get("/courses/c1/lessons/intro").get_data(as_text=True)
    with other.app_context():
        assert cache.loads() == 1  # the second page came from memory

    write_course(courses_root / "c1", course_id="c1", title={"en": "Second title", "ru": "Второе"}, quiz=False)
    with app.app_context():
        sync(courses_root)  # through the first instance only

    page = client.get("/courses/c1").get_data(as_text=True)
    assert "Second title" in page and "First title" not in page
    with other.app_context():
        assert cache.loads() == 2


def test_a_course_retired_by_a_sync_elsewhere_is_gone_on_the_next_request(app, make_app, courses_root):
    other = make_app()
    write_course(courses_root / "c1", course_id="c1", quiz=False)
    write_course(courses_root / "c2", course_id="c2", quiz=False)
    with app.app_context():
        sync(courses_root)
        factories.user("reader@example.kz")
    client = _signed_in(other, "reader@example.kz")
    assert client.get("/courses/c2").status_code == 200
    (courses_root / "c2" / "course.yml").unlink()
    with app.app_context():
        sync(courses_root)
    assert client.get("/courses/c2").status_code == 404
    assert client.get("/courses/c1").status_code == 200


def test_an_edit_in_the_database_is_seen_at_once_by_every_instance(app, make_app, courses_root):
    other = make_app()
    write_course(courses_root / "c1", course_id="c1", quiz=False)
    with app.app_context():
        sync(courses_root)
        factories.user("reader@example.kz")
    client = _signed_in(other, "reader@example.kz")
    assert client.get("/courses/c1").status_code == 200
    with app.app_context():
        from lms.courses.models import Course

        course = db.session.scalar(db.select(Course).where(Course.key == "c1"))
        course.is_retired = True  # any ORM write of content changes the version, not only a sync
        db.session.commit()
    assert client.get("/courses/c1").status_code == 404


def test_one_learners_progress_never_shows_on_anothers_page(app, courses_root):
    write_course(courses_root / "c1", course_id="c1", quiz=False)
    with app.app_context():
        sync(courses_root)
        factories.user("one@example.kz")
        factories.user("two@example.kz")
    one, two = _signed_in(app, "one@example.kz"), _signed_in(app, "two@example.kz")
    for client in (one, two):
        assert post_form(client, "/courses/c1/enroll", {}, token_from="/courses/c1").status_code == 303
    assert post_form(one, "/courses/c1/lessons/intro/complete", {},
                     token_from="/courses/c1/lessons/intro").status_code == 303
    mine = one.get("/courses/c1").get_data(as_text=True)
    theirs = two.get("/courses/c1").get_data(as_text=True)
    assert "1 of 3" in mine or "33%" in mine
    assert "1 of 3" not in theirs and "33%" not in theirs
    assert one.get("/courses/c1/lessons/intro").get_data(as_text=True).count("I have finished this lesson") == 0
    assert "I have finished this lesson" in two.get("/courses/c1/lessons/intro").get_data(as_text=True)
