"""Fixtures for the evaluation tests: synced courses (one with its own questionnaire), people in a small agency tree,
and helpers that complete a course and record answers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.courses.models import Course
from lms.db import utcnow
from lms.evaluations import services
from lms.extensions import db
from lms.learning import standing
from lms.learning.models import CourseCompletion, Enrollment, EnrollmentSource
from tests import factories
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import sync

PLAIN = "plain"  # default questions
OWN = "own-questions"  # its own questionnaire, no comment

OWN_EVALUATION = """evaluation:
  questions:
    - id: pace
      text: {en: "The pace suited me", ru: "Темп мне подошёл"}
    - id: examples
      text: {en: "The examples fitted my work", ru: "Примеры подходили к моей работе"}
  comment: false
"""


@pytest.fixture
def evaluation_courses(app, courses_root):  # noqa: F811 - the imported fixture
    """Two synced courses without a quiz: PLAIN (the default questions) and OWN (its own two, no comment)."""
    write_course(courses_root / PLAIN, course_id=PLAIN, quiz=False)
    own = write_course(courses_root / OWN, course_id=OWN, quiz=False)
    with (own / "course.yml").open("a", encoding="utf-8") as fh:
        fh.write(OWN_EVALUATION)
    with app.app_context():
        sync(courses_root)
    return PLAIN, OWN


@dataclass(frozen=True)
class People:
    """Emails of the people of the tests."""

    learner: str = "learner@example.kz"  # in C
    other: str = "other@example.kz"  # in C, has not completed anything
    hr: str = "hr@example.kz"  # HR officer of P (C is below it)
    hr_other: str = "hr-other@example.kz"  # HR officer of U
    author: str = "author@example.kz"
    admin: str = "admin@example.kz"


@pytest.fixture
def people(app) -> People:
    """Agency P with child C and an unrelated U; a learner and another learner in C, HR officers of P and U, an
    author and an admin."""
    names = People()
    with app.app_context():
        p = factories.agency("P")
        c = factories.agency("C", parent=p)
        u = factories.agency("U")
        factories.user(names.learner, agency=c, full_name="Lena Learner")
        factories.user(names.other, agency=c, full_name="Oleg Other")
        factories.user(names.hr, roles={Role.LEARNER, Role.HR}, agency=p, full_name="Hanna HR")
        factories.user(names.hr_other, roles={Role.LEARNER, Role.HR}, agency=u, full_name="Umar Other-HR")
        factories.user(names.author, roles={Role.LEARNER, Role.AUTHOR}, agency=c, full_name="Aigul Author")
        factories.user(names.admin, roles={Role.ADMIN}, full_name="Ada Admin")
    return names


def get_user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def get_course(key: str) -> Course:
    return db.session.scalar(select(Course).where(Course.key == key))


def complete(user: User, course: Course) -> None:
    """Enrol `user` in `course` and record it as completed now (inside an app context; commits)."""
    if db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                  Enrollment.course_id == course.id)) is None:
        db.session.add(Enrollment(user_id=user.id, course_id=course.id, source=EnrollmentSource.SELF,
                                  enrolled_at=utcnow()))
        db.session.flush()
    now = utcnow()
    db.session.add(CourseCompletion(user_id=user.id, course_id=course.id, completed_at=now,
                                    course_version=course.version, language="en"))
    standing.set_completed(user.id, course.id, at=now, language="en")
    db.session.commit()


def respondents(course: Course, agency, count: int, *, score: int = 4, comment: str | None = None,
                now=None) -> list[User]:
    """`count` new learners of `agency` who completed `course` and answered every question with `score` (and
    `comment`, when the course asks for one); commits."""
    made = []
    for _ in range(count):
        person = factories.user(agency=agency)
        complete(person, course)
        keys = services.questionnaire_of(course).keys
        services.submit_evaluation(person, course, dict.fromkeys(keys, score), comment, now=now or utcnow())
        db.session.commit()
        made.append(person)
    return made
