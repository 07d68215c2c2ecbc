"""`lms demo-data --learners N`: the national demo dataset (lms.demo.national and its helper modules)."""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from lms import PROJECT_ROOT
from lms.accounts.models import User, UserRole
from lms.agencies.models import Agency
from lms.assignments.models import Assignment
from lms.certificates import serials
from lms.certificates.models import Certificate
from lms.courses.loader import load_courses
from lms.courses.models import Course, Lesson, QuizVersion
from lms.courses.services import quiz_snapshot
from lms.demo.attempts import attempt_pool
from lms.demo.learners import TABLES
from lms.extensions import db
from lms.learning.models import CourseCompletion, Enrollment, LessonProgress
from lms.quizzes.grading import grade, passed, percent
from lms.quizzes.models import QuizAttempt
from tests.courses.builders import replace_in, write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync

TODAY = "2026-03-01"
ANCHOR = datetime(2026, 3, 1, tzinfo=UTC)
ARGS = ["demo-data", "--learners", "300", "--agencies", "20", "--today", TODAY]
KAZAKH_LETTERS = set("әөүұқғңіһ")


@pytest.fixture
def courses(app, courses_root):  # noqa: F811 - the imported fixture
    """Three synced courses: with a quiz and expiring certificates, without a quiz (kk/ru/en), and one with a quiz
    that learners join only by assignment."""
    write_course(courses_root / "ai-basics", course_id="ai-basics", languages=("en", "ru"))
    replace_in(courses_root / "ai-basics" / "course.yml", "certificate: true", "certificate: true\n"
               "certificate_valid_months: 24")
    write_course(courses_root / "data-ethics", course_id="data-ethics", quiz=False, level="intermediate",
                 lessons=("why", "how"), languages=("en", "ru", "kk"))
    write_course(courses_root / "mandatory", course_id="mandatory", lessons=("rules",))
    replace_in(courses_root / "mandatory" / "course.yml", "self_enrollment: true", "self_enrollment: false")

    def _sync():
        with app.app_context():
            sync(courses_root)

    _sync()
    return _sync


def _wipe(app) -> None:
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


def _counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _schema() -> dict:
    inspector = inspect(db.engine)
    return {name: (sorted(i["name"] for i in inspector.get_indexes(name)),
                   sorted(c["name"] for c in inspector.get_unique_constraints(name)),
                   sorted(f["name"] for f in inspector.get_foreign_keys(name))) for name in TABLES}


def _digest() -> str:
    """A digest of the generated rows by natural keys (ids differ between runs on PostgreSQL)."""
    email = {u.id: u.email for u in db.session.scalars(select(User))}
    course = dict(db.session.execute(select(Course.id, Course.key)).all())
    lesson = dict(db.session.execute(select(Lesson.id, Lesson.key)).all())
    code = dict(db.session.execute(select(Agency.id, Agency.code)).all())
    serial = dict(db.session.execute(select(Certificate.id, Certificate.serial)).all())
    generated = {i for i, e in email.items() if e.endswith("@gov.example.kz")}
    rows = [
        sorted((a.code, code.get(a.parent_id), a.name_kk, a.name_ru, a.name_en) for a in
               db.session.scalars(select(Agency))),
        sorted((u.email, u.full_name, code.get(u.agency_id), u.position, u.locale, u.created_at.isoformat())
               for u in db.session.scalars(select(User)) if u.id in generated),
        sorted((email[e.user_id], course[e.course_id], e.source, e.enrolled_at.isoformat(), e.lessons_completed,
                str(e.completed_at), e.completion_language, serial.get(e.certificate_id))
               for e in db.session.scalars(select(Enrollment))),
        sorted((email[p.user_id], lesson[p.lesson_id], p.completed_at.isoformat(), p.language)
               for p in db.session.scalars(select(LessonProgress))),
        sorted((email[a.user_id], course[a.course_id], a.number, a.started_at.isoformat(), str(a.submitted_at),
                a.score_percent, a.passed, json.dumps(a.layout, sort_keys=True), json.dumps(a.answers, sort_keys=True))
               for a in db.session.scalars(select(QuizAttempt))),
        sorted((c.serial, email[c.user_id], course[c.course_id], c.issued_at.isoformat(), str(c.expires_at),
                str(c.revoked_at), c.revoked_reason, json.dumps(c.agency_names, sort_keys=True))
               for c in db.session.scalars(select(Certificate))),
        sorted((course[a.course_id], code[a.agency_id], a.include_subagencies, a.due_at.isoformat(),
                a.created_at.isoformat(), a.recurrence_months) for a in db.session.scalars(select(Assignment))),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(app, runner, courses):
    assert runner.invoke(args=ARGS).exit_code == 0
    with app.app_context():
        first = _digest()
        counts = _counts()
    _wipe(app)
    courses()
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _digest() == first
        assert _counts()["enrollments"] == counts["enrollments"]
    _wipe(app)
    courses()
    assert runner.invoke(args=[*ARGS, "--seed", "7"]).exit_code == 0
    with app.app_context():
        assert _digest() != first


def test_the_rows_agree_with_one_another(app, runner, courses):
    with app.app_context():
        schema = _schema()
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    for line in ("agencies: 20", "learners: 300", "enrolments:"):
        assert line in result.output
    with app.app_context():
        assert _schema() == schema  # the indexes and constraints dropped for the load are back
        completions = defaultdict(list)
        for c in db.session.scalars(select(CourseCompletion)):
            completions[c.user_id, c.course_id].append(c)
        progress = defaultdict(int)
        for p in db.session.scalars(select(LessonProgress)):
            progress[p.user_id, p.course_id] += 1
            assert p.completed_at < ANCHOR
        certificates = defaultdict(list)
        for c in db.session.scalars(select(Certificate)):
            completion = db.session.get(CourseCompletion, c.completion_id)
            assert (completion.user_id, completion.course_id) == (c.user_id, c.course_id)
            assert c.issued_at == completion.completed_at and serials.parse(c.serial) == c.serial
            if c.course.key == "ai-basics":  # certificate_valid_months: 24
                assert c.expires_at == c.issued_at.replace(year=c.issued_at.year + 2)
            else:
                assert c.expires_at is None
            assert (c.revoked_at is None) == (c.revoked_reason is None)
            certificates[c.user_id, c.course_id].append(c)
        enrollments = list(db.session.scalars(select(Enrollment)))
        assert len(enrollments) > 300 and {e.source for e in enrollments} == {"self", "assignment"}
        for e in enrollments:
            key = (e.user_id, e.course_id)
            assert e.enrolled_at < ANCHOR
            assert e.lessons_completed == progress[key]
            latest = max(completions.get(key, []), key=lambda c: c.completed_at, default=None)
            assert e.completed_at == (latest.completed_at if latest else None)
            assert e.completion_language == (latest.language if latest else None)
            assert e.certificate_id == max((c.id for c in certificates.get(key, [])), default=None)
            current = next((c for c in certificates.get(key, []) if c.id == e.certificate_id), None)
            live = current is not None and current.revoked_at is None
            assert e.certified_at == (current.issued_at if live else None)
            assert e.certificate_expires_at == (current.expires_at if live else None)
        assert set(completions) <= {(e.user_id, e.course_id) for e in enrollments}
        quiz_courses = set(db.session.scalars(select(QuizVersion.course_id)))
        attempts = defaultdict(list)
        for a in db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.number)):
            assert a.status == "submitted" and a.submitted_at < ANCHOR and a.passed == (a.score_percent >= a.pass_mark)
            assert set(a.results) == set(a.layout["questions"])
            attempts[a.user_id, a.course_id].append(a)
        for found in attempts.values():
            assert [a.number for a in found] == list(range(1, len(found) + 1))
            assert not any(a.passed for a in found[:-1])
        for key, done in completions.items():
            assert (key[1] in quiz_courses) == bool(attempts[key])
            if attempts[key]:
                assert attempts[key][-1].passed and attempts[key][-1].submitted_at == done[-1].completed_at


def test_learners_look_like_kazakhstan_civil_servants(app, runner, courses):
    assert runner.invoke(args=ARGS).exit_code == 0
    with app.app_context():
        learners = list(db.session.scalars(select(User).where(User.email.endswith("@gov.example.kz"))))
        assert len(learners) == 300 and all(u.password_hash is None for u in learners)
        assert all(u.email.isascii() and u.email == u.email.lower() for u in learners)
        assert set("".join(u.full_name for u in learners).lower()) >= KAZAKH_LETTERS
        assert any(u.full_name.endswith("ова") for u in learners) and any(u.full_name.endswith("ов") for u in learners)
        assert {u.locale for u in learners} >= {"kk", "ru", "en"}
        roles = set(db.session.scalars(select(UserRole.role).where(UserRole.user_id.in_([u.id for u in learners]))))
        assert roles == {"learner"}
        agencies = {a.id: a for a in db.session.scalars(select(Agency))}
        generated = [a for a in agencies.values() if a.code.startswith("GOV-")]
        assert len(generated) == 20
        for agency in generated:  # at most two levels below a top-level body
            assert agency.parent is None or agency.parent.parent is None or agency.parent.parent.parent is None
        demo_team = [u for u in learners if agencies[u.agency_id].code in ("MDAI", "MDAI-IT", "MDAI-HR")]
        assert demo_team  # the demo HR officer (MDAI) sees people on the dashboard
        # More completions in the last three months than in the first three of the nine.
        times = list(db.session.scalars(select(CourseCompletion.completed_at)))
        recent = sum((ANCHOR - t).days < 90 for t in times)
        early = sum((ANCHOR - t).days >= 180 for t in times)
        assert recent > 2 * early


def test_some_people_are_overdue(app, runner, courses):
    assert runner.invoke(args=ARGS).exit_code == 0
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.lms.kz"))
        assignments = list(db.session.scalars(select(Assignment).where(Assignment.created_by_id == admin.id)))
        assert 20 <= len(assignments) <= 40
        assert {a.target_kind for a in assignments} == {"agency"} and any(a.due_at > ANCHOR for a in assignments)
        # In the demo HR officer's ministry, in a department without demo accounts (their pages stay as they were).
        assert any(a.agency.code == "MDAI-HR" for a in assignments)
        children = defaultdict(list)
        for agency in db.session.scalars(select(Agency)):
            children[agency.parent_id].append(agency.id)
        done = set(db.session.execute(select(CourseCompletion.user_id, CourseCompletion.course_id)).all())
        def subtree(root: int) -> set[int]:
            found, todo = set(), [root]
            while todo:
                found.add(node := todo.pop())
                todo += children[node]
            return found

        overdue = 0
        for a in assignments:
            if a.due_at < ANCHOR:
                scope = subtree(a.agency_id) if a.include_subagencies else {a.agency_id}
                people = db.session.scalars(select(User.id).where(User.agency_id.in_(scope)))
                overdue += sum((person, a.course_id) not in done for person in people)
        assert overdue > 0


def test_a_second_run_refuses_and_writes_nothing(app, runner, courses):
    assert runner.invoke(args=ARGS).exit_code == 0
    with app.app_context():
        before = _counts()
    result = runner.invoke(args=[*ARGS, "--seed", "8"])
    assert result.exit_code == 1
    assert "already present" in result.output
    with app.app_context():
        assert _counts() == before


def test_new_rows_after_the_load_get_fresh_ids(app, runner, courses):
    assert runner.invoke(args=ARGS).exit_code == 0
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == "GOV-MF"))
        user = User(email="new@example.kz", full_name="Жаңа Қызметкер", agency=agency)
        user.set_roles({"learner"})
        db.session.add(user)
        db.session.flush()
        course = db.session.scalar(select(Course).where(Course.key == "data-ethics"))
        lesson_id = course.lessons[0].id
        db.session.add_all([
            Enrollment(user_id=user.id, course_id=course.id), Agency(code="NEW", parent=agency),
            Assignment(course_id=course.id, target_kind="agency", agency=agency, due_at=ANCHOR, created_by_id=user.id),
            CourseCompletion(user_id=user.id, course_id=course.id, course_version="v", language="ru"),
            LessonProgress(user_id=user.id, lesson_id=lesson_id, course_id=course.id, lesson_version="v",
                           language="ru")])
        db.session.commit()  # no primary key clash: the id sequences moved past the generated rows


def test_without_live_courses_it_refuses_and_writes_nothing(app, runner):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 1
    assert "lms courses sync" in result.output
    with app.app_context():
        assert not any(_counts().values())


def test_generation_options_need_learners(runner):
    result = runner.invoke(args=["demo-data", "--seed", "3"])
    assert result.exit_code == 2
    assert "need --learners" in result.output


def test_attempt_pools_grade_like_the_quiz_service_for_the_real_courses():
    loaded = [course for course in load_courses(PROJECT_ROOT / "courses").courses if course.quiz]
    assert loaded
    for course in loaded:
        settings, questions = quiz_snapshot(course.quiz)
        by_id = {q["id"]: q for q in questions}
        for passing in (True, False):
            pool = attempt_pool(settings, questions, course.quiz.pass_mark, random.Random(1), passing=passing)  # noqa: S311
            for body in pool:
                layout, answers, results = json.loads(body.layout), json.loads(body.answers), json.loads(body.results)
                earned = sum(grade(by_id[q], answers.get(q)).score * by_id[q]["points"] for q in layout["questions"])
                possible = sum(by_id[q]["points"] for q in layout["questions"])
                assert percent(earned, possible) == body.score
                assert passed(body.score, course.quiz.pass_mark) == passing
                assert set(results) == set(layout["questions"]) == set(layout["layouts"])


# --- the programme-sized demo of `make run`: `lms demo-data --learners N --if-absent` --------------------------

MAKE_RUN = ["demo-data", "--learners", "50", "--agencies", "20", "--if-absent"]


def _own_data() -> dict:
    """What each demo account sees of itself: its record, roles, enrolments, progress and assigned courses."""
    from lms.assignments.services import list_assigned_courses
    from lms.demo import DEMO_ACCOUNTS

    out = {}
    for email, *_rest in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        out[email] = (
            (user.full_name, user.agency.code if user.agency else None, user.position, user.locale, user.password_hash,
             sorted(user.roles)),
            sorted((e.course.key, e.lessons_completed, e.completed_at) for e in
                   db.session.scalars(select(Enrollment).where(Enrollment.user_id == user.id))),
            db.session.scalar(select(func.count()).select_from(LessonProgress)
                              .where(LessonProgress.user_id == user.id)),
            sorted((a.course.key, a.due_at) for a in list_assigned_courses(user)),
        )
    return out


def test_make_run_demo_twice_gives_the_same_counts(app, runner, courses):
    first = runner.invoke(args=MAKE_RUN)
    assert first.exit_code == 0, first.output
    with app.app_context():
        counts = _counts()
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.email.endswith("@gov.example.kz"))) == 50
    second = runner.invoke(args=MAKE_RUN)
    assert second.exit_code == 0, second.output
    assert "present already; nothing added" in second.output
    assert "learner@demo.lms.kz" in second.output and "admin-demo-2026" in second.output  # the logins, again
    with app.app_context():
        assert _counts() == counts


def test_demo_logins_work_after_the_programme_demo(app, runner, courses):
    from lms.demo import DEMO_ACCOUNTS
    from tests.conftest import post_form

    assert runner.invoke(args=MAKE_RUN).exit_code == 0
    for email, *_rest, password in DEMO_ACCOUNTS:
        client = app.test_client()
        response = post_form(client, "/login", {"email": email, "password": password})
        assert response.status_code == 302, email
        assert client.get("/my-learning").status_code == 200, email


def test_the_demo_accounts_own_data_stays_as_plain_demo_data_left_it(app, runner, courses):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        before = _own_data()
    result = runner.invoke(args=MAKE_RUN)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _own_data() == before
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.email.endswith("@gov.example.kz"))) == 50


def test_the_national_target_series_is_not_empty_and_the_snapshot_counts_the_new_data(app, runner, courses):
    from lms.db import utcnow
    from lms.reports.dashboard import national_progress
    from lms.reports.models import ReportSnapshot
    from lms.reports.snapshots import get_fresh_snapshot

    assert runner.invoke(args=MAKE_RUN).exit_code == 0
    with app.app_context():
        now = utcnow()
        live = national_progress(target=2000, now=now)
        assert live.weeks and live.trained > 0
        assert db.session.scalar(select(func.count()).select_from(ReportSnapshot)) == 1
        snapshot = get_fresh_snapshot(now=now, max_age=app.config["REPORT_SNAPSHOT_MINUTES"] * timedelta(minutes=1))
        assert snapshot is not None and snapshot.weekly == [(week, count) for week, count, _total in live.weeks]
        assert sum(c.headcount for c in snapshot.figures.people.values()) == 56  # 50 learners and 6 demo accounts


def test_names_and_positions_follow_the_persons_language(app, runner, courses):
    from lms.demo.names import KK_FEMALE, KK_MALE, POSITIONS

    assert runner.invoke(args=[*ARGS[:2], "1000", *ARGS[3:]]).exit_code == 0
    titles = {lang: {names[i] for names, _weight in POSITIONS} for i, lang in enumerate(("ru", "kk", "en"))}
    with app.app_context():
        learners = list(db.session.scalars(select(User).where(User.email.endswith("@gov.example.kz"))))
    by_locale = defaultdict(list)
    for u in learners:
        by_locale[u.locale].append(u)
    assert {"kk", "ru", "en", None} <= set(by_locale)
    for u in by_locale["kk"]:
        assert u.position in titles["kk"], (u.full_name, u.position)
        assert u.full_name.split()[0] in KK_MALE + KK_FEMALE  # a Kazakh name...
        assert not any(word.endswith(("вич", "вна")) for word in u.full_name.split())  # ...without a Russian patronymic
    for u in by_locale["ru"] + by_locale[None]:
        assert u.position in titles["ru"], (u.full_name, u.position)
    for u in by_locale["en"]:
        assert u.position in titles["en"] and u.full_name.isascii() and len(u.full_name.split()) == 2, u.full_name
    # Russian speakers are Kazakhs and Russians alike.
    assert any(u.full_name.split()[0] in KK_MALE + KK_FEMALE for u in by_locale["ru"])
    assert any(u.full_name.split()[0] not in KK_MALE + KK_FEMALE for u in by_locale["ru"])
