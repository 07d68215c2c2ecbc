"""Answering and declining a course's questionnaire: anonymous storage, once per learner, checked answers, audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select

from lms.audit.models import AuditEntry
from lms.evaluations import services
from lms.evaluations.models import (
    COMMENT_MAX_LENGTH,
    EvaluationParticipation,
    EvaluationResponse,
    EvaluationScore,
    ParticipationStatus,
)
from lms.extensions import db
from tests.evaluations.conftest import complete, get_course, get_user

ANSWERS = {"overall": 5, "relevance": 4, "clarity": 3, "confidence": 4}
NOW = datetime(2026, 11, 17, 14, 35, tzinfo=UTC)


@pytest.fixture
def done(app, people, evaluation_courses):
    """The learner has completed PLAIN."""
    with app.app_context():
        complete(get_user(people.learner), get_course("plain"))


def test_an_answer_is_stored_with_course_agency_and_month_only(app, people, done):
    with app.app_context():
        learner, course = get_user(people.learner), get_course("plain")
        services.submit_evaluation(learner, course, ANSWERS, "  Good examples  ", now=NOW)
        db.session.commit()
        response = db.session.scalar(select(EvaluationResponse))
        assert (response.course_id, response.agency_id, response.month, response.comment) == \
               (course.id, learner.agency_id, "2026-11", "Good examples")
        assert {s.question_key: s.score for s in response.scores} == ANSWERS
        # Nothing in the answer's tables names the person or the moment.
        columns = {c.name for model in (EvaluationResponse, EvaluationScore) for c in inspect(model).columns}
        assert not columns & {"user_id", "created_at", "answered_at", "at"}
        assert len(response.id) == 32  # random, not a sequence


def test_answering_is_recorded_apart_so_it_is_not_offered_again(app, people, done):
    with app.app_context():
        learner, course = get_user(people.learner), get_course("plain")
        assert services.is_offered(learner, course)
        services.submit_evaluation(learner, course, ANSWERS, None, now=NOW)
        db.session.commit()
        assert db.session.get(EvaluationParticipation, (learner.id, course.id)).status == ParticipationStatus.ANSWERED
        assert not services.is_offered(learner, course)


def test_a_second_answer_is_refused(app, people, done):
    with app.app_context():
        learner, course = get_user(people.learner), get_course("plain")
        services.submit_evaluation(learner, course, ANSWERS, None, now=NOW)
        db.session.commit()
        with pytest.raises(services.AlreadyAnswered):
            services.submit_evaluation(learner, course, ANSWERS, None, now=NOW)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(EvaluationResponse)) == 1


def test_only_a_learner_who_completed_the_course_may_answer(app, people, evaluation_courses):
    with app.app_context():
        with pytest.raises(services.NotCompleted):
            services.submit_evaluation(get_user(people.other), get_course("plain"), ANSWERS, None, now=NOW)
        assert not services.is_offered(get_user(people.other), get_course("plain"))


@pytest.mark.parametrize("scores", [
    {**ANSWERS, "overall": 6}, {**ANSWERS, "overall": 0}, {**ANSWERS, "overall": None}, {"overall": 5},
    {**ANSWERS, "extra": 3}, {**ANSWERS, "overall": True},
])
def test_answers_off_the_scale_or_incomplete_change_nothing(app, people, done, scores):
    with app.app_context():
        with pytest.raises(services.InvalidAnswers):
            services.submit_evaluation(get_user(people.learner), get_course("plain"), scores, None, now=NOW)
        assert db.session.scalar(select(func.count()).select_from(EvaluationParticipation)) == 0


def test_a_comment_longer_than_the_limit_is_refused(app, people, done):
    with app.app_context(), pytest.raises(services.InvalidAnswers):
        services.submit_evaluation(get_user(people.learner), get_course("plain"), ANSWERS,
                                   "x" * (COMMENT_MAX_LENGTH + 1), now=NOW)


def test_a_course_without_a_comment_drops_one_sent_anyway(app, people, evaluation_courses):
    with app.app_context():
        learner, course = get_user(people.learner), get_course("own-questions")
        complete(learner, course)
        services.submit_evaluation(learner, course, {"pace": 2, "examples": 5}, "sent anyway", now=NOW)
        db.session.commit()
        assert db.session.scalar(select(EvaluationResponse.comment)) is None


def test_the_audit_entry_says_who_answered_but_not_what(app, people, done):
    with app.app_context():
        learner = get_user(people.learner)
        services.submit_evaluation(learner, get_course("plain"), ANSWERS, "secret opinion", now=NOW, ip="10.0.0.1")
        db.session.commit()
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "evaluation.answered"))
        assert (entry.actor_id, entry.object_type, entry.object_id) == (learner.id, "course", "plain")
        assert entry.summary == {}


def test_declining_is_recorded_and_audited(app, people, done):
    with app.app_context():
        learner, course = get_user(people.learner), get_course("plain")
        services.dismiss_evaluation(learner, course, now=NOW)
        db.session.commit()
        assert not services.is_offered(learner, course)
        assert db.session.scalar(select(func.count()).select_from(EvaluationResponse)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "evaluation.dismissed")) == 1
        with pytest.raises(services.AlreadyAnswered):
            services.submit_evaluation(learner, course, ANSWERS, None, now=NOW)
