"""Demo course evaluations: anonymous answers from part of the people who completed a course, so that the
satisfaction report and the authors' comments have figures after `make run` (lms.evaluations).

Deterministic for a seed: the completions are read in order, and about SHARE of them answered (each course has its
own mood, so the courses differ); some leave a short comment in Kazakh, Russian or English. The answer's month is
the completion's. Completions that already have an answer or a "no, thanks" are left alone (running twice adds
nothing), and so are the demo accounts that sign in: the demo learner finds the questionnaire offered on their own.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import and_, insert, select

from lms.accounts.models import User
from lms.courses.models import Course
from lms.evaluations.models import (
    EvaluationParticipation,
    EvaluationResponse,
    EvaluationScore,
    ParticipationStatus,
)
from lms.evaluations.questions import questionnaire_of
from lms.evaluations.services import month_of
from lms.extensions import db
from lms.learning.models import Enrollment

#: The share of completions answered.
SHARE = 0.45
#: The share of answers with a comment.
COMMENT_SHARE = 0.25
BATCH = 5000
COMMENTS = (
    "Мысалдар нақты жұмысқа жақын болды, рақмет.",
    "Тапсырмалар көбірек болса екен.",
    "Курс өте пайдалы, әріптестеріме ұсынамын.",
    "Очень полезный курс, особенно примеры с документами.",
    "Хотелось бы больше практических заданий.",
    "Некоторые уроки слишком длинные.",
    "Тест в конце был сложнее, чем уроки.",
    "Понятно и по делу, спасибо авторам.",
    "Clear and practical; the checklists help at work.",
    "More examples from regional akimats, please.",
)


def seed_evaluations(*, exclude_emails: list[str], seed: int = 2026, now: datetime) -> int:
    """Answer the questionnaire for about SHARE of the completions not yet answered or declined (but those of
    `exclude_emails`), in the current transaction (the caller commits); return how many answers were made."""
    rng = random.Random(seed)  # noqa: S311 - demo data must be reproducible, not secret
    courses = {course.id: course for course in db.session.scalars(select(Course))}
    moods = {course_id: rng.uniform(3.3, 4.6) for course_id in sorted(courses)}
    rows = db.session.execute(
        select(Enrollment.user_id, Enrollment.course_id, User.agency_id, Enrollment.completed_at)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(EvaluationParticipation, and_(EvaluationParticipation.user_id == Enrollment.user_id,
                                                 EvaluationParticipation.course_id == Enrollment.course_id))
        .where(Enrollment.completed_at.is_not(None), EvaluationParticipation.user_id.is_(None),
               User.email.not_in(exclude_emails))
        .order_by(Enrollment.id)).all()
    keys = {course_id: questionnaire_of(course) for course_id, course in courses.items()}
    participations, responses, scores = [], [], []
    for user_id, course_id, agency_id, completed_at in rows:
        if rng.random() >= SHARE or course_id not in keys:
            continue
        questionnaire = keys[course_id]
        response_id = f"{rng.getrandbits(128):032x}"  # random-looking, as the real ones, and reproducible
        comment = rng.choice(COMMENTS) if questionnaire.has_comment and rng.random() < COMMENT_SHARE else None
        participations.append({"user_id": user_id, "course_id": course_id, "status": ParticipationStatus.ANSWERED})
        responses.append({"id": response_id, "course_id": course_id, "agency_id": agency_id,
                          "month": month_of(min(completed_at, now)), "comment": comment})
        for key in questionnaire.keys:
            score = round(rng.gauss(moods[course_id], 0.9))
            scores.append({"response_id": response_id, "question_key": key, "score": max(1, min(5, score))})
    for model, values in ((EvaluationParticipation, participations), (EvaluationResponse, responses),
                          (EvaluationScore, scores)):
        for first in range(0, len(values), BATCH):
            db.session.execute(insert(model), values[first:first + BATCH])
    return len(responses)
