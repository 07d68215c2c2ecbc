"""The statement outbox: statements written in the transaction of their event, queued for the LRS, replayed.

Subscribed to lms.events.ACTIVITIES, so that every event the learning services append to the activity record gets
its statement in the same transaction (a rolled-back event leaves no statement, a committed one cannot lose it).
Request-free; flush only. lms.xapi.sending delivers what is pending.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, lazy_pgettext
from sqlalchemy import func, select, tuple_, update

from lms import events
from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.config import LOCALES
from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.learning.models import Activity
from lms.quizzes.models import QuizAttempt
from lms.xapi import statements
from lms.xapi.models import StatementStatus, XapiActor, XapiStatement

#: How each verb reads, in every UI language (the statement's verb.display).
VERB_DISPLAYS = {
    "enrolled": lazy_pgettext("xAPI verb", "registered"),
    "lesson_completed": lazy_pgettext("xAPI verb", "completed"),
    "course_completed": lazy_pgettext("xAPI verb", "completed"),
    "quiz_started": lazy_pgettext("xAPI verb", "attempted"),
    "quiz_passed": lazy_pgettext("xAPI verb", "passed"),
    "quiz_failed": lazy_pgettext("xAPI verb", "failed"),
    "certificate_issued": lazy_pgettext("xAPI verb", "earned"),
    "certificate_revoked": lazy_pgettext("xAPI verb", "revoked"),
}

#: Activities handled per query when building statements (a large assignment; history for `lms xapi replay`).
BACKFILL_CHUNK = 500


@events.subscribe(events.ACTIVITIES)
def on_activities(activities: list[Activity]) -> None:
    """Write the statements of newly recorded activities, when xAPI is on (lms.events subscriber)."""
    if current_app.config["XAPI_ENABLED"]:
        write_statements(activities, config=current_app.config)


def verb_display(verb: str) -> dict[str, str]:
    """The verb's language map: its name in kk, ru and en."""
    display = {}
    for locale in LOCALES:
        with force_locale(locale):
            display[locale] = str(VERB_DISPLAYS[verb])
    return display


def write_statements(activities: list[Activity], *, config: Mapping[str, Any]) -> list[XapiStatement]:
    """Build the statement of each reported activity and add it to the outbox (pending); return the new rows.

    Activities may be unflushed; the rows refer to them by relationship. Reads what the statements need in a fixed
    number of queries per 500 activities (an assignment enrols thousands at once). Flush only.
    """
    reported = [activity for activity in activities if activity.verb in statements.REPORTED]
    rows: list[XapiStatement] = []
    for start in range(0, len(reported), BACKFILL_CHUNK):
        rows += _write_chunk(reported[start:start + BACKFILL_CHUNK], config)
    return rows


def _write_chunk(reported: list[Activity], config: Mapping[str, Any]) -> list[XapiStatement]:
    user_ids = sorted({activity.user_id for activity in reported})
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    names = actor_names(user_ids) if config["XAPI_ACTOR"] == "account" else {}
    courses = {course.id: course for course in db.session.scalars(
        select(Course).where(Course.id.in_({a.course_id for a in reported if a.course_id is not None})))}
    lessons = _lessons(reported)
    attempts = _attempts(reported)
    serials = {a.details.get("serial") for a in reported if a.verb.startswith("certificate_") and a.details}
    certificate_languages = dict(db.session.execute(
        select(Certificate.serial, Certificate.language).where(Certificate.serial.in_(serials - {None}))).all()
    ) if serials else {}
    base_url = config["BASE_URL"]
    platform = config["ISSUER_NAME"]
    displays = {verb: verb_display(verb) for verb in {activity.verb for activity in reported}}
    rows = []
    for activity in reported:
        user, course = users.get(activity.user_id), courses.get(activity.course_id)
        if user is None or course is None:
            continue
        actor = (statements.agent_account(base_url, names[user.id]) if config["XAPI_ACTOR"] == "account"
                 else statements.agent_mbox(user.email))
        event = _event(activity, user=user, course=course, actor=actor, lessons=lessons, attempts=attempts,
                       default_locale=config["DEFAULT_LOCALE"],
                       certificate_language=certificate_languages.get((activity.details or {}).get("serial")))
        statement = statements.build_statement(event, base_url=base_url, platform=platform,
                                               verb_display=displays[activity.verb])
        rows.append(XapiStatement(activity=activity, statement_id=event.statement_id, statement=statement,
                                  status=StatementStatus.PENDING, event_at=activity.at,
                                  next_attempt_at=activity.at))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def actor_names(user_ids: list[int]) -> dict[int, str]:
    """{user id: the learner's opaque xAPI name}, giving a new random one to those who have none yet."""
    if not user_ids:
        return {}
    names = dict(db.session.execute(select(XapiActor.user_id, XapiActor.name)
                                    .where(XapiActor.user_id.in_(user_ids))).all())
    missing = [user_id for user_id in user_ids if user_id not in names]
    if missing:
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        for start in range(0, len(missing), 500):
            rows = [{"user_id": user_id, "name": str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))}
                    for user_id in missing[start:start + 500]]
            # Another request naming the same learner at the same moment keeps its name; it is read back below.
            db.session.execute(insert(XapiActor).values(rows).on_conflict_do_nothing(index_elements=["user_id"]))
        names.update(db.session.execute(select(XapiActor.user_id, XapiActor.name)
                                        .where(XapiActor.user_id.in_(missing))).all())
    return names


def _lessons(activities: list[Activity]) -> dict[tuple[int, str], Lesson]:
    keys = {(a.course_id, a.object_key) for a in activities if a.verb == "lesson_completed" and a.object_key}
    if not keys:
        return {}
    found = db.session.scalars(select(Lesson).where(tuple_(Lesson.course_id, Lesson.key).in_(keys)))
    return {(lesson.course_id, lesson.key): lesson for lesson in found}


def _attempts(activities: list[Activity]) -> dict[tuple[int, int, int], QuizAttempt]:
    keys = {(a.user_id, a.course_id, a.details.get("attempt")) for a in activities
            if a.verb.startswith("quiz_") and a.details.get("attempt") is not None}
    if not keys:
        return {}
    found = db.session.scalars(select(QuizAttempt).where(
        tuple_(QuizAttempt.user_id, QuizAttempt.course_id, QuizAttempt.number).in_(keys),
        QuizAttempt.is_preview.is_(False)))
    return {(attempt.user_id, attempt.course_id, attempt.number): attempt for attempt in found}


def _event(activity: Activity, *, user: User, course: Course, actor: dict, lessons, attempts,
           default_locale: str, certificate_language: str | None) -> statements.Event:
    details = activity.details or {}
    attempt = attempts.get((activity.user_id, activity.course_id, details.get("attempt")))
    lesson = lessons.get((activity.course_id, activity.object_key))
    # The language the learner used for this event; else the one they chose for the site; else the default.
    language = (details.get("language") or (attempt.language if attempt else None) or certificate_language
                or user.locale or default_locale)
    duration = None
    if attempt is not None and attempt.submitted_at is not None and activity.verb != "quiz_started":
        duration = int((attempt.submitted_at - attempt.started_at).total_seconds())
    agency = user.agency
    return statements.Event(
        statement_id=str(uuid.uuid4()), verb=activity.verb, at=activity.at, actor=actor,
        course_key=course.key, course_titles=course.title or {}, content_version=activity.content_version,
        language=language,
        agency=statements.Agency(agency.code, agency.names) if agency is not None else None,
        lesson_key=activity.object_key if activity.verb == "lesson_completed" else None,
        lesson_titles=_lesson_titles(lesson) if lesson is not None else {},
        attempt=details.get("attempt"), score_percent=details.get("score"), pass_mark=details.get("pass_mark"),
        duration_seconds=duration, serial=details.get("serial"),
    )


def _lesson_titles(lesson: Lesson) -> dict[str, str]:
    """The lesson's title in each language it is written in."""
    return {language: entry.get("title", "") for language, entry in (lesson.outline or {}).items()}


# --- history and the backlog ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replay:
    """What `lms xapi replay` did."""

    #: Statements built now for events recorded while xAPI was off.
    built: int
    #: Statements queued to be sent again (the built ones included).
    queued: int


def replay(since: datetime, *, config: Mapping[str, Any], now: datetime) -> Replay:
    """Queue every statement of events since `since` to be sent again, first building those of events recorded
    while xAPI was off. The statements keep their ids, so the LRS stores none twice. Flush only."""
    built = 0
    while True:
        chunk = list(db.session.scalars(
            select(Activity).outerjoin(XapiStatement, XapiStatement.activity_id == Activity.id)
            .where(Activity.at >= since, XapiStatement.id.is_(None), Activity.verb.in_(statements.REPORTED))
            .order_by(Activity.at, Activity.id).limit(BACKFILL_CHUNK)))
        if not chunk:
            break
        built += len(write_statements(chunk, config=config))
        if len(chunk) < BACKFILL_CHUNK:
            break
    queued = db.session.execute(
        update(XapiStatement).where(XapiStatement.event_at >= since).values(
            status=StatementStatus.PENDING, attempts=0, next_attempt_at=now, last_error="", sent_at=None)
    ).rowcount
    return Replay(built=built, queued=queued)


@dataclass(frozen=True)
class Backlog:
    """The outbox at a glance (`lms xapi status`)."""

    pending: int
    sent: int
    rejected: int
    #: The event time of the oldest statement still waiting, if any.
    oldest_pending_at: datetime | None
    #: When the next delivery is due (after a failure: the end of the backoff).
    next_attempt_at: datetime | None
    #: Failed deliveries of the statement at the head of the queue, and why the last one failed.
    head_attempts: int
    last_error: str
    last_sent_at: datetime | None


def get_backlog() -> Backlog:
    """Counts by status, the head of the queue and the last delivery."""
    counts = dict(db.session.execute(select(XapiStatement.status, func.count())
                                     .group_by(XapiStatement.status)).all())
    head = next_pending()
    return Backlog(
        pending=counts.get(StatementStatus.PENDING, 0), sent=counts.get(StatementStatus.SENT, 0),
        rejected=counts.get(StatementStatus.REJECTED, 0),
        oldest_pending_at=head.event_at if head else None,
        next_attempt_at=head.next_attempt_at if head else None,
        head_attempts=head.attempts if head else 0, last_error=head.last_error if head else "",
        last_sent_at=db.session.scalar(select(func.max(XapiStatement.sent_at))),
    )


def next_pending() -> XapiStatement | None:
    """The statement at the head of the queue: pending, earliest event first."""
    return db.session.scalar(select(XapiStatement).where(XapiStatement.status == StatementStatus.PENDING)
                             .order_by(XapiStatement.event_at, XapiStatement.id).limit(1))


def list_due(*, now: datetime, limit: int) -> list[tuple[int, dict]]:
    """The next batch to send, in order: (row id, statement) of the first `limit` pending statements, or nothing
    while the head of the queue waits out its backoff (so that statements arrive in the order of their events)."""
    rows = db.session.execute(
        select(XapiStatement.id, XapiStatement.statement, XapiStatement.next_attempt_at)
        .where(XapiStatement.status == StatementStatus.PENDING)
        .order_by(XapiStatement.event_at, XapiStatement.id).limit(limit)).all()
    if not rows or rows[0].next_attempt_at > now:
        return []
    return [(row.id, row.statement) for row in rows]


def record_outcomes(outcomes: Mapping[int, tuple[str, str]], *, now: datetime, retry_seconds: int,
                    retry_max_seconds: int) -> None:
    """Record what the LRS made of each statement: {row id: (sent | rejected | retry, error)}. A retry waits
    retry_seconds, doubled with each failure up to retry_max_seconds. Flush only."""
    for row in db.session.scalars(select(XapiStatement).where(XapiStatement.id.in_(list(outcomes)))):
        outcome, error = outcomes[row.id]
        if row.status != StatementStatus.PENDING:
            continue
        if outcome == "sent":
            row.status, row.sent_at, row.last_error = StatementStatus.SENT, now, ""
        elif outcome == "rejected":
            row.status, row.last_error = StatementStatus.REJECTED, error[:2000]
        else:
            row.attempts += 1
            wait = min(retry_seconds * 2 ** (row.attempts - 1), retry_max_seconds)
            row.next_attempt_at, row.last_error = now + timedelta(seconds=wait), error[:2000]
    db.session.flush()
