"""Demo programme data (lms.demo.accounts): the ministry's HR officer assigns "AI basics for every civil servant" to
three of the demo team by name; one of them has completed it (its certificate issued by the real outcome use case),
one has started it, and the demo learner and manager have started the programmes on their own.

Everything goes through the real services at times before `now`; programmes or courses that are not synced are left
out."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.assignments.models import TargetKind
from lms.assignments.programmes import NewProgrammeAssignment, assign_programme
from lms.assignments.services import NewAssignment
from lms.courses.services import get_live_course
from lms.demo.team import DEMO_MANAGER, _complete
from lms.extensions import db
from lms.programmes.services import get_live_programme

#: The starter programmes the demo uses (courses/programmes/).
BASICS, MANAGERS = "ai-basics", "ai-for-managers"
#: Who the HR officer assigns BASICS to, by name.
ASSIGNED = ("daniyar.zhumabayev@demo.lms.kz", "assel.kassenova@demo.lms.kz", "timur.abenov@demo.lms.kz")
#: (email, course keys completed for the demo, in order): Assel completes BASICS (she had ai-foundations), the demo
#: learner takes its short labelling course, the manager two courses of the managers' track (one from its group).
COMPLETED = [
    ("assel.kassenova@demo.lms.kz", ("generative-ai-at-work", "labelling-ai-content")),
    ("learner@demo.lms.kz", ("labelling-ai-content",)),
    (DEMO_MANAGER, ("ai-risk-classes",)),
]


def seed_demo_programmes(*, hr: User, now: datetime) -> None:
    """Assign BASICS to ASSIGNED (due in 60 days) and complete COMPLETED's courses. Flush only."""
    emails = {*ASSIGNED, *(email for email, _keys in COMPLETED)}
    people = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
    basics = get_live_programme(BASICS)
    if basics is None or any(p not in people for p, _ in COMPLETED) or any(p not in people for p in ASSIGNED):
        return
    first = get_live_course(basics.structure["courses"][0])
    if first is None:
        return
    assign_programme(NewProgrammeAssignment(basics, NewAssignment(
        course=first, due_at=now + timedelta(days=60), target_kind=TargetKind.USERS,
        users=tuple(people[email] for email in ASSIGNED))), actor=hr, now=now - timedelta(days=20))
    for email, keys in COMPLETED:
        for index, key in enumerate(keys):
            course = get_live_course(key)
            if course is not None:
                _complete(people[email], course, at=now - timedelta(days=6 - 2 * index))
