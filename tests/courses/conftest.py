"""Fixtures for the course tests: a courses folder under tmp_path that the app reads, and a synced course."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.courses.builders import write_course


@pytest.fixture
def courses_root(app, tmp_path) -> Path:
    """An empty courses folder, set as the app's COURSES_DIR for the test (the previous value is restored)."""
    root = tmp_path / "courses"
    root.mkdir()
    previous = app.config["COURSES_DIR"]
    app.config["COURSES_DIR"] = str(root)
    yield root
    app.config["COURSES_DIR"] = previous


@pytest.fixture
def course_dir(courses_root) -> Path:
    """The builder's default course, courses/test-course (not yet synced)."""
    return write_course(courses_root / "test-course")
