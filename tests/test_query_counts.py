"""SQL statements per request on the main pages do not grow with the amount of data.

Each page is requested on a national demo dataset of two sizes (`lms demo-data --learners N`); the number of
statements must be the same. bench/load/run.py reports the same figures at 2,000 and 100,000 learners.

The learner's pages (My learning, catalogue, course, lesson, quiz start) have a budget of LEARNER_BUDGET statements
each, for a learner enrolled with a lesson done: the sign-in check (with the content version), then the learner's
own data; course content comes from the per-process cache. SQLite's BEGIN is not counted against the budget (it is
transaction control, sent as a statement only on SQLite; PostgreSQL's driver opens the transaction itself), so
the budget is the same on both engines.

The calendar feed, fetched with no session, reads FEED_BUDGET statements whether the person has 2 or 12 assignments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from lms import events
from lms.accounts.models import Role, User
from lms.courses.models import Course, Lesson
from lms.events import Notice
from lms.extensions import db
from lms.pretests.models import PretestAttempt
from tests.courses.builders import tag_course, write_course, write_framework
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync
from tests.programmes.builders import write_programme
from tests.programmes.conftest import sync_all

SMALL, LARGE = 60, 600
LEARNER_BUDGET = 4
LEARNER_PAGES = ("/my-learning", "/courses/", "/courses/ai-basics", "/courses/ai-basics/lessons/{lesson}",
                 "/courses/ai-basics/quiz")
PAGES = {
    "learner@demo.lms.kz": ["/my-learning", "/courses/", "/courses/ai-basics", "/courses/ai-basics/lessons/{lesson}",
                            "/courses/ai-basics/quiz", "/certificates/", "/courses/ai-basics/ask", "/ai/notice",
                            "/ai/systems", "/notifications/", "/notifications/settings", "/courses/with-pretest",
                            "/courses/with-pretest/pretest", "/programmes/", "/programmes/demo-path", "/competencies"],
    "hr@demo.lms.kz": ["/reports/", "/reports/learners", "/reports/overdue", "/reports/exports", "/reports/api-tokens",
                       "/agencies/", "/approvals/", "/reports/satisfaction", "/reports/satisfaction?course=ai-basics",
                       "/reports/gain", "/reports/programmes", "/reports/competencies", "/reports/learners/{learner}"],
    "admin@demo.lms.kz": ["/reports/", "/reports/?agency=MDAI", "/admin/users/", "/admin/content/", "/admin/ai-log/",
                          "/reports/satisfaction", "/courses/ai-basics/evaluation/comments",
                          "/reports/gain", "/reports/gain?agency=MDAI", "/reports/learners/{gain_learner}",
                          "/reports/competencies", "/reports/competencies?agency=MDAI&level=2"],
    "manager@demo.lms.kz": ["/team/", "/team/?scope=all", "/reports/exports"],
}
PASSWORDS = {"learner@demo.lms.kz": "learner-demo-2026", "hr@demo.lms.kz": "hr-demo-2026",
             "admin@demo.lms.kz": "admin-demo-2026", "manager@demo.lms.kz": "manager-demo-2026"}


def _wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _statements_per_page(app, make_client, courses_root, learners: int,  # noqa: F811
                         queries: dict[str, int] | None = None) -> dict[str, int]:
    with app.app_context():
        _wipe()
        sync_all(courses_root) if (courses_root / "programmes").is_dir() else sync(courses_root)
    result = app.test_cli_runner().invoke(args=["demo-data", "--learners", str(learners), "--agencies", "20",
                                                "--today", "2026-03-01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        lesson = db.session.scalar(select(Lesson.key).order_by(Lesson.position).limit(1))
        # A learner with a pre-test, for the learner report's gain table (the administrator's page).
        gain_learner = db.session.scalar(select(PretestAttempt.user_id).order_by(PretestAttempt.user_id).limit(1))
        learner_id = db.session.scalar(select(User.id).where(User.email == "learner@demo.lms.kz"))
        _notify_learner(learners // 20)  # the inbox grows with the data too: 3 and 30 notifications
    counts: dict[str, int] = {}
    seen = [0]

    begins = [0]

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        seen[0] += 1
        if statement.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE"):
            begins[0] += 1

    with app.app_context():
        engine = db.engine
    for email, paths in PAGES.items():
        client = make_client()
        response = client.post("/login", data={"email": email, "password": PASSWORDS[email]})
        assert response.status_code == 302
        if email == "learner@demo.lms.kz":  # enrolled, one lesson done: every part of the learner's pages runs
            assert client.post("/courses/ai-basics/enroll").status_code == 303
            assert client.post(f"/courses/ai-basics/lessons/{lesson}/complete").status_code == 303
        for template in paths:
            path = template.format(lesson=lesson, gain_learner=gain_learner, learner=learner_id)
            client.get(path)  # warm caches (rendered lessons, compiled statements)
            event.listen(engine, "before_cursor_execute", count)
            try:
                seen[0] = begins[0] = 0
                response = client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, (path, response.status_code)
            counts[f"{email} {template}"] = seen[0]
            if queries is not None:
                queries[f"{email} {template}"] = seen[0] - begins[0]
    return counts


def _notify_learner(count: int) -> None:
    """Deliver `count` notices about the course to the demo learner (through lms.events, as the domains do)."""
    learner = db.session.scalar(select(User.id).where(User.email == "learner@demo.lms.kz"))
    course = db.session.scalar(select(Course.id).where(Course.key == "ai-basics"))
    for n in range(count):
        events.publish(events.NOTICE, Notice(kind="assigned", recipient_ids=(learner,), course_id=course,
                                             at=datetime(2026, 2, 1, tzinfo=UTC) + timedelta(hours=n),
                                             params={"due_at": "2026-03-31"}, key=f"counts:{n}"))
    db.session.commit()


@pytest.fixture
def make_client(app):
    def _make():
        return app.test_client()

    return _make


def test_statements_per_page_do_not_grow_with_the_number_of_learners(app, make_client, courses_root):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        write_course(courses_root / "ai-basics", course_id="ai-basics", languages=("en", "ru", "kk"))
        pretest = write_course(courses_root / "with-pretest", course_id="with-pretest")  # the learning gain's data
        quiz = (pretest / "quiz.yml").read_text(encoding="utf-8")
        (pretest / "quiz.yml").write_text(quiz.replace("questions:\n", "pretest: {questions: 3}\nquestions:\n", 1),
                                          encoding="utf-8")
        write_programme(courses_root, "demo-path", courses=("ai-basics",))
        write_framework(courses_root)  # the heat map and profiles then have competencies and evidence to show
        tag_course(courses_root / "ai-basics", [("ai-concepts", 2), ("risk", 1)])
        queries: dict[str, int] = {}
        small = _statements_per_page(app, make_client, courses_root, SMALL)
        large = _statements_per_page(app, make_client, courses_root, LARGE, queries)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert large == small
    assert max(small.values()) < 40, small
    learner = {path: queries[f"learner@demo.lms.kz {path}"] for path in LEARNER_PAGES}
    assert all(count <= LEARNER_BUDGET for count in learner.values()), learner


#: The calendar feed: the feed's owner, their assigned courses' standing, and the assignments that set the dates.
FEED_BUDGET = 3


def _feed_statements(app, client, path: str) -> int:
    seen = [0]

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen[0] += 1

    with app.app_context():
        engine = db.engine
    client.get(path)  # warm the compiled statements
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return seen[0]


def test_the_calendar_feed_reads_the_same_statements_whatever_the_number_of_assignments(app, courses_root):  # noqa: F811
    from datetime import timedelta

    from lms.accounts.models import Role
    from lms.assignments.services import NewAssignment, create_assignment
    from lms.courses.models import Course
    from lms.db import utcnow
    from tests import factories
    from tests.calendar.conftest import events, feed_path, make_feed, parse
    from tests.conftest import post_form

    keys = [f"course-{n:02d}" for n in range(12)]
    for key in keys:
        write_course(courses_root / key, course_id=key, quiz=False)
    with app.app_context():
        sync(courses_root)
        agency = factories.agency("A")
        hr = factories.user("hr@example.kz", roles={Role.HR}, agency=agency)
        learner = factories.user("learner@example.kz", agency=agency)

    def assign(some: list[str]) -> None:
        with app.app_context():
            for n, key in enumerate(some):
                course = db.session.scalar(select(Course).where(Course.key == key))
                create_assignment(NewAssignment(course=course, due_at=utcnow() + timedelta(days=30 + n),
                                                target_kind="users", users=(learner,)), actor=hr, now=utcnow())
            db.session.commit()

    owner = app.test_client()
    assert post_form(owner, "/login", {"email": learner.email, "password": factories.PASSWORD}).status_code == 302
    path = feed_path(make_feed(owner))
    fetch = app.test_client()  # a calendar app: no session
    assign(keys[:2])
    few = _feed_statements(app, fetch, path)
    assign(keys[2:])
    many = _feed_statements(app, fetch, path)
    assert len(events(parse(fetch.get(path).data))) == 12
    assert few == many <= FEED_BUDGET, (few, many)
# --- My team: a line manager's pages, with 3 and with 30 reports ---------------------------------------------------

TEAM_PAGES = ("/team/", "/team/?scope=all", "/team/?scope=all&status=overdue", "/team/?course=team-b&q=report",
              "/team/?scope=all&status=not_started",
              "/team/people/{report}", "/team/people/{deep}")
#: Statements of a team page besides SQLite's BEGIN, whatever the size of the team (a page listing nobody skips the
#: two statements that read its people's courses); a person's record adds two for their competency profile.
TEAM_BUDGET = 14


def _build_team(reports: int) -> None:
    """A manager with `reports` direct reports, each with a report of their own, enrolled in three courses in mixed
    states, two assignments by name (one overdue) over all of them, and enrolment requests for team-d (which needs
    approval): each report's waits for the manager, each deep report's was declined by their own manager."""
    from datetime import timedelta

    from lms.approvals import services as approvals
    from lms.db import utcnow
    from tests.reports import builders as b

    now = utcnow()
    start = now - timedelta(days=60)
    agency = b.new_agency("TEAM")
    hr = b.new_user("hr@team.kz", roles={Role.LEARNER, Role.HR}, agency=agency)
    manager = b.new_user("manager@team.kz", agency=agency, full_name="Team Manager")
    people = []
    for n in range(reports):
        report = b.new_user(f"report{n}@team.kz", agency=agency, full_name=f"Report {n:02}", manager_id=manager.id)
        deep = b.new_user(f"deep{n}@team.kz", agency=agency, full_name=f"Deep {n:02}", manager_id=report.id)
        people += [report, deep]
        b.enrol(report, "team-a", at=start, lessons=n % 3, commit=False)
        b.complete(deep, "team-a", at=start, commit=False)
        b.enrol(deep, "team-c", at=start, lessons=1, commit=False)
    b.assign("team-b", by=hr, users=tuple(people), due=now - timedelta(days=3), created=start, commit=False)
    b.assign("team-c", by=hr, users=tuple(people), due=now + timedelta(days=20), created=start, commit=False)
    course = b.course("team-d")
    for person in people:
        request, _made = approvals.request_enrollment(person, course, now=now - timedelta(days=1), days=14)
        if person.email.startswith("deep"):
            approvals.decline_request(request, actor=person.manager, now=now - timedelta(hours=1), reason="Later")
    db.session.commit()


def _team_statements(app, courses_root, reports: int) -> dict[str, int]:  # noqa: F811
    from tests.reports import builders as b

    with app.app_context():
        _wipe()
        sync(courses_root)
        _build_team(reports)
        ids = {"report": b.person("report1@team.kz").id, "deep": b.person("deep2@team.kz").id}
    client = b.signed_in(app, "manager@team.kz")
    with app.app_context():
        engine = db.engine
    counts: dict[str, int] = {}

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen.append(statement)

    for template in TEAM_PAGES:
        path = template.format(**ids)
        client.get(path)  # warm caches
        seen: list[str] = []
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (path, response.status_code)
        counts[template] = len(seen)
    return counts


def test_team_pages_take_the_same_statements_for_3_and_30_reports(app, courses_root):  # noqa: F811
    for key in ("team-a", "team-b", "team-c"):
        write_course(courses_root / key, course_id=key, quiz=key == "team-c")
    write_course(courses_root / "team-d", course_id="team-d", quiz=False, enrollment_approval=True)
    small = _team_statements(app, courses_root, 3)
    large = _team_statements(app, courses_root, 30)
    assert large == small
    assert max(small.values()) <= TEAM_BUDGET, small
def test_a_scorm_lesson_page_stays_within_the_learner_budget(app, courses_root):  # noqa: F811
    """Launching a SCORM lesson (signed links, the learner's attempt to resume) costs one statement more than a
    Markdown lesson's, within the budget, whatever the number of attempts stored."""
    from lms.courses.models import Course
    from lms.db import utcnow
    from lms.scorm.models import ScormAttempt
    from tests import factories
    from tests.scorm.packages import scorm_course

    scorm_course(courses_root / "scorm-course")
    with app.app_context():
        _wipe()
        sync(courses_root)
        learner = factories.user("scorm-budget@example.kz")
        lesson = db.session.scalar(select(Lesson))
        course_id = db.session.scalar(select(Course.id))
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client = app.test_client()
        assert client.post("/login", data={"email": learner.email, "password": factories.PASSWORD}).status_code == 302
        assert client.post("/courses/scorm-course/enroll").status_code == 303
        counts = []
        for others in (0, 50):
            with app.app_context():
                for n in range(others):
                    person = factories.user(f"scorm-other-{n}@example.kz", password=False)
                    db.session.add(ScormAttempt(user_id=person.id, lesson_id=lesson.id, course_id=course_id,
                                                package_sha256=lesson.package["sha256"], version="1.2",
                                                cmi={}, updated_at=utcnow()))
                db.session.commit()
            path = f"/courses/scorm-course/lessons/{lesson.key}"
            client.get(path)
            with app.app_context():
                engine = db.engine
            seen: list[str] = []

            def count(_conn, _cursor, statement, *_args, seen=seen, **_kwargs):
                if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
                    seen.append(statement)

            event.listen(engine, "before_cursor_execute", count)
            try:
                response = client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200
            assert b"scorm-player" in response.data
            counts.append(len(seen))
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert counts[0] == counts[1] <= LEARNER_BUDGET, counts
