"""Demo pre-tests (lms.demo.pretests): `lms demo-data` fills pre-tests for the courses that ask for one, so the
learning-gain report has figures; the demo learner is left out, to try the offer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.extensions import db
from lms.pretests.models import PretestAttempt, PretestStatus
from lms.quizzes.models import QuizAttempt
from lms.reports.filters import ReportFilters
from lms.reports.gain import build_gain_report
from lms.reports.tree import AgencyTree
from tests.courses.builders import replace_in, write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync


@pytest.fixture
def pretest_courses(app, courses_root):  # noqa: F811 - the imported fixture
    """The demo team's courses (lms.demo.team), the first with a pre-test; and the same for the national data."""
    for key in ("ai-foundations", "generative-ai-at-work", "data-protection-and-ai"):
        write_course(courses_root / key, course_id=key, quiz=key != "data-protection-and-ai")
    replace_in(courses_root / "ai-foundations" / "quiz.yml", "questions:\n", "pretest: {questions: 3}\nquestions:\n")
    with app.app_context():
        sync(courses_root)


def test_the_small_demo_gives_the_team_pretests_with_a_gain(app, runner, pretest_courses):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PretestAttempt)) > 0
        report = build_gain_report(ReportFilters(), AgencyTree.load())
        assert report.total.n >= 1 and report.total.gain > 0


def test_the_national_demo_fills_the_gain_and_never_pairs_a_pretest_after_the_quiz(app, runner, pretest_courses):
    result = runner.invoke(args=["demo-data", "--learners", "200", "--agencies", "10", "--today", "2026-03-01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statuses = dict(db.session.execute(select(PretestAttempt.status, func.count())
                                           .group_by(PretestAttempt.status)).all())
        assert statuses[PretestStatus.SUBMITTED] > statuses.get(PretestStatus.SKIPPED, 0) > 0
        report = build_gain_report(ReportFilters(), AgencyTree.load())
        assert report.total.n > 10
        assert report.total.pre < report.total.post
        first_quiz = (select(QuizAttempt.user_id, QuizAttempt.course_id,
                             func.min(QuizAttempt.started_at).label("at"))
                      .group_by(QuizAttempt.user_id, QuizAttempt.course_id).subquery())
        late = db.session.scalar(select(func.count()).select_from(PretestAttempt).join(
            first_quiz, (first_quiz.c.user_id == PretestAttempt.user_id)
            & (first_quiz.c.course_id == PretestAttempt.course_id)).where(
            PretestAttempt.submitted_at > first_quiz.c.at))
        assert late == 0


def test_the_demo_learner_is_offered_the_pretest_rather_than_given_one(app, runner, pretest_courses):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        learner = db.session.scalar(select(User.id).where(User.email == "learner@demo.lms.kz"))
        assert db.session.scalar(select(PretestAttempt.id).where(PretestAttempt.user_id == learner)) is None
