"""Competency evidence for the national demo dataset: its quiz attempts are bulk-written (lms.demo.national), not
passed through the outcome use case, so the evidence of their courses' competencies is added here in bulk."""

from __future__ import annotations

from sqlalchemy import and_, exists, insert, literal, select

from lms.competencies.models import CompetencyEvidence
from lms.courses.framework_models import Competency
from lms.courses.models import Course
from lms.extensions import db
from lms.quizzes.models import QuizAttempt


def add_course_evidence() -> int:
    """For every passed final-quiz attempt without evidence, the competencies its course names, at their levels: one
    INSERT ... SELECT per course and competency (a few dozen statements whatever the number of attempts). The
    questions' own competencies are left to `lms competencies recompute`. Returns the rows written. Flush only."""
    ids = dict(db.session.execute(select(Competency.key, Competency.id)).all())
    written = 0
    for course_id, refs in db.session.execute(select(Course.id, Course.competencies)).all():
        for ref in refs or ():
            if ref["id"] not in ids:
                continue
            competency_id = ids[ref["id"]]
            already = exists().where(and_(CompetencyEvidence.attempt_id == QuizAttempt.id,
                                          CompetencyEvidence.competency_id == competency_id))
            rows = (select(QuizAttempt.user_id, literal(competency_id), literal(int(ref["level"])),
                           QuizAttempt.course_id, QuizAttempt.id, QuizAttempt.submitted_at)
                    .where(QuizAttempt.course_id == course_id, QuizAttempt.passed.is_(True),
                           QuizAttempt.is_preview.is_(False), QuizAttempt.submitted_at.is_not(None), ~already))
            result = db.session.execute(insert(CompetencyEvidence).from_select(
                ["user_id", "competency_id", "level", "course_id", "attempt_id", "evidenced_at"], rows))
            written += max(result.rowcount or 0, 0)
    db.session.flush()
    return written
