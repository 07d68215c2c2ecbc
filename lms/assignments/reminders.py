"""Due-date reminders for learners (published as notices, delivered by lms.notifications in the app and/or by e-mail),
and overdue digests for HR officers and line managers, queued in the outbox; each at most once."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import events
from lms.accounts.models import Role, User, UserRole
from lms.agencies import services as agencies
from lms.assignments.models import Assignment, ReminderSent, ReminderStage
from lms.assignments.services import assignment_status, list_assignees
from lms.db import insert_if_absent
from lms.events import Notice
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
    """Publish the reminders due at `now` (each (assignment, learner, stage) once) as notices ("due_soon", and
    "overdue", which is mandatory), and queue one overdue digest per HR officer or line manager for the learners
    who became overdue. Deactivated users get nothing. Returns counts; flushes only."""
    counts = {"reminders": 0, "digests": 0}
    newly_overdue: list[tuple[User, Assignment, datetime]] = []
    due: dict[tuple[int, str, datetime], list[int]] = defaultdict(list)
    assignments = db.session.scalars(select(Assignment).where(Assignment.cancelled_at.is_(None))).all()
    for assignment in assignments:
        if assignment.course.is_retired:
            continue
        assignees = list_assignees(assignment)
        latest = _latest_completions(assignment.course_id, [user.id for user in assignees])
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
            due[(assignment.id, stage, status.due_at)].append(user.id)
            counts["reminders"] += 1
            if stage == ReminderStage.OVERDUE:
                newly_overdue.append((user, assignment, status.due_at))
    courses = {assignment.id: assignment.course_id for assignment in assignments}
    for (assignment_id, stage, due_at), user_ids in due.items():
        _publish_reminder(assignment_id, courses[assignment_id], stage, user_ids, due_at=due_at, now=now)
    counts["digests"] = _queue_digests(newly_overdue, default_locale=default_locale)
    return counts


#: Learner ids per IN list: PostgreSQL takes at most 65,535 parameters in one statement, a national assignment more.
ID_CHUNK = 5000


def _latest_completions(course_id: int, user_ids: list[int]) -> dict[int, datetime]:
    latest: dict[int, datetime] = {}
    for start in range(0, len(user_ids), ID_CHUNK):
        latest.update(db.session.execute(
            select(CourseCompletion.user_id, func.max(CourseCompletion.completed_at))
            .where(CourseCompletion.course_id == course_id,
                   CourseCompletion.user_id.in_(user_ids[start:start + ID_CHUNK]))
            .group_by(CourseCompletion.user_id)).all())
    return latest


def _publish_reminder(assignment_id: int, course_id: int, stage: str, user_ids: list[int], *, due_at: datetime,
                      now: datetime) -> None:
    overdue = stage == ReminderStage.OVERDUE
    params = {"due_at": due_at.isoformat(), "assignment_id": assignment_id}
    if not overdue:
        params["days"] = max(math.ceil((due_at - now).total_seconds() / 86400), 0)
    events.publish(events.NOTICE, Notice(
        kind="overdue" if overdue else "due_soon", recipient_ids=tuple(user_ids), at=now, course_id=course_id,
        params=params, key=f"assignment:{assignment_id}:{stage}@{due_at.date().isoformat()}", mandatory=overdue))


#: Why a digest recipient hears of a learner: as an HR officer of the learner's agency, or as their line manager.
AGENCY, TEAM = "agency", "team"


def _hr_officers_for(agency_id: int) -> list[User]:
    chain = [agency_id]
    agency = db.session.get(agencies.Agency, agency_id)
    if agency is not None:
        chain += [a.id for a in agencies.list_ancestors(agency)]
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.HR.value, User.is_active.is_(True), User.agency_id.in_(chain))
    ))


def _digest_recipients(learner: User, officers_by_agency: dict[int, list[User]]) -> list[tuple[User, str]]:
    """Whom to tell that `learner` is overdue: the HR officers of their agency and above, and their line manager
    (when active); never the learner themselves."""
    found: list[tuple[User, str]] = []
    if learner.agency_id is not None:
        if learner.agency_id not in officers_by_agency:
            officers_by_agency[learner.agency_id] = _hr_officers_for(learner.agency_id)
        found += [(officer, AGENCY) for officer in officers_by_agency[learner.agency_id]]
    manager = learner.manager if learner.manager_id is not None else None
    if manager is not None and manager.is_active:
        found.append((manager, TEAM))
    return [(person, why) for person, why in found if person.id != learner.id]


def _queue_digests(overdue: list[tuple[User, Assignment, datetime]], *, default_locale: str) -> int:
    """One digest per recipient for this run: each overdue learner once in it, however the recipient relates."""
    rows: dict[int, dict[tuple[int, int], tuple[User, Assignment, datetime]]] = defaultdict(dict)
    why: dict[int, set[str]] = defaultdict(set)
    people: dict[int, User] = {}
    officers_by_agency: dict[int, list[User]] = {}
    for learner, assignment, due_at in overdue:
        for person, relation in _digest_recipients(learner, officers_by_agency):
            people[person.id] = person
            why[person.id].add(relation)
            rows[person.id][(learner.id, assignment.id)] = (learner, assignment, due_at)
    for person_id, listed in rows.items():
        person = people[person_id]
        locale = person.locale or default_locale
        scope = why[person_id].pop() if len(why[person_id]) == 1 else "both"
        with force_locale(locale):
            if scope == TEAM:
                subject = _("Overdue mandatory training in your team")
            elif scope == AGENCY:
                subject = _("Overdue mandatory training in your agencies")
            else:
                subject = _("Overdue mandatory training in your agencies and your team")
            body = render_template("mail/overdue_digest.txt", officer=person, rows=list(listed.values()),
                                   locale=locale, scope=scope)
        queue_email(person.email, subject, body)
    return len(rows)
