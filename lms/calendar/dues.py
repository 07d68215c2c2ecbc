"""The due dates a person's calendar shows: one per open assigned course, as My learning lists them (recurring
training with the person's own due date), each with an identity that stays the same while the date does.
Request-free; reads only (two statements, whatever the number of courses).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lms.accounts.models import User
from lms.assignments.services import list_assigned_courses, list_earliest_assignments
from lms.courses.models import Course

#: Fixed for good: the UIDs of every calendar entry ever handed out are made from it, so changing it would make every
#: subscribed or imported entry appear twice.
UID_NAMESPACE = uuid.UUID("6f1c0d3e-5b8a-4c2f-9e71-2d4a8b6c0f53")


@dataclass(frozen=True)
class DueDate:
    """One open assigned course and the day it is due by."""

    #: Stable per (assignment, person, due day): a later fetch or a second download replaces the entry instead of
    #: adding another, and a new due day (the next period of recurring training) is a new entry.
    uid: str
    course: Course
    #: The due day in the platform's time zone (a due date means "by the end of that day").
    day: date
    #: When what the entry says was last decided: the assignment was made, or the completion that the next period
    #: of recurring training is counted from. Stable, so an unchanged feed is byte for byte the same.
    stamp: datetime


def entry_uid(assignment_id: int, user_id: int, day: date) -> str:
    """The calendar UID of one due day of one assignment for one person: a name-based UUID (RFC 4122 version 5),
    which reveals neither the person nor the assignment."""
    return str(uuid.uuid5(UID_NAMESPACE, f"assignment/{assignment_id}/user/{user_id}/due/{day.isoformat()}"))


def list_due_dates(user: User, *, now: datetime, timezone: str, course_id: int | None = None) -> list[DueDate]:
    """The due dates of `user`'s open assigned courses (only `course_id`, when given), earliest first: courses not
    completed, or recurring training due again. Completed courses are left out."""
    zone = ZoneInfo(timezone)
    assigned = [item for item in list_assigned_courses(user, now=now, course_id=course_id) if item.completed_at is None]
    if not assigned:
        return []
    deciding = list_earliest_assignments(user, course_id=course_id)
    dues = []
    for item in assigned:
        assignment = deciding.get(item.course.id)
        if assignment is None:  # cancelled between the two reads
            continue
        day = item.due_at.astimezone(zone).date()
        stamp = max(assignment.created_at, item.last_completed_at) if item.last_completed_at \
            else assignment.created_at
        dues.append(DueDate(uid=entry_uid(assignment.id, user.id, day), course=item.course, day=day, stamp=stamp))
    return dues
