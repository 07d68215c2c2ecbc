"""Assigning a programme: one assignment per required course of the programme, made together (a shared
`programme_batch`), so that enrolment, reminders, overdue and My learning due dates work as for any assigned course;
the programme's "any N of these" courses are the learner's choice and are not assigned. Request-free; flush only."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.assignments.models import Assignment
from lms.assignments.services import (
    AssignmentError,
    NewAssignment,
    _applies_params,
    _applies_to,
    cancel_assignment,
    create_assignment,
)
from lms.courses.models import Course, Programme
from lms.extensions import db
from lms.timeutil import aware


@dataclass(frozen=True)
class NewProgrammeAssignment:
    """Input for assign_programme: the programme and the same target, due date and recurrence as a course's."""

    programme: Programme
    assignment: NewAssignment  # its `course` is ignored: each required course of the programme is assigned


def assign_programme(data: NewProgrammeAssignment, *, actor: User, now: datetime) -> list[Assignment]:
    """Assign every live required course of the programme to the target (assignments.services.create_assignment for
    each, with its checks, enrolment and notices); return the assignments. Raises AssignmentError for a retired
    programme, one without a live required course, or any reason create_assignment refuses. Flush only."""
    if data.programme.is_retired:
        raise AssignmentError(_l("This programme is no longer offered."))
    keys = data.programme.structure.get("courses", [])
    found = {c.key: c for c in db.session.scalars(select(Course).where(Course.key.in_(keys),
                                                                        Course.is_retired.is_(False)))}
    courses = [found[key] for key in keys if key in found]
    if not courses:
        raise AssignmentError(_l("This programme has no required course to assign."))
    batch = secrets.token_hex(16)
    made = []
    for course in courses:
        assignment = create_assignment(replace(data.assignment, course=course), actor=actor, now=now)
        assignment.programme_id, assignment.programme_batch = data.programme.id, batch
        made.append(assignment)
    db.session.flush()
    return made


def cancel_with_programme(assignment: Assignment, *, now: datetime) -> list[Assignment]:
    """Cancel an assignment, and with it the other assignments of the same programme assignment; return them."""
    rows = [assignment]
    if assignment.programme_batch:
        rows = list(db.session.scalars(select(Assignment).where(
            Assignment.programme_batch == assignment.programme_batch, Assignment.cancelled_at.is_(None))))
    for row in rows:
        cancel_assignment(row, now=now)
    return rows


@functools.cache
def _assigned_programmes_query():
    return (select(Assignment.programme_id, func.min(Assignment.due_at))
            .where(Assignment.programme_id.is_not(None), Assignment.cancelled_at.is_(None), _applies_to())
            .group_by(Assignment.programme_id))


def list_assigned_programmes(user: User) -> dict[int, datetime]:
    """The programmes assigned to `user`: programme id -> the earliest due date. One statement."""
    rows = db.session.execute(_assigned_programmes_query(), _applies_params(user))
    return {programme_id: aware(due) for programme_id, due in rows}


