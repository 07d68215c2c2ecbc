"""Quiz attempts: start (one open attempt, enforced by the database), answer validation, grading, review rules.

Request-free: callers pass the user, the time and the form data already split by question.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload

from lms.accounts.models import User
from lms.courses import services as courses
from lms.courses.models import Course, QuizVersion
from lms.errors import LearnerMessage
from lms.extensions import db
from lms.learning.models import Verb
from lms.learning.services import get_enrollment, record
from lms.questions import TYPES
from lms.questions.base import MAX_ANSWER_LENGTH, Rejected
from lms.quizzes.draw import draw_questions, shuffle_layout
from lms.quizzes.fields import attempt_fields, derived_tokens, is_token, old_names, random_tokens
from lms.quizzes.grading import grade, passed, percent
from lms.quizzes.models import AttemptStatus, QuizAttempt

#: Answers that arrive this long after the deadline still count (network and clock skew); later ones do not.
GRACE = timedelta(seconds=30)
#: Longer typed answers are refused (the question types' limit).
MAX_TEXT_ANSWER = MAX_ANSWER_LENGTH


class QuizError(LearnerMessage):
    """A quiz action is refused; `message` is a translated sentence for the learner."""


class NoQuiz(QuizError):
    message = _l("This course has no final quiz.")


class AttemptLimitReached(QuizError):
    message = _l("You have used all your attempts at this quiz.")


class MustWait(QuizError):
    """A new attempt is allowed only after the quiz's waiting time."""

    def __init__(self, until: datetime):
        super().__init__(_l("You can start a new attempt after the waiting time."))
        self.until = until


class AlreadyPassed(QuizError):
    message = _l("You have already passed this quiz.")


class AlreadySubmitted(QuizError):
    message = _l("This attempt has already been submitted. Nothing was changed.")


class AnswerRejected(QuizError):
    """The submitted form does not fit the attempt (unknown or forged tokens, oversized text)."""

    message = _l("The answers could not be accepted: the form does not match this attempt. Reload the page.")


# --- reading ---------------------------------------------------------------------------------------

#: Loader options that leave an attempt's JSON details (layout, answers, results) unloaded until read.
_WITHOUT_DETAILS = (defer(QuizAttempt.layout), defer(QuizAttempt.answers), defer(QuizAttempt.results))


def get_attempt_for(user: User, attempt_id: int) -> QuizAttempt | None:
    """The attempt with this id if it belongs to `user` (someone else's attempt is None: a 404).

    Its quiz version (with the questions) and course come in the same query: every attempt page uses them.
    """
    attempt = db.session.get(QuizAttempt, attempt_id, options=[
        joinedload(QuizAttempt.quiz_version).undefer(QuizVersion.questions), joinedload(QuizAttempt.course)])
    return attempt if attempt is not None and attempt.user_id == user.id else None


def list_attempts(user: User, course: Course, *, preview: bool = False,
                  since: datetime | None = None) -> list[QuizAttempt]:
    """The user's attempts at the course's quiz (started after `since`, when given), newest first.

    Their layouts, answers and results are loaded only if read (lists and standings need none of them).
    """
    query = select(QuizAttempt).options(*_WITHOUT_DETAILS).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id, QuizAttempt.is_preview.is_(preview))
    if since is not None:
        query = query.where(QuizAttempt.started_at > since)
    return list(db.session.scalars(query.order_by(QuizAttempt.number.desc())))


def has_passed(user: User, course: Course, *, since: datetime | None = None) -> bool:
    """True when the user has passed the course's final quiz in a counted attempt (any version).

    With `since` (recurring training due again) only attempts started after that time count.
    """
    query = select(QuizAttempt.id).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id, QuizAttempt.is_preview.is_(False),
        QuizAttempt.passed.is_(True))
    if since is not None:
        query = query.where(QuizAttempt.started_at > since)
    return db.session.scalar(query.limit(1)) is not None


def first_passed(attempts: list[QuizAttempt], *, since: datetime | None = None) -> QuizAttempt | None:
    """The earliest counted passing attempt among `attempts` (list_attempts; started after `since`, when given)."""
    passed = [a for a in attempts if a.passed and not a.is_preview and (since is None or a.started_at > since)]
    return min(passed, key=lambda a: a.number) if passed else None


@dataclass(frozen=True)
class Standing:
    """Where the user stands with a quiz: attempts used and left, and whether and when they may start."""

    used: int
    left: int | None  # None: no limit
    passed: bool
    wait_until: datetime | None


def get_standing(user: User, quiz: QuizVersion, course: Course, *, now: datetime, since: datetime | None = None,
                 attempts: list[QuizAttempt] | None = None) -> Standing:
    """Attempts used and left, passed or not, and the time before which no new attempt may start.

    With `since` (recurring training due again) only attempts after that time count: each period starts afresh.
    `attempts`: list_attempts(user, course), when the caller has it already (those after `since` are counted).
    """
    settings = quiz.settings
    if attempts is None:
        attempts = list_attempts(user, course, since=since)
    elif since is not None:
        attempts = [a for a in attempts if a.started_at > since]  # as list_attempts(since=since) selects
    attempts = [a for a in attempts if a.status != AttemptStatus.OPEN]
    limit = settings.get("max_attempts")
    wait = settings.get("wait_minutes") or 0
    last = max((a.submitted_at for a in attempts if a.submitted_at), default=None)
    wait_until = last + timedelta(minutes=wait) if last and wait and not any(a.passed for a in attempts) else None
    return Standing(used=len(attempts), left=None if limit is None else max(limit - len(attempts), 0),
                    passed=any(a.passed for a in attempts), wait_until=wait_until if wait_until and
                    wait_until > now else None)


def questions_by_id(attempt: QuizAttempt) -> dict[str, dict]:
    """The attempt's questions from the quiz version it was drawn from, by id."""
    return {q["id"]: q for q in attempt.quiz_version.questions}


def form_fields(attempt: QuizAttempt) -> dict[str, dict]:
    """The opaque names and values of the attempt's form controls, by question id (see lms.quizzes.fields).

    Stored when the attempt started; an attempt started before that has them derived from its secret seed.
    """
    stored = attempt.layout.get("fields")
    if stored is not None:
        return stored
    return attempt_fields(questions_by_id(attempt), attempt.layout["questions"], attempt.layout["layouts"],
                          derived_tokens(attempt.layout["seed"]))


def may_review(attempt: QuizAttempt, standing: Standing) -> bool:
    """May the learner see right answers and explanations of this submitted attempt (the quiz's review rule)."""
    rule = attempt.quiz_version.settings.get("review", "after_passing")
    if attempt.status == AttemptStatus.OPEN or rule == "never":
        return False
    if attempt.is_preview or rule == "always":
        return True
    if rule == "after_passing":
        return standing.passed
    return standing.left == 0 or standing.passed  # after_last_attempt


# --- starting --------------------------------------------------------------------------------------

def start_attempt(user: User, course: Course, *, now: datetime, language: str, preview: bool = False,
                  since: datetime | None = None) -> QuizAttempt:
    """Return the user's open attempt, or start a new one (drawn and shuffled now, stored with the attempt).

    Raises NoQuiz, QuizError (not enrolled), AlreadyPassed, AttemptLimitReached or MustWait. Two concurrent calls
    leave one open attempt: the database refuses the second and this returns the first.
    """
    quiz = courses.get_current_quiz(course)
    if quiz is None:
        raise NoQuiz()
    existing = _open_attempt(user, course, preview)
    if existing is not None and _is_expired(existing, now):
        _finish(existing, {}, now=existing.deadline_at, status=AttemptStatus.EXPIRED)
        existing = None
    if existing is not None:
        return existing
    if not preview:
        if get_enrollment(user, course) is None:
            raise QuizError(_l("Enrol in the course first."))
        standing = get_standing(user, quiz, course, now=now, since=since)
        if standing.passed:
            raise AlreadyPassed()
        if standing.left == 0:
            raise AttemptLimitReached()
        if standing.wait_until is not None:
            raise MustWait(standing.wait_until)
    seed = secrets.randbits(64)
    rng = random.Random(seed)  # noqa: S311 - seeded from secrets; the layout is stored, never derived by clients
    settings = quiz.settings
    ids = draw_questions(quiz.questions, draw=settings.get("draw"), draw_per_topic=settings.get("draw_per_topic") or {},
                         rng=rng)
    by_id = {q["id"]: q for q in quiz.questions}
    layouts = {qid: shuffle_layout(by_id[qid], shuffle=settings.get("shuffle_options", True), rng=rng) for qid in ids}
    fields = attempt_fields(by_id, ids, layouts, random_tokens())
    number = (db.session.scalar(select(func.max(QuizAttempt.number)).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id,
        QuizAttempt.is_preview.is_(preview))) or 0) + 1
    limit = settings.get("time_limit_minutes")
    attempt = QuizAttempt(user_id=user.id, course_id=course.id, quiz_version_id=quiz.id, number=number,
                          is_preview=preview, status=AttemptStatus.OPEN, pass_mark=quiz.pass_mark, started_at=now,
                          deadline_at=now + timedelta(minutes=limit) if limit else None,
                          layout={"seed": seed, "questions": ids, "layouts": layouts, "fields": fields},
                          answers={}, results={}, language=language)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request started an attempt at the same moment; the database kept exactly one.
        existing = _open_attempt(user, course, preview)
        if existing is None:
            raise
        return existing
    if not preview:
        record(Verb.QUIZ_STARTED, user_id=user.id, at=now, course=course, object_key=quiz.key,
               content_version=quiz.version, details={"attempt": number})
    return attempt


def _open_attempt(user: User, course: Course, preview: bool) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id, QuizAttempt.is_preview.is_(preview),
        QuizAttempt.status == AttemptStatus.OPEN))


def _is_expired(attempt: QuizAttempt, now: datetime) -> bool:
    # An open attempt whose deadline (plus grace) has passed: it is closed as expired, counting, with no answers.
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


# --- submitting ------------------------------------------------------------------------------------

def parse_answers(attempt: QuizAttempt, form: dict[str, list[str]]) -> dict[str, object]:
    """Turn form fields (name -> values) into answers by question id, accepting only this attempt's tokens.

    Field names and option values are the attempt's opaque tokens (form_fields), mapped back to question, option,
    item, pair and rank ids by each question's type (QuestionType.parse). Fields that are not answers (e.g. a forged
    "score") are ignored. Raises AnswerRejected for a name shaped like a token (or an old "q-..." name) that is not
    one of this attempt's, for a value that is not one of the question's tokens, and for oversized text. An
    unanswered question scores 0.

    An attempt started before tokens existed (none stored) shows tokens derived from its secret seed, and also
    accepts a form in the old "q-<id>" names (fields.old_names), so a page loaded before the upgrade can still be
    submitted; an attempt with stored tokens refuses the old names.
    """
    questions = questions_by_id(attempt)
    if "fields" not in attempt.layout and any(name.startswith("q-") for name in form):
        fields = attempt_fields(questions, attempt.layout["questions"], attempt.layout["layouts"], old_names)
    else:
        fields = form_fields(attempt)
    known = set()
    for qid in attempt.layout["questions"]:
        controls = fields[qid]
        known.update(controls["fields"].values() if "fields" in controls else [controls["name"]])
    if any(name not in known and (is_token(name) or name.startswith("q-")) for name in form):
        raise AnswerRejected()
    answers: dict[str, object] = {}
    for qid in attempt.layout["questions"]:
        question = questions[qid]
        try:
            answer = TYPES[question["type"]].parse(question, attempt.layout["layouts"].get(qid, {}), fields[qid], form)
        except Rejected:
            raise AnswerRejected() from None
        if answer is not None:
            answers[qid] = answer
    return answers


def submit_attempt(attempt: QuizAttempt, answers: dict[str, object], *, now: datetime) -> QuizAttempt:
    """Grade and close an open attempt; return it.

    Raises AlreadySubmitted when it is closed already (double click, second tab, replay: nothing changes).
    After the deadline plus grace the answers are not counted and the attempt closes as expired.
    """
    if attempt.status != AttemptStatus.OPEN:
        raise AlreadySubmitted()
    if attempt.deadline_at is not None and now > attempt.deadline_at + GRACE:
        return _finish(attempt, {}, now=attempt.deadline_at, status=AttemptStatus.EXPIRED)
    return _finish(attempt, answers, now=now, status=AttemptStatus.SUBMITTED)


def _finish(attempt: QuizAttempt, answers: dict[str, object], *, now: datetime, status: AttemptStatus) -> QuizAttempt:
    questions = questions_by_id(attempt)
    results, earned, possible = {}, 0.0, 0.0
    for qid in attempt.layout["questions"]:
        q = questions[qid]
        graded = grade(q, answers.get(qid))
        results[qid] = {"score": graded.score, "correct": graded.correct, "points": q["points"]}
        earned += graded.score * q["points"]
        possible += q["points"]
    score = percent(earned, possible)
    did_pass = passed(score, attempt.pass_mark)
    # Close the attempt only if it is still open: of two racing submissions exactly one gets here first.
    closed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == AttemptStatus.OPEN).values(
            status=status, submitted_at=now, answers=answers, results=results, score_percent=score,
            passed=did_pass)
    ).rowcount
    if closed != 1:
        raise AlreadySubmitted()
    db.session.refresh(attempt)
    if not attempt.is_preview:
        record(Verb.QUIZ_PASSED if did_pass else Verb.QUIZ_FAILED, user_id=attempt.user_id, at=now,
               course=attempt.course, object_key=attempt.quiz_version.key,
               content_version=attempt.quiz_version.version,
               details={"attempt": attempt.number, "score": score, "pass_mark": attempt.pass_mark,
                        "status": status})
    return attempt
