"""Pre-tests: offered before the first lesson, taken (and resumed) or skipped, graded like a quiz attempt.

The questions are drawn from the final quiz's pool with the quiz machinery (lms.quizzes.draw, fields, grading) and
snapshotted with the attempt. A pre-test never completes a course, never uses a final-quiz attempt, issues nothing
and sends no xAPI statement (see the README: a diagnostic score is not a result). Request-free: callers pass the
user, the time and the form data.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.audit.services import audit
from lms.courses import services as courses
from lms.courses.models import Course, QuizVersion
from lms.errors import LearnerMessage
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.pretests.models import PretestAttempt, PretestStatus
from lms.questions import TYPES
from lms.questions.base import Rejected
from lms.quizzes.draw import draw_questions, shuffle_layout
from lms.quizzes.fields import attempt_fields, is_token, random_tokens
from lms.quizzes.grading import grade, percent
from lms.quizzes.models import QuizAttempt


class PretestError(LearnerMessage):
    """A pre-test action is refused; `message` is a translated sentence for the learner."""


class NoPretest(PretestError):
    message = _l("This course has no pre-test.")


class NotOffered(PretestError):
    message = _l("The pre-test is taken before the first lesson; you have already started the course.")


class AlreadyDecided(PretestError):
    message = _l("You have already taken or skipped the pre-test. Nothing was changed.")


class AnswerRejected(PretestError):
    message = _l("The answers could not be accepted: the form does not match this pre-test. Reload the page.")


def pretest_size(quiz: QuizVersion | None) -> int | None:
    """The number of pre-test questions the quiz asks for (None: the course has no pre-test)."""
    if quiz is None:
        return None
    return (quiz.settings.get("pretest") or {}).get("questions") or None


def get_pretest(user: User, course: Course) -> PretestAttempt | None:
    """The user's pre-test in the course (open, submitted or skipped), if any; with its quiz version."""
    return db.session.scalar(select(PretestAttempt).options(
        joinedload(PretestAttempt.quiz_version).undefer(QuizVersion.questions)).where(
        PretestAttempt.user_id == user.id, PretestAttempt.course_id == course.id))


@dataclass(frozen=True)
class Offer:
    """What the course page and the first lesson say about the pre-test."""

    questions: int
    #: The learner's pre-test row (None: not taken nor skipped yet).
    pretest: PretestAttempt | None
    #: May a new pre-test still start (enrolled, no lesson done, no final-quiz attempt yet)?
    may_start: bool

    @property
    def is_pending(self) -> bool:
        """Offered and not decided: the course page leads to it before the first lesson."""
        return (self.pretest is None and self.may_start) or (
            self.pretest is not None and self.pretest.status == PretestStatus.OPEN)


def get_offer(user: User, course: Course, quiz: QuizVersion | None, enrollment: Enrollment | None, *,
              has_attempts: bool | None = None) -> Offer | None:
    """The pre-test offer for the user in the course; None when the course has none or they are not enrolled.

    `has_attempts`: whether they have started the final quiz, when the caller knows it (saves a query).
    """
    size = pretest_size(quiz)
    if size is None or enrollment is None:
        return None
    pretest = get_pretest(user, course)
    if pretest is not None:
        return Offer(size, pretest, False)
    if has_attempts is None:
        has_attempts = _has_final_attempt(user, course)
    return Offer(size, None, enrollment.lessons_completed == 0 and not has_attempts)


def _has_final_attempt(user: User, course: Course) -> bool:
    return db.session.scalar(select(QuizAttempt.id).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id,
        QuizAttempt.is_preview.is_(False)).limit(1)) is not None


def _check_may_start(user: User, course: Course) -> QuizVersion:
    quiz = courses.get_current_quiz(course)
    if pretest_size(quiz) is None:
        raise NoPretest()
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                            Enrollment.course_id == course.id))
    if enrollment is None:
        raise PretestError(_l("Enrol in the course first."))
    if enrollment.lessons_completed > 0 or _has_final_attempt(user, course):
        raise NotOffered()
    return quiz


def start_pretest(user: User, course: Course, *, now: datetime, language: str, ip: str = "") -> PretestAttempt:
    """Return the user's open pre-test, or draw a new one from the final quiz's pool (stored with it).

    Raises NoPretest, PretestError (not enrolled), NotOffered (a lesson is done or the final quiz started) or
    AlreadyDecided (submitted or skipped). Two concurrent calls leave one pre-test: the database refuses the second.
    """
    existing = get_pretest(user, course)
    if existing is not None:
        if existing.status == PretestStatus.OPEN:
            return existing
        raise AlreadyDecided()
    quiz = _check_may_start(user, course)
    seed = secrets.randbits(64)
    rng = random.Random(seed)  # noqa: S311 - seeded from secrets; the layout is stored, never derived by clients
    questions = quiz.questions
    ids = draw_questions(questions, draw=min(pretest_size(quiz), len(questions)), draw_per_topic={}, rng=rng)
    by_id = {q["id"]: q for q in questions}
    layouts = {qid: shuffle_layout(by_id[qid], shuffle=quiz.settings.get("shuffle_options", True), rng=rng)
               for qid in ids}
    pretest = PretestAttempt(user_id=user.id, course_id=course.id, quiz_version_id=quiz.id,
                             status=PretestStatus.OPEN, started_at=now, language=language,
                             layout={"seed": seed, "questions": ids, "layouts": layouts,
                                     "fields": attempt_fields(by_id, ids, layouts, random_tokens())},
                             draft={}, answers={}, results={})
    if not _insert(pretest):
        existing = get_pretest(user, course)  # another request drew it at the same moment: that one stands
        if existing is None or existing.status != PretestStatus.OPEN:
            raise AlreadyDecided()
        return existing
    audit("pretest.started", actor=user, now=now, ip=ip, object_type="pretest", object_id=pretest.id,
          details={"course": course.key, "questions": len(ids)})
    return pretest


def skip_pretest(user: User, course: Course, *, now: datetime, language: str, ip: str = "") -> PretestAttempt:
    """Record that the user chose not to take the pre-test (it is not offered again); return the row.

    Raises NoPretest, PretestError (not enrolled), NotOffered, or AlreadyDecided (started, submitted or skipped: a
    started pre-test is finished or left, never thrown away).
    """
    if get_pretest(user, course) is not None:
        raise AlreadyDecided()
    _check_may_start(user, course)
    pretest = PretestAttempt(user_id=user.id, course_id=course.id, status=PretestStatus.SKIPPED, started_at=now,
                             submitted_at=now, language=language, layout={}, draft={}, answers={}, results={})
    if not _insert(pretest):
        raise AlreadyDecided()
    audit("pretest.skipped", actor=user, now=now, ip=ip, object_type="pretest", object_id=pretest.id,
          details={"course": course.key})
    return pretest


def _insert(pretest: PretestAttempt) -> bool:
    """Add the row; False when another request added this learner's pre-test in the course first."""
    try:
        with db.session.begin_nested():
            db.session.add(pretest)
    except IntegrityError:
        return False
    return True


def questions_by_id(pretest: PretestAttempt) -> dict[str, dict]:
    """The pre-test's questions from the quiz version they were drawn from, by id."""
    return {q["id"]: q for q in pretest.quiz_version.questions} if pretest.quiz_version else {}


def _known_names(pretest: PretestAttempt) -> set[str]:
    known: set[str] = set()
    for qid in pretest.layout["questions"]:
        controls = pretest.layout["fields"][qid]
        known.update(controls["fields"].values() if "fields" in controls else [controls["name"]])
    return known


def parse_answers(pretest: PretestAttempt, form: dict[str, list[str]]) -> dict[str, object]:
    """The answers by question id from form fields, accepting only this pre-test's tokens (as quiz attempts do).

    Raises AnswerRejected for a token that is not this pre-test's, a value that is not one of the question's, or
    oversized text.
    """
    questions, fields = questions_by_id(pretest), pretest.layout["fields"]
    known = _known_names(pretest)
    if any(name not in known and is_token(name) for name in form):
        raise AnswerRejected()
    answers: dict[str, object] = {}
    for qid in pretest.layout["questions"]:
        question = questions[qid]
        try:
            answer = TYPES[question["type"]].parse(question, pretest.layout["layouts"].get(qid, {}), fields[qid], form)
        except Rejected:
            raise AnswerRejected() from None
        if answer is not None:
            answers[qid] = answer
    return answers


def save_draft(pretest: PretestAttempt, form: dict[str, list[str]], *, now: datetime) -> PretestAttempt:
    """Keep the answers given so far (checked as on submission) for resuming later; the pre-test stays open.

    Raises AlreadyDecided when it is no longer open, AnswerRejected as parse_answers does.
    """
    if pretest.status != PretestStatus.OPEN:
        raise AlreadyDecided()
    parse_answers(pretest, form)
    known = _known_names(pretest)
    pretest.draft = {name: list(values) for name, values in form.items() if name in known}
    db.session.flush()
    return pretest


def submit_pretest(user: User, pretest: PretestAttempt, answers: dict[str, object], *, now: datetime,
                   ip: str = "") -> PretestAttempt:
    """Grade and close an open pre-test (no pass mark: only its score); return it.

    Raises AlreadyDecided when it is closed already (double click, second tab: nothing changes).
    """
    if pretest.status != PretestStatus.OPEN:
        raise AlreadyDecided()
    questions = questions_by_id(pretest)
    results, earned, possible = {}, 0.0, 0.0
    for qid in pretest.layout["questions"]:
        q = questions[qid]
        graded = grade(q, answers.get(qid))
        results[qid] = {"score": graded.score, "correct": graded.correct, "points": q["points"]}
        earned += graded.score * q["points"]
        possible += q["points"]
    score = percent(earned, possible)
    closed = db.session.execute(
        update(PretestAttempt).where(PretestAttempt.id == pretest.id, PretestAttempt.status == PretestStatus.OPEN)
        .values(status=PretestStatus.SUBMITTED, submitted_at=now, answers=answers, results=results,
                score_percent=score, draft={})).rowcount
    if closed != 1:
        raise AlreadyDecided()
    db.session.refresh(pretest)
    audit("pretest.submitted", actor=user, now=now, ip=ip, object_type="pretest",
          object_id=pretest.id, details={"course": pretest.course.key, "score": score})
    return pretest
