"""A changed quiz gets a new version; past attempts keep the version and pass mark they were graded against."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import Course, QuizVersion
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.quizzes import services
from lms.quizzes.models import QuizAttempt
from tests import factories
from tests.courses.builders import write_course
from tests.learning.conftest import courses_root, quiz_course_key, sync  # noqa: F401 - fixtures


def test_past_attempts_keep_their_quiz_version_and_pass_mark(app, ctx, courses_root, quiz_course_key):  # noqa: F811
    user = factories.user("learner@example.kz")
    course = db.session.scalar(select(Course))
    learning.enroll(user, course, now=utcnow())
    attempt = services.start_attempt(user, course, now=utcnow(), language="en")
    services.submit_attempt(attempt, {}, now=utcnow())
    db.session.commit()
    old_version_id, old_pass_mark = attempt.quiz_version_id, attempt.pass_mark

    write_course(courses_root / "with-quiz", course_id="with-quiz", quiz=True, pass_mark=90)
    sync(courses_root)

    versions = db.session.scalars(select(QuizVersion).order_by(QuizVersion.id)).all()
    assert len(versions) == 2
    assert [v.is_current for v in versions] == [False, True]
    db.session.expire_all()
    kept = db.session.get(QuizAttempt, attempt.id)
    assert (kept.quiz_version_id, kept.pass_mark) == (old_version_id, old_pass_mark)
    assert kept.quiz_version.pass_mark == old_pass_mark
    assert services.questions_by_id(kept)  # still gradable and reviewable against its own questions


def test_a_new_attempt_after_the_change_uses_the_new_version(app, ctx, courses_root, quiz_course_key):  # noqa: F811
    user = factories.user("learner@example.kz")
    course = db.session.scalar(select(Course))
    learning.enroll(user, course, now=utcnow())
    services.submit_attempt(services.start_attempt(user, course, now=utcnow(), language="en"), {}, now=utcnow())
    db.session.commit()
    write_course(courses_root / "with-quiz", course_id="with-quiz", quiz=True, pass_mark=90)
    sync(courses_root)
    second = services.start_attempt(user, course, now=utcnow(), language="en")
    assert second.pass_mark == 90
    assert second.quiz_version.is_current
