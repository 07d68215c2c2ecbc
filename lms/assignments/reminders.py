"""Due-date reminders for learners and overdue digests for HR officers, queued in the outbox, each at most once."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts.models import Role, User, UserRole
from lms.agencies import services as agencies
from lms.assignments.models import Assignment, ReminderSent, ReminderStage
from lms.assignments.services import assignment_status, list_assignees
from lms.db import insert_if_absent
from lms.extensions import db
from lms.learning.models import CourseCompletion
from lms.mail.services import queue_email
from lms.timeutil import aware

#: Reminder stages by days left (upper bound inclusive): 30 days, 7 days, 1 day before the due date.
STAGES = ((1, ReminderStage.DAYS_1), (7, ReminderStage.DAYS_7), (30, ReminderStage.DAYS_30))


def stage_for(due_at: datetime, now: datetime) -> ReminderStage | None:
    """The reminder stage a due date is in at `now`: "overdue", "1", "7", "30", or None (more than 30 days)."""
    if now > due_at:
        return ReminderStage.OVERDUE
    days_left = math.ceil((due_at - now).total_seconds() / 86400)
    for limit, stage in STAGES:
        if days_left <= limit:
            return stage
    return None


def send_reminders(*, now: datetime, default_locale: str) -> dict[str, int]:
    """Queue the reminders due at `now` (each (assignment, learner, stage) once) and one overdue digest per HR
    officer for the learners who became overdue. Deactivated users get nothing. Returns counts; flushes only."""
    counts = {"reminders": 0, "digests": 0}
    newly_overdue: list[tuple[User, Assignment, datetime]] = []
    assignments = db.session.scalars(select(Assignment).where(Assignment.cancelled_at.is_(None))).all()
    for assignment in assignments:
        if assignment.course.is_retired:
            continue
        assignees = list_assignees(assignment)
        latest = dict(db.session.execute(
            select(CourseCompletion.user_id, func.max(CourseCompletion.completed_at))
            .where(CourseCompletion.course_id == assignment.course_id,
                   CourseCompletion.user_id.in_([user.id for user in assignees]))
            .group_by(CourseCompletion.user_id)).all())
        for user in assignees:
            # Each learner's own due date: recurring training is due again a period after their last completion.
            status = assignment_status(assignment, aware(latest.get(user.id)), now)
            if status.completed_at is not None:
                continue
            stage = stage_for(status.due_at, now)
            if stage is None:
                continue
            if not insert_if_absent(db.session, ReminderSent, {
                "assignment_id": assignment.id, "user_id": user.id, "sent_at": now,
                "stage": f"{stage}@{status.due_at.date().isoformat()}",
            }, unique=["assignment_id", "user_id", "stage"]):
                continue
            _queue_reminder(user, assignment, stage, due_at=status.due_at, now=now, default_locale=default_locale)
            counts["reminders"] += 1
            if stage == ReminderStage.OVERDUE:
                newly_overdue.append((user, assignment, status.due_at))
    counts["digests"] = _queue_digests(newly_overdue, default_locale=default_locale)
    return counts


def _queue_reminder(user: User, assignment: Assignment, stage: str, *, due_at: datetime, now: datetime,
                    default_locale: str) -> None:
    locale = user.locale or default_locale
    with force_locale(locale):
        title = assignment.course.title_in(locale)
        subject = (_("Overdue: %(title)s", title=title) if stage == ReminderStage.OVERDUE
                   else _("Reminder: %(title)s is due soon", title=title))
        days_left = max(math.ceil((due_at - now).total_seconds() / 86400), 0)
        body = render_template("mail/reminder.txt", user=user, assignment=assignment, title=title, stage=stage,
                               days=days_left, due_at=due_at)
    queue_email(user.email, subject, body)


def _hr_officers_for(agency_id: int) -> list[User]:
    chain = [agency_id]
    agency = db.session.get(agencies.Agency, agency_id)
    if agency is not None:
        chain += [a.id for a in agencies.list_ancestors(agency)]
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.HR.value, User.is_active.is_(True), User.agency_id.in_(chain))
    ))


def _queue_digests(overdue: list[tuple[User, Assignment, datetime]], *, default_locale: str) -> int:
    by_officer: dict[int, list[tuple[User, Assignment, datetime]]] = defaultdict(list)
    officers: dict[int, User] = {}
    for learner, assignment, due_at in overdue:
        if learner.agency_id is None:
            continue
        for officer in _hr_officers_for(learner.agency_id):
            if officer.id != learner.id:
                officers[officer.id] = officer
                by_officer[officer.id].append((learner, assignment, due_at))
    for officer_id, rows in by_officer.items():
        officer = officers[officer_id]
        locale = officer.locale or default_locale
        with force_locale(locale):
            subject = _("Overdue mandatory training in your agencies")
            body = render_template("mail/overdue_digest.txt", officer=officer, rows=rows, locale=locale)
        queue_email(officer.email, subject, body)
    return len(by_officer)
