"""The learner's way through a course (issue 17): an assignment is the enrolment and "Start" opens the first lesson; a
quiz passed before the lessons says what remains; a finished lesson is confirmed in words of its own; a completed
course reads 100% and "all lessons done" whatever happened to its lessons since."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import func, select, update

from lms.accounts.models import Role, User
from lms.agencies.services import get_agency_by_code
from lms.assignments.services import enrol_new_assignees
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Activity, Enrollment
from lms.reports.dashboard import build_dashboard
from lms.reports.filters import parse_filters
from tests import factories
from tests.conftest import post_form
from tests.courses.builders import write_course
from tests.learning.conftest import sync
from tests.quizzes.test_quiz_pages import RIGHT, _answer, _complete_lessons, _started
from tests.reports import builders as b

LEARNER = "learner@example.kz"
CATALOGS = Path(__file__).resolve().parents[2] / "lms" / "translations"


def _people() -> None:
    """Agency P with an HR officer and a learner."""
    p = factories.agency("P")
    factories.user("hr@example.kz", roles={Role.LEARNER, Role.HR}, agency=p)
    factories.user(LEARNER, agency=p)


def _assign(key: str, *, now=None) -> None:
    from lms.assignments.services import NewAssignment, create_assignment

    now = now or utcnow()
    create_assignment(NewAssignment(course=b.course(key), due_at=now + timedelta(days=30), target_kind="agency",
                                    agency=get_agency_by_code("P")), actor=b.person("hr@example.kz"), now=now)
    db.session.commit()


def _enrolled(email: str, key: str) -> Enrollment | None:
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == b.person(email).id,
                                                      Enrollment.course_id == b.course(key).id))


# --- 1. an assignment is the enrolment ----------------------------------------------------------------------------

def test_an_assignment_enrols_everyone_it_names_at_that_moment(app, ctx, course_key):
    _people()
    at = utcnow() - timedelta(days=3)
    _assign(course_key, now=at)
    enrollment = _enrolled(LEARNER, course_key)
    assert (enrollment.source, enrollment.enrolled_at, enrollment.lessons_completed) == ("assignment", at, 0)
    activity = db.session.scalar(select(Activity).where(Activity.verb == "enrolled",
                                                        Activity.user_id == b.person(LEARNER).id))
    assert activity.actor_id == b.person("hr@example.kz").id and activity.details == {"source": "assignment"}
    assert _enrolled("hr@example.kz", course_key) is not None  # the HR officer is in the agency too
    _assign(course_key)  # a second assignment of the same course changes nothing
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2


def test_hr_figures_count_assigned_people_from_the_day_of_the_assignment(app, ctx, course_key):
    _people()
    at = utcnow() - timedelta(days=3)
    _assign(course_key, now=at)
    day = at.date().isoformat()
    for args, enrolled in (({}, 2), ({"from": day, "to": day}, 2),
                           ({"from": (at.date() + timedelta(days=1)).isoformat()}, 0)):
        filters = parse_filters(args, actor=b.person("hr@example.kz"), timezone="UTC")
        total = build_dashboard(filters, now=utcnow()).total
        assert (total.enrolled, total.not_started) == (enrolled, enrolled), args


def test_start_on_my_learning_opens_the_first_lesson_then_continue_the_next(app, login_as, course_key):
    with app.app_context():
        _people()
        _assign(course_key)
    client = login_as(LEARNER)
    html = client.get("/my-learning").get_data(as_text=True)
    assert f'<a class="button" href="/courses/{course_key}/lessons/intro">Start' in html
    assert "Assigned by your agency, due" in html and "Enrol" not in html
    post_form(client, f"/courses/{course_key}/lessons/intro/complete", {}, token_from=f"/courses/{course_key}")
    html = client.get("/my-learning").get_data(as_text=True)
    assert f'<a class="button" href="/courses/{course_key}/lessons/data-basics">Continue' in html


def test_people_who_join_later_are_enrolled_by_the_reminders_run(app, runner, course_key):
    with app.app_context():
        _people()
        _assign(course_key)
        factories.user("newcomer@example.kz", agency=get_agency_by_code("P"))
        assert _enrolled("newcomer@example.kz", course_key) is None
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "1 new assignee(s) enrolled" in result.output
    with app.app_context():
        assert _enrolled("newcomer@example.kz", course_key).source == "assignment"
        assert enrol_new_assignees(now=utcnow()) == 0  # once


def test_an_employees_import_enrols_the_people_it_brings_into_an_assigned_agency(app, runner, tmp_path,
                                                                                 course_key):
    with app.app_context():
        _people()
        _assign(course_key)
    path = tmp_path / "people.csv"
    path.write_text("email,full_name,agency_code\nimported@example.kz,Imported Person,P\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _enrolled("imported@example.kz", course_key).source == "assignment"


def test_self_enrolment_in_an_optional_course_still_asks_to_enrol(app, login_as, course_key):
    with app.app_context():
        factories.user(LEARNER)
    client = login_as(LEARNER)
    assert "Enrol in this course" in client.get(f"/courses/{course_key}").get_data(as_text=True)
    response = post_form(client, f"/courses/{course_key}/enroll", {}, token_from=f"/courses/{course_key}")
    assert response.headers["Location"].endswith(f"/courses/{course_key}/lessons/intro")
    assert "You are enrolled" in client.get(response.headers["Location"]).get_data(as_text=True)


# --- 2. a quiz passed before the lessons ----------------------------------------------------------------------------

def test_a_quiz_passed_before_the_lessons_says_what_remains_on_the_result_and_course_pages(app, login_as,
                                                                                          quiz_course_key):
    with app.app_context():
        _people()
        _assign(quiz_course_key)
    client = login_as(LEARNER)
    _complete_lessons(client, quiz_course_key, ("intro",))
    attempt_id = _started(client, quiz_course_key)
    result = client.get(_answer(client, attempt_id, RIGHT).headers["Location"]).get_data(as_text=True)
    assert "Quiz passed. To complete the course, finish 2 more lessons:" in result
    for lesson in ("data-basics", "wrap-up"):
        assert f'href="/courses/{quiz_course_key}/lessons/{lesson}"' in result
    course_page = client.get(f"/courses/{quiz_course_key}").get_data(as_text=True)
    assert "You passed the final quiz on" in course_page
    assert "To complete the course, finish 2 more lessons:" in course_page
    assert "33% · 1 of 3 lessons" in course_page
    _complete_lessons(client, quiz_course_key, ("data-basics", "wrap-up"))
    assert "finish" not in client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "all lessons done" in client.get(f"/courses/{quiz_course_key}").get_data(as_text=True)


def test_one_lesson_left_reads_in_the_singular(app, login_as, quiz_course_key):
    with app.app_context():
        _people()
        _assign(quiz_course_key)
    client = login_as(LEARNER)
    _complete_lessons(client, quiz_course_key, ("intro", "data-basics"))
    result = client.get(_answer(client, _started(client, quiz_course_key), RIGHT).headers["Location"])
    assert "finish 1 more lesson:" in result.get_data(as_text=True)


# --- 3. a finished lesson, confirmed in its own words ---------------------------------------------------------------

def test_finishing_a_lesson_is_confirmed_on_the_page_that_opens(app, login_as, course_key):
    with app.app_context():
        _people()
        _assign(course_key)
    client = login_as(LEARNER)
    response = post_form(client, f"/courses/{course_key}/lessons/intro/complete", {},
                         token_from=f"/courses/{course_key}/lessons/intro")
    assert response.headers["Location"].endswith("/lessons/data-basics")
    assert "Lesson “Intro lesson” is done." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have finished this lesson." in client.get(f"/courses/{course_key}/lessons/intro").get_data(
        as_text=True)


def test_the_lesson_and_the_quiz_have_words_of_their_own_in_every_language():
    lesson_words = ("I have finished this lesson", "You have finished this lesson.")
    for locale in ("kk", "ru"):
        with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        passed = catalog.get("Passed").string
        for msgid in lesson_words:
            lesson = catalog.get(msgid).string
            assert lesson and passed and lesson != passed
            # No shared stem: the lesson is "finished", the quiz is "passed".
            stem = {"kk": "тапсыр", "ru": "сда"}[locale]
            assert stem not in lesson.lower() and stem in passed.lower(), (locale, lesson, passed)
    assert catalog.get("I have finished this lesson").string == "Урок изучен"
    with (CATALOGS / "kk" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        kk = read_po(fh, locale="kk")
    assert kk.get("I have finished this lesson").string == "Сабақты аяқтадым"
    assert kk.get("Passed").string == "Тест тапсырылды"


def test_the_kazakh_lesson_page_shows_the_lesson_wording(app, login_as, course_key):
    with app.app_context():
        _people()
        _assign(course_key)
        db.session.execute(update(User).values(locale="kk"))
        db.session.commit()
    html = login_as(LEARNER).get(f"/courses/{course_key}/lessons/intro").get_data(as_text=True)
    assert "Сабақты аяқтадым" in html and "Өтті" not in html


# --- 5. one figure for a completed course ---------------------------------------------------------------------------

def test_a_completed_course_reads_100_percent_and_all_lessons_done_after_its_lessons_change(
        app, login_as, courses_root, course_key):
    with app.app_context():
        _people()
        _assign(course_key)
    client = login_as(LEARNER)
    _complete_lessons(client, course_key)
    # wrap-up is retired and a new lesson added: 2 of the 3 live lessons were done.
    write_course(courses_root / "plain", course_id="plain", quiz=False, lessons=("intro", "data-basics", "extra"))
    for path in (courses_root / "plain" / "lessons").glob("wrap-up.*"):
        path.unlink()
    with app.app_context():
        sync(courses_root)
        from lms.learning.standing import recount_lessons_done

        recount_lessons_done([b.course(course_key).id])
        db.session.commit()
        learner_id = b.person(LEARNER).id
    html = client.get(f"/courses/{course_key}").get_data(as_text=True)
    assert "100% · all lessons done" in html and "of 3 lessons" not in html
    html = client.get("/my-learning").get_data(as_text=True)
    assert "completed on" in html and "of 3 lessons" not in html
    hr_view = b.signed_in(app, "hr@example.kz").get(f"/reports/learners/{learner_id}").get_data(as_text=True)
    assert '<td class="num">3 / 3</td>' in hr_view


def test_a_person_created_from_the_command_line_is_enrolled_in_their_agencys_assigned_courses(app, runner,
                                                                                             course_key):
    with app.app_context():
        _people()
        _assign(course_key)
    result = runner.invoke(args=["users", "create", "--email", "new@example.kz", "--name", "New Person",
                                 "--agency", "P", "--password", factories.PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _enrolled("new@example.kz", course_key).source == "assignment"
