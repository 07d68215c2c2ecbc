"""Fixtures for the assignment tests: the learning tests' synced courses and request context."""

from __future__ import annotations

from tests.courses.conftest import courses_root  # noqa: F401 - fixture used by the ones below
from tests.learning.conftest import course_key, quiz_course_key, test_request  # noqa: F401 - fixtures for the tests
