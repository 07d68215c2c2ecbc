"""Fixtures for the competency tests: a framework and a course with a final quiz whose course and first question
name competencies, synced; and a helper that takes the quiz through the outcome use case."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.assignments.outcome import record_course_outcome
from lms.courses.models import Course
from lms.extensions import db
from lms.learning.services import enroll
from lms.questions import right_answer
from lms.quizzes import services as quizzes
from tests.courses.builders import tag_course, write_course, write_framework
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync

KEY = "tagged"


@pytest.fixture
def tagged_course(app, courses_root):  # noqa: F811 - the imported fixture
    """Course `tagged`: passing its quiz evidences ai-concepts at level 1; its q-single question risk at level 2."""
    write_framework(courses_root)
    directory = write_course(courses_root / KEY, course_id=KEY)
    tag_course(directory, [("ai-concepts", 1)])
    quiz = directory / "quiz.yml"
    quiz.write_text(quiz.read_text().replace("  - id: q-single\n", "  - id: q-single\n"
                                             "    competencies: [{id: risk, level: 2}]\n"), encoding="utf-8")
    with app.app_context():
        sync(courses_root)
    return KEY


def take_quiz(user, *, at: datetime, right: bool = True, enrol: bool = True) -> None:
    """Enrol `user` in the tagged course (when `enrol`), do every lesson, answer its quiz all right (or leave it
    unanswered) and record the outcome, as the quiz page does. Flush only."""
    course = db.session.scalar(select(Course).where(Course.key == KEY))
    if enrol:
        enroll(user, course, now=at - timedelta(days=1))
        for lesson in course.lessons:
            record_course_outcome(user, course, now=at - timedelta(hours=1), language="en", lesson=lesson)
    attempt = quizzes.start_attempt(user, course, now=at, language="en")
    questions = quizzes.questions_by_id(attempt)
    answers = {qid: answer for qid in attempt.layout["questions"]
               if right and (answer := right_answer(questions[qid])) is not None}
    quizzes.submit_attempt(attempt, answers, now=at + timedelta(minutes=5))
    record_course_outcome(user, course, now=at + timedelta(minutes=5), language="en")
