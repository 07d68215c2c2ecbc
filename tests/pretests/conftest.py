"""Fixtures for the pre-test tests: the quiz tests' synced courses, with a pre-test asked for in quiz.yml."""

from __future__ import annotations

from tests.courses.conftest import courses_root  # noqa: F401 - fixture for the tests
from tests.learning.conftest import course_key, quiz_course_key, sync  # noqa: F401 - fixtures for the tests
from tests.quizzes.conftest import make_quiz_course  # noqa: F401 - fixture for the tests
