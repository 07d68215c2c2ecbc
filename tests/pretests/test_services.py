"""Pre-tests at the service level: drawn from the final quiz's pool, taken once (or skipped), resumed, graded, and
never counted as a final-quiz attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.courses import services as courses
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Activity
from lms.pretests import services
from lms.pretests.models import PretestAttempt, PretestStatus
from lms.quizzes import services as quizzes
from lms.quizzes.models import QuizAttempt
from tests import factories
from tests.quizzes.forms import browser_form

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PRETEST = {"pretest": "{questions: 3}"}
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "AI", "q-number": "2000"}
WRONG = {"q-single": "b", "q-multiple": ["c"], "q-true-false": "false", "q-short": "ML", "q-number": "1"}


def _learner_in(make_quiz_course, settings=PRETEST, *, enrol: bool = True):
    key = make_quiz_course(settings)
    user = factories.user("learner@example.kz")
    course = courses.get_live_course(key)
    if enrol:
        learning.enroll(user, course, now=T0)
    db.session.commit()
    return user, course


def _form(pretest, answers) -> dict[str, list[str]]:
    form = browser_form(pretest.layout["fields"], answers)
    return {name: value if isinstance(value, list) else [value] for name, value in form.items()}


def test_the_pretest_draws_the_asked_number_of_questions_from_the_pool(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    db.session.commit()
    assert len(pretest.layout["questions"]) == 3
    assert set(pretest.layout["questions"]) <= set(RIGHT)
    assert set(pretest.layout["fields"]) == set(pretest.layout["questions"])


def test_starting_twice_returns_the_same_open_pretest(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    first = services.start_pretest(user, course, now=T0, language="en")
    again = services.start_pretest(user, course, now=T0 + timedelta(hours=1), language="en")
    assert again.id == first.id
    assert again.layout == first.layout


def test_a_course_without_the_option_has_no_pretest(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, {})
    with pytest.raises(services.NoPretest):
        services.start_pretest(user, course, now=T0, language="en")


def test_a_learner_not_enrolled_cannot_start_it(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course, enrol=False)
    with pytest.raises(services.PretestError):
        services.start_pretest(user, course, now=T0, language="en")


def test_it_is_not_offered_once_a_lesson_is_done(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    learning.complete_lesson(user, courses.list_live_lessons(course)[0], now=T0, language="en")
    db.session.commit()
    with pytest.raises(services.NotOffered):
        services.start_pretest(user, course, now=T0, language="en")


def test_it_is_not_offered_once_the_final_quiz_has_started(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    quizzes.start_attempt(user, course, now=T0, language="en")
    db.session.commit()
    with pytest.raises(services.NotOffered):
        services.skip_pretest(user, course, now=T0, language="en")


def test_submitting_grades_it_and_uses_no_final_quiz_attempt(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    answers = services.parse_answers(pretest, _form(pretest, RIGHT))
    services.submit_pretest(user, pretest, answers, now=T0 + timedelta(minutes=5))
    db.session.commit()
    assert pretest.status == PretestStatus.SUBMITTED
    assert pretest.score_percent == 100.0
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
    quiz = courses.get_current_quiz(course)
    assert quizzes.get_standing(user, quiz, course, now=T0).used == 0


def test_submitting_records_no_activity_for_xapi_and_completes_nothing(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    before = db.session.scalar(select(func.count()).select_from(Activity))
    pretest = services.start_pretest(user, course, now=T0, language="en")
    services.submit_pretest(user, pretest, services.parse_answers(pretest, _form(pretest, RIGHT)), now=T0)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == before
    assert learning.latest_completion(user, course) is None


def test_wrong_answers_score_zero(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    services.submit_pretest(user, pretest, services.parse_answers(pretest, _form(pretest, WRONG)), now=T0)
    assert pretest.score_percent == 0.0


def test_a_second_submission_changes_nothing(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    services.submit_pretest(user, pretest, services.parse_answers(pretest, _form(pretest, RIGHT)), now=T0)
    with pytest.raises(services.AlreadyDecided):
        services.submit_pretest(user, pretest, {}, now=T0)
    assert pretest.score_percent == 100.0


def test_saved_answers_are_kept_and_the_pretest_stays_open(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    form = _form(pretest, {qid: RIGHT[qid] for qid in pretest.layout["questions"][:1]})
    services.save_draft(pretest, form, now=T0)
    db.session.commit()
    db.session.expunge_all()
    stored = services.get_pretest(user, course)
    assert stored.status == PretestStatus.OPEN
    assert stored.draft == form


def test_a_forged_token_is_refused_and_nothing_is_saved(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    with pytest.raises(services.AnswerRejected):
        services.save_draft(pretest, {"f0123456789abcdef": ["x"]}, now=T0)
    assert pretest.draft == {}


def test_skipping_records_the_choice_and_it_is_not_offered_again(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    services.skip_pretest(user, course, now=T0, language="en")
    db.session.commit()
    with pytest.raises(services.AlreadyDecided):
        services.start_pretest(user, course, now=T0, language="en")
    assert services.get_pretest(user, course).status == PretestStatus.SKIPPED


def test_a_started_pretest_cannot_be_skipped(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    services.start_pretest(user, course, now=T0, language="en")
    with pytest.raises(services.AlreadyDecided):
        services.skip_pretest(user, course, now=T0, language="en")


def test_start_skip_and_submit_are_audited(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    pretest = services.start_pretest(user, course, now=T0, language="en")
    services.submit_pretest(user, pretest, {}, now=T0, ip="10.0.0.1")
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "pretest")
                                      .order_by(AuditEntry.id)))
    assert actions == ["pretest.started", "pretest.submitted"]


def test_the_offer_is_pending_until_decided(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    quiz = courses.get_current_quiz(course)
    offer = services.get_offer(user, course, quiz, learning.get_enrollment(user, course))
    assert offer.is_pending and offer.questions == 3
    services.skip_pretest(user, course, now=T0, language="en")
    offer = services.get_offer(user, course, quiz, learning.get_enrollment(user, course))
    assert not offer.is_pending


def test_the_pretest_row_is_one_per_learner_and_course(ctx, make_quiz_course):
    user, course = _learner_in(make_quiz_course)
    services.start_pretest(user, course, now=T0, language="en")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PretestAttempt)) == 1
