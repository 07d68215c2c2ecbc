"""SCORM use cases: what a lesson page launches a package with, and recording a commit of its runtime data.

A commit that says the learner finished the package completes the lesson through the same use case as our own
lessons (lms.assignments.outcome.record_course_outcome: the lesson, then the course and its certificate when all
is done). It lives at this layer because of that. Request-free; flush only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.accounts.models import User
from lms.assignments.outcome import record_course_outcome
from lms.assignments.services import renewal_since
from lms.courses.models import Course, Lesson
from lms.db import insert_if_absent
from lms.errors import DomainError
from lms.extensions import db
from lms.learning import services as learning
from lms.scorm import cmi, launch
from lms.scorm.models import ScormAttempt


class CommitRefused(DomainError):
    """A commit that cannot be recorded: its data break the data model, or the session is not this lesson's.
    `reason` (English, for the runtime's log) says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LaunchSettings:
    """The settings a launch is made with (from the app's configuration)."""

    secret: str
    content_origin: str


@dataclass(frozen=True)
class Session:
    """What the lesson page gives its runtime: where the package runs and what the learner resumes with."""

    version: str
    frame_src: str
    content_origin: str
    runtime_token: str
    #: The `cmi` object to start from (lms.scorm.cmi.initial_data).
    initial: dict


@dataclass(frozen=True)
class CommitResult:
    """What a commit came to."""

    #: True when an older or repeated commit was ignored (newer data were kept).
    stale: bool
    #: Does the package say the learner finished it (by the newest accepted commit)?
    done: bool
    #: True when this commit completed the course.
    course_completed: bool = False


def get_attempt(user: User, lesson: Lesson, sha256: str) -> ScormAttempt | None:
    """The learner's attempt at this package version of the lesson, if any (one statement)."""
    return db.session.scalar(select(ScormAttempt).where(ScormAttempt.user_id == user.id,
                                                        ScormAttempt.lesson_id == lesson.id,
                                                        ScormAttempt.package_sha256 == sha256))


def start_session(user: User, lesson: Lesson, *, now: datetime, locale: str, title: str,
                  settings: LaunchSettings) -> Session:
    """The signed launch link, runtime token and starting data of a new session of `lesson`'s package for `user`.

    Reads the learner's attempt (one statement); writes nothing (the attempt is made by its first commit).
    """
    package = lesson.package
    attempt = get_attempt(user, lesson, package["sha256"])
    link = launch.launch_token(settings.secret, launch.Launch(
        user.id, lesson.id, package["sha256"], package["version"], package["launch"], locale, title))
    runtime = launch.runtime_token(settings.secret, launch.Runtime(
        user.id, lesson.id, package["sha256"], package["version"], launch.microseconds(now)))
    learner = cmi.Learner(id=str(user.id), name=user.full_name, language=locale)
    entry = cmi.entry_for(package["version"], has_attempt=attempt is not None,
                          exit=attempt.exit if attempt else "", location=attempt.location if attempt else "",
                          suspend_data=attempt.suspend_data if attempt else "")
    initial = cmi.initial_data(package["version"], attempt.cmi if attempt else None, learner=learner,
                               total_seconds=attempt.total_seconds if attempt else 0.0, entry=entry,
                               mastery_score=package.get("mastery_score"), launch_data=package.get("launch_data"))
    return Session(version=package["version"], content_origin=settings.content_origin, runtime_token=runtime,
                   frame_src=f"{settings.content_origin}/scorm-content/launch/{link}", initial=initial)


def _order_key(attempt: ScormAttempt) -> tuple[int, int]:
    return attempt.launched_us, attempt.seq


def record_commit(user: User, course: Course, lesson: Lesson, runtime: launch.Runtime, *, seq: int, data,
                  now: datetime, language: str) -> CommitResult:
    """Record a commit of the runtime data `data` (the `cmi` object) that session `runtime` numbered `seq`.

    Only a commit newer than the one recorded changes the attempt ((launch time, seq) order): a late, repeated or
    replayed commit is answered as stale and changes nothing. When the package says the learner finished it, the
    lesson is completed (and the course with its certificate, when all is done) unless it is done already in the
    current study period. Raises CommitRefused (bad data, or a session of another lesson) and
    learning.services.NotEnrolled. Flush only.
    """
    if runtime.user_id != user.id or runtime.lesson_id != lesson.id:
        raise CommitRefused("the session is not this learner's session of this lesson")
    if runtime.version not in cmi.VERSIONS:
        raise CommitRefused("unknown SCORM version")
    if learning.get_enrollment(user, course) is None:
        raise learning.NotEnrolled()
    try:
        standing = cmi.parse_commit(runtime.version, data)
    except cmi.InvalidCmi as exc:
        raise CommitRefused(str(exc)) from None
    where = (ScormAttempt.user_id == user.id, ScormAttempt.lesson_id == lesson.id,
             ScormAttempt.package_sha256 == runtime.sha256)
    insert_if_absent(db.session, ScormAttempt, {
        "user_id": user.id, "lesson_id": lesson.id, "course_id": course.id, "package_sha256": runtime.sha256,
        "version": runtime.version, "cmi": {}, "launched_us": 0, "seq": 0, "status": "not attempted",
        "location": "", "suspend_data": "", "exit": "", "session_seconds": 0.0, "previous_seconds": 0.0,
        "commits": 0, "created_at": now, "updated_at": now,
    }, unique=["user_id", "lesson_id", "package_sha256"])
    # The row locked (PostgreSQL) until the commit of this transaction, so two commits racing are ordered here too.
    attempt = db.session.scalar(select(ScormAttempt).where(*where).with_for_update())
    if (runtime.launched_us, seq) <= _order_key(attempt):
        return CommitResult(stale=True, done=cmi.is_done(attempt.version, attempt.status, attempt.success_status))
    if runtime.launched_us > attempt.launched_us:  # a new session: the last one's time joins the total
        attempt.previous_seconds += attempt.session_seconds
    attempt.launched_us, attempt.seq = runtime.launched_us, seq
    attempt.cmi = standing.data
    attempt.status, attempt.success_status = standing.status, standing.success_status
    attempt.score_raw, attempt.score_min, attempt.score_max = standing.score_raw, standing.score_min, standing.score_max
    attempt.score_scaled = standing.score_scaled
    attempt.location, attempt.suspend_data, attempt.exit = standing.location, standing.suspend_data, standing.exit
    attempt.session_seconds = standing.session_seconds
    attempt.commits += 1
    attempt.updated_at = now
    done = cmi.is_done(runtime.version, standing.status, standing.success_status)
    completed = False
    if done:
        if attempt.completed_at is None:
            attempt.completed_at = now
        since = renewal_since(user, course, now=now)
        if not learning.is_lesson_done(user, lesson, since=since):
            outcome = record_course_outcome(user, course, now=now, language=language, lesson=lesson)
            completed = outcome.completion is not None
    db.session.flush()
    return CommitResult(stale=False, done=done, course_completed=completed)
