"""Fixtures for the learning tests: a synced course (without or with a final quiz) and an enrolled learner."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app

from lms.courses.loader import load_courses
from lms.courses.services import sync_courses
from lms.db import utcnow
from lms.extensions import db
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below


def sync(root) -> None:
    """Load and sync the courses under `root` (inside an app context), and commit."""
    result = load_courses(root)
    assert not result.errors, [str(p) for p in result.errors]
    sync_courses(result.courses, root=root, now=utcnow(), package_dir=Path(current_app.config["SCORM_DIR"]),
                 framework=result.framework)
    db.session.commit()


@pytest.fixture
def course_key(app, courses_root):  # noqa: F811 - the imported fixture
    """A synced course with three lessons (intro, data-basics, wrap-up) and no final quiz."""
    write_course(courses_root / "plain", course_id="plain", quiz=False)
    with app.app_context():
        sync(courses_root)
    return "plain"


@pytest.fixture
def quiz_course_key(app, courses_root):  # noqa: F811
    """A synced course with three lessons and a final quiz."""
    write_course(courses_root / "with-quiz", course_id="with-quiz", quiz=True)
    with app.app_context():
        sync(courses_root)
    return "with-quiz"


@pytest.fixture
def test_request(app):
    """A request context with the public base URL, as `lms reminders send` uses for links in emails."""
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        yield
