"""Fixtures for the programme tests: courses and programmes synced from a folder, a learner."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app

from lms.courses.loader import load_courses
from lms.db import utcnow
from lms.extensions import db
from lms.learning.services import sync_content
from tests.courses.builders import write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture
from tests.programmes.builders import write_programme


def sync_all(root):
    """Load and sync the courses and programmes under `root`, and commit; returns the sync report."""
    result = load_courses(root)
    assert not result.errors, [str(p) for p in result.errors]
    report = sync_content(result.courses, programmes=result.programmes, root=root, now=utcnow(),
                          package_dir=Path(current_app.config["SCORM_DIR"]))
    db.session.commit()
    return report


@pytest.fixture
def programme_root(app, courses_root):  # noqa: F811
    """Two quiz-free courses (plain, other, certificate-giving) and a programme `basics` requiring plain with a
    group "any 1 of other, third" (third gives no certificate is not needed: both give one), synced."""
    for key in ("plain", "other", "third"):
        write_course(courses_root / key, course_id=key, quiz=False, languages=("en", "ru", "kk"))
    write_programme(courses_root, courses=("plain",), groups=[(1, ["other", "third"])], valid_months=24)
    with app.app_context():
        sync_all(courses_root)
    return courses_root
