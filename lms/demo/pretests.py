"""Pre-tests for the demo data (small and national): for each course whose quiz asks for a pre-test, most enrolled
learners took it just after enrolling (a score below the pass mark, drawn and graded as lms.pretests does) and some
skipped it, so that the learning-gain report has figures. The demo learner (learner@demo.lms.kz) is left out: signing
in as them shows the pre-test offer.

Set-based and deterministic for a seed: one query per course for the enrolments, then bulk inserts.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from sqlalchemy import func, insert, select

from lms.accounts.models import User
from lms.courses.models import Course, QuizVersion
from lms.demo.attempts import attempt_pool
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.pretests.models import PretestAttempt, PretestStatus
from lms.quizzes.models import QuizAttempt

#: Left out: the account a visitor signs in with to try the pre-test themselves.
DEMO_LEARNER = "learner@demo.lms.kz"
#: Shares of enrolled learners who took the pre-test, and who skipped it (the rest were never offered one).
TAKEN, SKIPPED = 0.8, 0.1
BATCH = 5000


def seed_pretests(*, seed: int = 2026) -> int:
    """Add pre-tests for the enrolments of every live course with a pre-test that have none yet; return how many
    rows were added. Flush only (the caller commits)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    skip_user = db.session.scalar(select(User.id).where(User.email == DEMO_LEARNER))
    added = 0
    versions = db.session.execute(select(Course.id, QuizVersion).join(QuizVersion, QuizVersion.course_id == Course.id)
                                  .where(QuizVersion.is_current.is_(True), Course.is_retired.is_(False))
                                  .order_by(Course.id)).all()
    for course_id, quiz in versions:
        size = (quiz.settings.get("pretest") or {}).get("questions")
        if not size:
            continue
        settings = {"draw": min(size, len(quiz.questions)), "shuffle_options": quiz.settings.get("shuffle_options")}
        pool = attempt_pool(settings, quiz.questions, quiz.pass_mark, rng, passing=False) or \
            attempt_pool(settings, quiz.questions, quiz.pass_mark, rng, passing=True)
        bodies = [(json.loads(b.layout), json.loads(b.answers), json.loads(b.results), b.score) for b in pool]
        first = (select(QuizAttempt.user_id, func.min(QuizAttempt.started_at).label("started_at"))
                 .where(QuizAttempt.course_id == course_id, QuizAttempt.is_preview.is_(False))
                 .group_by(QuizAttempt.user_id).subquery())
        have = select(PretestAttempt.user_id).where(PretestAttempt.course_id == course_id)
        rows = db.session.execute(
            select(Enrollment.user_id, Enrollment.enrolled_at, first.c.started_at)
            .outerjoin(first, first.c.user_id == Enrollment.user_id)
            .where(Enrollment.course_id == course_id, Enrollment.user_id.not_in(have))
            .order_by(Enrollment.user_id)).all()
        batch = []
        for user_id, enrolled_at, quiz_started_at in rows:
            if user_id == skip_user:
                continue
            roll = rng.random()
            if roll >= TAKEN + SKIPPED:
                continue
            at = enrolled_at + timedelta(minutes=2)
            if quiz_started_at is not None and at >= quiz_started_at:
                at = max(enrolled_at, quiz_started_at - timedelta(minutes=30))
            if roll < SKIPPED:
                batch.append({"user_id": user_id, "course_id": course_id, "quiz_version_id": None,
                              "status": PretestStatus.SKIPPED, "started_at": at, "submitted_at": at, "layout": {},
                              "draft": {}, "answers": {}, "results": {}, "score_percent": None, "language": "ru"})
            elif bodies:
                layout, answers, results, score = bodies[rng.randrange(len(bodies))]
                batch.append({"user_id": user_id, "course_id": course_id, "quiz_version_id": quiz.id,
                              "status": PretestStatus.SUBMITTED, "started_at": at,
                              "submitted_at": at + timedelta(minutes=8), "layout": layout, "draft": {},
                              "answers": answers, "results": results, "score_percent": score, "language": "ru"})
            if len(batch) >= BATCH:
                db.session.execute(insert(PretestAttempt), batch)
                added += len(batch)
                batch = []
        if batch:
            db.session.execute(insert(PretestAttempt), batch)
            added += len(batch)
    db.session.flush()
    return added
