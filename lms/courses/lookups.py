"""Course lookups for the views of every package that takes a course key in its URL: the object, or a 404."""

from __future__ import annotations

from flask import abort

from lms.courses import services
from lms.courses.models import Course


def live_course_or_404(key: str) -> Course:
    """The live course with this key; a 404 when there is none (retired, never synced, or a mistyped key)."""
    course = services.get_live_course(key)
    if course is None:
        abort(404)
    return course
