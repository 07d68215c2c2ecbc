"""Competency evidence: written when a final quiz is passed, rebuilt by the recompute command, read as a profile."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.competencies import services
from lms.competencies.models import CompetencyEvidence
from lms.courses.framework_models import Competency
from lms.extensions import db
from tests import factories
from tests.competencies.conftest import take_quiz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _levels(user) -> dict[str, int | None]:
    return {e.competency.key: e.level.level if e.level else None for e in services.get_profile(user).entries}


def test_passing_the_final_quiz_evidences_the_course_and_question_competencies(ctx, tagged_course):
    learner = factories.user()
    take_quiz(learner, at=T0)
    db.session.commit()
    assert _levels(learner) == {"ai-concepts": 1, "risk": 2}
    entry = next(e for e in services.get_profile(learner).entries if e.competency.key == "risk")
    assert entry.course.key == tagged_course
    assert entry.evidenced_at.replace(second=0) == T0.replace(minute=5)


def test_a_failed_attempt_evidences_nothing(ctx, tagged_course):
    learner = factories.user()
    take_quiz(learner, at=T0, right=False)
    db.session.commit()
    assert _levels(learner) == {"ai-concepts": None, "risk": None}
    assert services.get_profile(learner).evidenced == 0


def test_the_outcome_recorded_again_writes_no_second_evidence(ctx, tagged_course):
    from lms.assignments.outcome import record_course_outcome
    from lms.courses.models import Course

    learner = factories.user()
    take_quiz(learner, at=T0)
    course = db.session.scalar(select(Course).where(Course.key == tagged_course))
    record_course_outcome(learner, course, now=T0, language="en")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(CompetencyEvidence)) == 2


def test_recompute_rebuilds_lost_evidence_and_is_audited(ctx, tagged_course):
    learner = factories.user()
    take_quiz(learner, at=T0)
    db.session.execute(CompetencyEvidence.__table__.delete())
    assert services.recompute_evidence(now=T0) == 2
    db.session.commit()
    assert _levels(learner) == {"ai-concepts": 1, "risk": 2}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "competencies.recomputed")) == 1


def test_the_recompute_command_fills_the_evidence_of_one_learner(app, runner, tagged_course):
    with app.app_context():
        learner, other = factories.user(email="one@example.kz"), factories.user()
        take_quiz(learner, at=T0)
        take_quiz(other, at=T0)
        db.session.execute(CompetencyEvidence.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["competencies", "recompute", "--email", "one@example.kz"])
    assert result.exit_code == 0, result.output
    assert "2 competency evidence row(s) written." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(func.distinct(CompetencyEvidence.user_id)))) == 1


def test_the_recompute_command_refuses_an_unknown_email(runner, tagged_course):
    result = runner.invoke(args=["competencies", "recompute", "--email", "nobody@example.kz"])
    assert result.exit_code != 0
    assert "no user with the email nobody@example.kz" in result.output


def test_a_competency_removed_from_the_file_is_retired_and_its_evidence_kept(app, courses_root, tagged_course):
    from tests.courses.builders import FRAMEWORK, write_framework
    from tests.learning.conftest import sync

    with app.app_context():
        learner = factories.user()
        take_quiz(learner, at=T0)
        db.session.commit()
    # Drop `risk` from the framework and from the question that named it.
    write_framework(courses_root, FRAMEWORK.split("  - id: risk\n")[0])
    quiz = courses_root / tagged_course / "quiz.yml"
    quiz.write_text(quiz.read_text().replace("    competencies: [{id: risk, level: 2}]\n", ""), encoding="utf-8")
    with app.app_context():
        sync(courses_root)
        risk = db.session.scalar(select(Competency).where(Competency.key == "risk"))
        assert risk.is_retired
        assert db.session.scalar(select(func.count()).select_from(CompetencyEvidence)
                                 .where(CompetencyEvidence.competency_id == risk.id)) == 1
        assert list(_levels(learner)) == ["ai-concepts"]


def test_evidenced_levels_take_the_highest_level_per_competency():
    levels = services.evidenced_levels(
        [{"id": "a", "level": 1}],
        [{"id": "q1", "competencies": [["a", 3]]}, {"id": "q2", "competencies": [["b", 2]]}],
        {"q1": {"correct": True}, "q2": {"correct": False}})
    assert levels == {"a": 3}
