"""The quiz's `pretest` option in `lms courses check`: a valid one loads; a bad one is reported at its path:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.loader import load_courses
from tests.courses.builders import line_of, replace_in, write_course
from tests.courses.test_check import assert_error


@pytest.fixture
def root(tmp_path) -> Path:
    folder = tmp_path / "courses"
    write_course(folder / "test-course")
    return folder


def _with_pretest(root: Path, value: str) -> Path:
    quiz = root / "test-course" / "quiz.yml"
    replace_in(quiz, "questions:\n", f"pretest:\n  questions: {value}\nquestions:\n")
    return quiz


def test_a_pretest_within_the_pool_loads(root):
    _with_pretest(root, "3")
    result = load_courses(root)
    assert result.problems == []
    assert result.courses[0].quiz.pretest_questions == 3


def test_a_pretest_larger_than_the_pool_is_reported_at_its_line(runner, root):
    quiz = _with_pretest(root, "9")
    assert_error(runner, root, quiz, line_of(quiz, "  questions: 9"),
                 "pretest questions 9 is more than the 5 questions")


def test_a_pretest_of_zero_questions_is_reported(runner, root):
    quiz = _with_pretest(root, "0")
    assert_error(runner, root, quiz, line_of(quiz, "  questions: 0"), "greater than or equal to 1")
