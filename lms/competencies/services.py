"""Competency evidence from passed final quizzes, its recomputation, and a learner's competency profile.

A passed final-quiz attempt evidences the competencies its course names (course.yml `competencies:`) at their
levels, and those of each question answered right in it (quiz.yml) at theirs; per competency the attempt counts at
the highest of these. Request-free; flush only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, select

from lms.accounts.models import User
from lms.audit.services import audit
from lms.competencies.models import CompetencyEvidence
from lms.courses.framework_models import Competency, CompetencyAreaRecord, CompetencyLevel
from lms.courses.models import Course, QuizVersion
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from lms.timeutil import aware

BATCH = 500


def evidenced_levels(course_competencies: Iterable[dict] | None, questions: Iterable[dict],
                     results: dict) -> dict[str, int]:
    """{competency key: level} a passed attempt evidences: the course's competencies, and those of the questions
    answered right (`results`: the attempt's {question id: {"correct": ...}}), the highest level per competency."""
    levels: dict[str, int] = {}
    for ref in course_competencies or ():
        levels[ref["id"]] = max(levels.get(ref["id"], 0), int(ref["level"]))
    for question in questions:
        if not (results.get(question.get("id")) or {}).get("correct"):
            continue
        for key, level in question.get("competencies") or ():
            levels[key] = max(levels.get(key, 0), int(level))
    return levels


def _counted_passed_attempts():
    # The attempts that count as evidence: passed final-quiz attempts, never an author's preview.
    return select(QuizAttempt).where(QuizAttempt.passed.is_(True), QuizAttempt.is_preview.is_(False),
                                     QuizAttempt.submitted_at.is_not(None))


def _competency_ids() -> dict[str, int]:
    return dict(db.session.execute(select(Competency.key, Competency.id)).all())


def _evidence_rows(attempt: QuizAttempt, course_competencies, questions: list, ids: dict[str, int]) -> list[dict]:
    levels = evidenced_levels(course_competencies, questions, attempt.results or {})
    return [{"user_id": attempt.user_id, "competency_id": ids[key], "level": level, "course_id": attempt.course_id,
             "attempt_id": attempt.id, "evidenced_at": attempt.submitted_at}
            for key, level in sorted(levels.items()) if key in ids]


def record_evidence(user: User, course: Course) -> int:
    """Record the competencies `user`'s passed final-quiz attempts in `course` evidence, for each such attempt that
    has no evidence yet (so calling it again adds nothing). Returns the number of rows written. Flush only."""
    recorded = select(CompetencyEvidence.attempt_id).where(CompetencyEvidence.user_id == user.id,
                                                           CompetencyEvidence.course_id == course.id)
    attempts = list(db.session.scalars(_counted_passed_attempts().where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id, QuizAttempt.id.not_in(recorded))))
    if not attempts:
        return 0
    ids = _competency_ids()
    rows = []
    for attempt in attempts:
        rows += _evidence_rows(attempt, course.competencies, attempt.quiz_version.questions, ids)
    db.session.add_all(CompetencyEvidence(**row) for row in rows)
    db.session.flush()
    return len(rows)


def recompute_evidence(*, now: datetime, user: User | None = None, actor: User | None = None, ip: str = "") -> int:
    """Rebuild the evidence from every passed final-quiz attempt (of `user` only, when given): after a change of the
    framework or of the competencies a course names, and to fill the evidence of attempts passed before it
    existed. Audited; returns the number of rows written. Flush only."""
    removing = delete(CompetencyEvidence)
    attempts = _counted_passed_attempts().order_by(QuizAttempt.id)
    if user is not None:
        removing = removing.where(CompetencyEvidence.user_id == user.id)
        attempts = attempts.where(QuizAttempt.user_id == user.id)
    db.session.execute(removing)
    ids = _competency_ids()
    courses = dict(db.session.execute(select(Course.id, Course.competencies)).all())
    questions: dict[int, list] = {}
    written, batch = 0, []
    for attempt in db.session.scalars(attempts.execution_options(yield_per=BATCH)):
        if attempt.quiz_version_id not in questions:
            questions[attempt.quiz_version_id] = db.session.scalar(
                select(QuizVersion.questions).where(QuizVersion.id == attempt.quiz_version_id)) or []
        batch += _evidence_rows(attempt, courses.get(attempt.course_id), questions[attempt.quiz_version_id], ids)
        if len(batch) >= BATCH:
            written += _insert(batch)
            batch = []
    written += _insert(batch)
    audit("competencies.recomputed", actor=actor, now=now, ip=ip, object_type="user" if user else "",
          object_id=user.id if user else "", details={"rows": written})
    db.session.flush()
    return written


def _insert(rows: list[dict]) -> int:
    if rows:
        db.session.execute(CompetencyEvidence.__table__.insert(), rows)
    return len(rows)


@dataclass(frozen=True)
class ProfileEntry:
    """One competency in a learner's profile: the highest level evidenced (None: not yet), when and by which
    course it was first evidenced at that level."""

    competency: Competency
    area: CompetencyAreaRecord
    level: CompetencyLevel | None
    evidenced_at: datetime | None
    course: Course | None


@dataclass(frozen=True)
class Profile:
    """A learner's competency profile: every live competency, in framework order, and the levels."""

    entries: list[ProfileEntry]
    levels: list[CompetencyLevel]

    @property
    def evidenced(self) -> int:
        """How many competencies have any level evidenced."""
        return sum(1 for entry in self.entries if entry.level is not None)


def list_live_competencies() -> list[tuple[Competency, CompetencyAreaRecord]]:
    """(competency, its area) of every live competency, in framework order (one statement)."""
    area = CompetencyAreaRecord
    return list(db.session.execute(
        select(Competency, area).join(area, Competency.area_id == area.id)
        .where(Competency.is_retired.is_(False)).order_by(area.position, Competency.position)).all())


def list_live_levels() -> list[CompetencyLevel]:
    """The framework's live levels, lowest first (one statement)."""
    return list(db.session.scalars(select(CompetencyLevel).where(CompetencyLevel.is_retired.is_(False))
                                   .order_by(CompetencyLevel.level)))


def get_profile(user: User) -> Profile:
    """`user`'s competency profile (two statements whatever the amount of evidence: the levels, then every live
    competency with the user's evidence of it, if any)."""
    levels = list_live_levels()
    area = CompetencyAreaRecord
    rows = db.session.execute(
        select(Competency, area, CompetencyEvidence.level, CompetencyEvidence.evidenced_at, Course)
        .join(area, Competency.area_id == area.id)
        .outerjoin(CompetencyEvidence, and_(CompetencyEvidence.competency_id == Competency.id,
                                            CompetencyEvidence.user_id == user.id))
        .outerjoin(Course, Course.id == CompetencyEvidence.course_id)
        .where(Competency.is_retired.is_(False))
        .order_by(area.position, Competency.position, CompetencyEvidence.evidenced_at, CompetencyEvidence.id))
    by_number = {level.level: level for level in levels}
    order: dict[int, tuple] = {}
    best: dict[int, tuple[int, datetime, Course]] = {}
    for competency, competency_area, level, at, course in rows:
        order.setdefault(competency.id, (competency, competency_area))
        if level is not None and (competency.id not in best or level > best[competency.id][0]):
            best[competency.id] = (level, aware(at), course)
    entries = []
    for competency_id, (competency, competency_area) in order.items():
        level, at, course = best.get(competency_id, (None, None, None))
        entries.append(ProfileEntry(competency, competency_area, by_number.get(level) if level else None, at, course))
    return Profile(entries, levels)
