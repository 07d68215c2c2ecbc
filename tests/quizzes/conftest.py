"""Fixtures for the quiz tests: synced courses (the builder's quiz, with settings of the test's choosing)."""

from __future__ import annotations

import pytest

from tests.courses.builders import quiz_text, write_course
from tests.courses.conftest import courses_root  # noqa: F401 - fixture used below
from tests.learning.conftest import course_key, quiz_course_key, sync  # noqa: F401 - fixtures for the tests


def quiz_with_settings(settings: dict | None = None, *, pass_mark: int = 70) -> str:
    """The builder's quiz.yml (five questions, max_attempts 3) with its settings replaced or extended.

    `settings` maps quiz.yml keys to values; a value of None removes the key (e.g. {"max_attempts": None}).
    """
    merged = {"max_attempts": 3, **(settings or {})}
    header, questions = quiz_text(pass_mark=pass_mark).split("questions:\n", 1)
    lines = [line for line in header.splitlines() if not line.startswith("max_attempts:")]
    for key, value in merged.items():
        if value is not None:
            lines.append(f"{key}: {str(value).lower() if isinstance(value, bool) else value}")
    return "\n".join(lines) + "\nquestions:\n" + questions


@pytest.fixture
def make_quiz_course(app, courses_root):  # noqa: F811 - the imported fixture
    """Write and sync a course with a final quiz; return its key.

    make_quiz_course({"time_limit_minutes": 10}) edits the builder's quiz settings; quiz_yml= replaces the whole
    quiz.yml. Call it before the test opens a transaction of its own.
    """

    def _make(settings: dict | None = None, *, quiz_yml: str | None = None, key: str = "with-quiz",
              pass_mark: int = 70) -> str:
        directory = write_course(courses_root / key, course_id=key, quiz=True, pass_mark=pass_mark)
        text = quiz_yml if quiz_yml is not None else quiz_with_settings(settings, pass_mark=pass_mark)
        (directory / "quiz.yml").write_text(text, encoding="utf-8")
        with app.app_context():
            sync(courses_root)
        return key

    return _make
