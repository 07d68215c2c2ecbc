"""Fixtures for the My team tests: three synced courses and a small organisation with a line manager's team.

Who reports to whom (times are relative to when the test runs: "My team" reads the real clock):

    boss (ROOT, no role but learner)
      lead     Laura Lead, MID      alpha in progress (1 of 3 lessons); gamma: a failed then a passed quiz attempt,
               |                    completed with its certificate
               +-- deep   Dana Deep, MID      beta assigned by name, overdue (enrolled by the assignment)
               +-- deep-gone (deactivated)
      done     Әсел Құрманғазықызы, ROOT   alpha completed, certificate expiring in 10 days
      late     Yerlan Late, ROOT    beta assigned by name, overdue, not started
      gone     (deactivated)
    outsider   Olga Outsider, OTHER: nobody's report
    hr-root    HR officer of ROOT; admin
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.accounts.models import Role
from lms.assignments.outcome import record_course_outcome
from lms.db import utcnow
from lms.extensions import db
from lms.questions import right_answer
from lms.quizzes import services as quizzes
from lms.timeutil import add_months
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync
from tests.reports import builders as b


@pytest.fixture
def team_courses(app, courses_root):  # noqa: F811 - the imported fixture
    """alpha (three lessons, a certificate valid 12 months), beta (no certificate) and gamma (a final quiz)."""
    alpha = write_course(courses_root / "alpha", course_id="alpha", quiz=False,
                         title={"en": "Alpha course", "ru": "Курс Альфа"})
    manifest = alpha / "course.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "certificate: true", "certificate: true\ncertificate_valid_months: 12"), encoding="utf-8")
    beta = write_course(courses_root / "beta", course_id="beta", quiz=False, title={"en": "Beta course"})
    manifest = beta / "course.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("certificate: true", "certificate: false"),
                        encoding="utf-8")
    write_course(courses_root / "gamma", course_id="gamma", quiz=True, title={"en": "Gamma course"})
    with app.app_context():
        sync(courses_root)
    return ("alpha", "beta", "gamma")


def take_quiz(user, key: str, *, right: bool, at) -> None:
    """Start and submit an attempt at the course's final quiz (all answers right, or none given); flush only."""
    course = b.course(key)
    attempt = quizzes.start_attempt(user, course, now=at, language="en")
    questions = quizzes.questions_by_id(attempt)
    answers = {qid: right_answer(questions[qid]) for qid in attempt.layout["questions"]} if right else {}
    quizzes.submit_attempt(attempt, answers, now=at + timedelta(minutes=5))


def build_team(now) -> None:
    """Create the organisation above (inside an app context) and commit."""
    start = now - timedelta(days=90)
    root = b.new_agency("ROOT")
    mid = b.new_agency("MID", parent=root)
    other = b.new_agency("OTHER")
    hr = b.new_user("hr-root@example.kz", roles={Role.LEARNER, Role.HR}, agency=root, full_name="Root HR")
    b.new_user("admin@example.kz", roles={Role.ADMIN}, full_name="Admin")
    boss = b.new_user("boss@example.kz", agency=root, full_name="Bolat Boss", position="Head of department")
    lead = b.new_user("lead@example.kz", agency=mid, full_name="Laura Lead", position="Team lead", manager_id=boss.id)
    deep = b.new_user("deep@example.kz", agency=mid, full_name="Dana Deep", position="Analyst", manager_id=lead.id)
    b.new_user("deep-gone@example.kz", agency=mid, full_name="Gone Deep", manager_id=lead.id, is_active=False)
    done = b.new_user("done@example.kz", agency=root, full_name="Әсел Құрманғазықызы", position="Analyst",
                      manager_id=boss.id)
    late = b.new_user("late@example.kz", agency=root, full_name="Yerlan Late", manager_id=boss.id)
    b.new_user("gone@example.kz", agency=root, full_name="Gone Direct", manager_id=boss.id, is_active=False)
    b.new_user("outsider@example.kz", agency=other, full_name="Olga Outsider")

    finished = add_months(now, -12) + timedelta(days=10)  # the certificate expires 10 days from now
    b.complete(done, "alpha", at=finished - timedelta(days=5), done_at=finished, commit=False)
    b.enrol(lead, "alpha", at=start, lessons=1, commit=False)
    b.assign("beta", by=hr, users=(late, deep), due=now - timedelta(days=5), created=start, commit=False)
    b.enrol(lead, "gamma", at=start, commit=False)
    take_quiz(lead, "gamma", right=False, at=start + timedelta(days=2))
    take_quiz(lead, "gamma", right=True, at=start + timedelta(days=3))
    for lesson in b.course("gamma").lessons:  # the last lesson completes the course and issues its certificate
        record_course_outcome(lead, b.course("gamma"), now=start + timedelta(days=4), language="en", lesson=lesson)
    db.session.commit()


@pytest.fixture
def team(app, team_courses):
    """The organisation above; returns when it was built (the clock the times are relative to)."""
    now = utcnow()
    with app.app_context():
        build_team(now)
    return now
