"""Enrolment, marking lessons complete, progress and Continue, course completion, the activity record."""

from __future__ import annotations

import threading

from sqlalchemy import event, func, select

from lms.courses.models import Course, Lesson
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services
from lms.learning.models import Activity, CourseCompletion, Enrollment, LessonProgress
from tests import factories
from tests.conftest import csrf_token, post_form
from tests.courses.builders import write_course
from tests.learning.conftest import sync


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _learner(app, email="learner@example.kz") -> int:
    with app.app_context():
        return factories.user(email).id


def test_enrolling_twice_leaves_one_enrolment(app, login_as, course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    first = post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    second = post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].endswith(f"/courses/{course_key}/lessons/intro")
    with app.app_context():
        assert _count(Enrollment) == 1
        assert _count(Activity, verb="enrolled") == 1


def test_enrol_without_csrf_token_is_refused(app, login_as, course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    assert client.post(f"/courses/{course_key}/enroll").status_code == 400
    with app.app_context():
        assert _count(Enrollment) == 0


def test_completing_a_lesson_without_enrolment_records_nothing(app, login_as, course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    response = post_form(client, f"/courses/{course_key}/lessons/intro/complete", {},
                         token_from=f"/courses/{course_key}")
    assert response.status_code == 303
    with app.app_context():
        assert _count(LessonProgress) == 0


def test_opening_a_lesson_does_not_complete_it(app, login_as, course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    for lesson in ("intro", "data-basics", "wrap-up"):
        assert client.get(f"/courses/{course_key}/lessons/{lesson}").status_code == 200
    with app.app_context():
        assert _count(LessonProgress) == 0


def test_marking_complete_twice_leaves_one_row_and_goes_to_the_next_lesson(app, login_as, course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    path = f"/courses/{course_key}/lessons/intro/complete"
    first = post_form(client, path, {}, token_from=f"/courses/{course_key}")
    second = post_form(client, path, {}, token_from=f"/courses/{course_key}")
    assert first.headers["Location"].endswith("/lessons/data-basics")
    assert second.status_code == 303
    with app.app_context():
        assert _count(LessonProgress) == 1
        assert _count(Activity, verb="lesson_completed") == 1
        progress = db.session.scalar(select(LessonProgress))
        lesson = db.session.get(Lesson, progress.lesson_id)
        assert progress.lesson_version == lesson.version


def test_continue_goes_to_the_first_unfinished_lesson_after_signing_in_again(app, client, login_as, course_key):
    _learner(app)
    login_as("learner@example.kz")
    post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    post_form(client, f"/courses/{course_key}/lessons/intro/complete", {}, token_from=f"/courses/{course_key}")
    post_form(client, "/logout", {}, token_from="/my-learning")
    login_as("learner@example.kz")
    html = client.get("/my-learning").get_data(as_text=True)
    assert f'href="/courses/{course_key}/lessons/data-basics"' in html
    assert "33%" in html


def test_last_lesson_completes_a_course_without_quiz(app, login_as, course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    for lesson in ("intro", "data-basics", "wrap-up"):
        response = post_form(client, f"/courses/{course_key}/lessons/{lesson}/complete", {},
                             token_from=f"/courses/{course_key}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have completed the course" in page
    with app.app_context():
        completion = db.session.scalar(select(CourseCompletion))
        assert completion.course_version == db.session.scalar(select(Course.version))
        assert _count(Activity, verb="course_completed") == 1
    assert "completed on" in client.get("/my-learning").get_data(as_text=True)


def test_a_course_with_a_quiz_is_not_completed_by_lessons_alone(app, login_as, quiz_course_key):
    _learner(app)
    client = login_as("learner@example.kz")
    post_form(client, f"/courses/{quiz_course_key}/enroll", {}, token_from=f"/courses/{quiz_course_key}")
    for lesson in ("intro", "data-basics", "wrap-up"):
        post_form(client, f"/courses/{quiz_course_key}/lessons/{lesson}/complete", {},
                  token_from=f"/courses/{quiz_course_key}")
    with app.app_context():
        assert _count(CourseCompletion) == 0
    assert "Pass the final quiz" in client.get(f"/courses/{quiz_course_key}").get_data(as_text=True)


def test_concurrent_complete_requests_for_one_lesson_leave_one_row(app, course_key):
    """Two tabs (four here) posting "Mark as complete" at the same moment."""
    _learner(app)
    clients = [app.test_client() for _ in range(4)]
    tokens = []
    for client in clients:
        post_form(client, "/login", {"email": "learner@example.kz", "password": factories.PASSWORD})
        tokens.append(csrf_token(client, f"/courses/{course_key}"))
    post_form(clients[0], f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    statuses, errors = [], []
    start = threading.Barrier(len(clients))

    def complete(client, token):
        try:
            start.wait()
            response = client.post(f"/courses/{course_key}/lessons/intro/complete", data={"csrf_token": token})
            statuses.append(response.status_code)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=complete, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [303] * len(clients)
    with app.app_context():
        assert _count(LessonProgress) == 1
        assert _count(Activity, verb="lesson_completed") == 1


def test_a_lesson_added_later_does_not_undo_a_completion(app, ctx, courses_root, course_key):
    user = factories.user("learner@example.kz")
    course = db.session.scalar(select(Course))
    services.enroll(user, course, now=utcnow())
    for lesson in course.lessons:
        services.complete_lesson(user, lesson, now=utcnow(), language="en")
    services.complete_course_if_done(user, course, now=utcnow(), language="en", quiz_passed=False)
    db.session.commit()
    write_course(courses_root / "plain", course_id="plain", quiz=False,
                 lessons=("intro", "data-basics", "wrap-up", "extra"))
    sync(courses_root)
    progress = services.get_progress(user, course)
    assert progress.completion is not None
    assert (progress.done, progress.total) == (3, 4)


def test_progress_survives_rewording_reordering_and_removing_lessons(app, ctx, courses_root, course_key):
    user = factories.user("learner@example.kz")
    course = db.session.scalar(select(Course))
    services.enroll(user, course, now=utcnow())
    intro = db.session.scalar(select(Lesson).where(Lesson.key == "intro"))
    services.complete_lesson(user, intro, now=utcnow(), language="en")
    db.session.commit()
    old_version = intro.version
    # Reword the lesson and reorder the course: same rows, progress kept.
    path = courses_root / "plain" / "lessons" / "intro.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("English text", "Reworded English text"),
                    encoding="utf-8")
    write_course(courses_root / "plain", course_id="plain", quiz=False, lessons=("wrap-up", "intro", "data-basics"))
    path.write_text(path.read_text(encoding="utf-8").replace("English text", "Reworded English text"),
                    encoding="utf-8")
    sync(courses_root)
    db.session.expire_all()
    intro = db.session.scalar(select(Lesson).where(Lesson.key == "intro"))
    assert intro.version != old_version and intro.position == 2
    assert services.get_progress(user, course).completed_lesson_ids == {intro.id}
    progress_row = db.session.scalar(select(LessonProgress))
    assert progress_row.lesson_version == old_version  # what the learner actually saw
    # Remove the lesson: it is retired, the learner's record stays.
    write_course(courses_root / "plain", course_id="plain", quiz=False, lessons=("wrap-up", "data-basics"))
    (courses_root / "plain" / "lessons" / "intro.en.md").unlink()
    (courses_root / "plain" / "lessons" / "intro.ru.md").unlink()
    sync(courses_root)
    assert _count(LessonProgress) == 1
    assert services.get_progress(user, course).total == 2


def test_my_learning_reads_every_courses_progress_with_the_same_number_of_statements(app, login_as, courses_root):
    for key in ("first", "second", "third"):
        write_course(courses_root / key, course_id=key, quiz=False)
    with app.app_context():
        sync(courses_root)
    _learner(app)
    client = login_as("learner@example.kz")

    def statements_on_my_learning() -> tuple[int, str]:
        seen = []

        def count(*_args):
            seen.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            html = client.get("/my-learning").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen), html

    post_form(client, "/courses/first/enroll", {}, token_from="/courses/first")
    one, _html = statements_on_my_learning()
    for key in ("second", "third"):
        post_form(client, f"/courses/{key}/enroll", {}, token_from=f"/courses/{key}")
    post_form(client, "/courses/third/lessons/intro/complete", {}, token_from="/courses/third")
    three, html = statements_on_my_learning()
    assert three == one
    assert html.count("0%") >= 2 and "33%" in html
    assert 'href="/courses/third/lessons/data-basics"' in html
