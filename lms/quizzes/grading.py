"""Grading an attempt: each answer by its question type (lms.questions.grade), then the total and the pass mark.

Pure functions: no Flask, no database.
"""

from __future__ import annotations

from lms.questions import grade
from lms.questions.base import Graded

__all__ = ["Graded", "grade", "passed", "percent"]


def percent(points_earned: float, points_possible: float) -> float:
    """Points earned as a percentage of the points possible, rounded to 2 decimals (0.0 when nothing was possible)."""
    if points_possible <= 0:
        return 0.0
    return round(points_earned * 100 / points_possible, 2)


def passed(percent: float, pass_mark: float) -> bool:
    """Whether a percentage reaches the pass mark (the pass mark itself passes)."""
    return percent >= pass_mark
