"""AI use cases: the course tutor, the notice a person accepts first, the log's retention and its queries."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import undefer

from lms.accounts.models import User
from lms.ai import manager, retrieval
from lms.ai.actions import Action, AIRequest
from lms.ai.manager import AIRefused, Outcome, split_setting
from lms.ai.models import AILogEntry, AINoticeAcceptance
from lms.ai.providers import PROVIDERS
from lms.ai.redact import without_personal_data
from lms.audit.services import audit
from lms.courses.models import Course, Lesson, QuizVersion
from lms.extensions import db
from lms.quizzes.models import AttemptStatus, QuizAttempt
from lms.quizzes.services import GRACE

#: The version of the AI notice text (lms/templates/ai/notice.html); a new version is accepted again.
NOTICE_VERSION = "2026-1"
#: The longest question the tutor takes.
MAX_QUESTION_CHARS = 500


def active_providers(settings: dict) -> list[str]:
    """The configured providers of AI_PROVIDERS in order, ending with the extractive fallback."""
    return manager.provider_chain(Action.TUTOR_ANSWER, settings)


def external_providers(settings: dict) -> list[str]:
    """The active providers that send text off this server."""
    return [name for name in active_providers(settings) if PROVIDERS[name].is_external]


def has_accepted_notice(user: User, settings: dict) -> bool:
    """Whether `user` accepted the current notice naming the current providers."""
    providers = ",".join(active_providers(settings))
    return db.session.scalar(select(AINoticeAcceptance.id).where(
        AINoticeAcceptance.user_id == user.id, AINoticeAcceptance.version == NOTICE_VERSION,
        AINoticeAcceptance.providers == providers).limit(1)) is not None


def accept_notice(user: User, *, settings: dict, now: datetime, ip: str) -> AINoticeAcceptance:
    """Record that `user` accepted the current notice (with its version and providers); audited."""
    providers = ",".join(active_providers(settings))
    acceptance = AINoticeAcceptance(user_id=user.id, version=NOTICE_VERSION, providers=providers, accepted_at=now,
                                    ip=ip[:64])
    db.session.add(acceptance)
    audit("ai.notice_accepted", actor=user, now=now, ip=ip, object_type="user", object_id=user.id,
          details={"version": NOTICE_VERSION, "providers": providers})
    return acceptance


def has_open_attempt(user: User, course: Course, *, now: datetime) -> bool:
    """Whether `user` has an open, counting attempt at the course's quiz whose time (plus the quiz's grace) has not
    run out: an attempt past its deadline is closed as expired when next touched, and holds nothing back."""
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id, QuizAttempt.is_preview.is_(False),
        QuizAttempt.status == AttemptStatus.OPEN))
    return attempt is not None and (attempt.deadline_at is None or attempt.deadline_at + GRACE > now)


def lesson_texts(course: Course, locale: str) -> list[retrieval.LessonText]:
    """The course's live lessons in `locale`, falling back as the lesson pages do."""
    lessons = db.session.scalars(select(Lesson).options(undefer(Lesson.content)).where(
        Lesson.course_id == course.id, Lesson.is_retired.is_(False)).order_by(Lesson.position))
    texts = []
    for lesson in lessons:
        language, variant = lesson.variant(locale, course.default_language)
        texts.append(retrieval.LessonText(lesson.key, variant["title"], language, variant["body"]))
    return texts


def quiz_texts(course: Course) -> tuple[str, ...]:
    """Every text of the course's quiz pools (questions, options, explanations): never used as passages."""
    return tuple(text for questions in db.session.scalars(select(QuizVersion.questions).where(
        QuizVersion.course_id == course.id)) for text in retrieval.pool_texts(questions))


def index_for(course: Course, locale: str) -> retrieval.CourseIndex:
    """The retrieval index of the course in `locale` (built once per course version and language)."""
    def build():
        passages = [p for lesson in lesson_texts(course, locale) for p in retrieval.split_passages(course.key, lesson)]
        return retrieval.CourseIndex(passages, excluded=quiz_texts(course))
    return retrieval.course_index((course.id, course.version, locale), build)


def ask_tutor(user: User, course: Course, question: str, *, locale: str, settings: dict, now: datetime) -> Outcome:
    """Answer `question` about `course` from its lessons (the providers in order, each attempt logged).

    Raises AIRefused: "notice" before the person accepted the notice, "open_attempt" while they have an open
    graded attempt at the course's quiz, "disabled" or "rate_limited" per the settings.
    """
    agency_code = user.agency.code if user.agency is not None else None
    manager.check_allowed(Action.TUTOR_ANSWER, user=user, agency_code=agency_code, settings=settings, now=now)
    if not has_accepted_notice(user, settings):
        raise AIRefused("notice")
    if has_open_attempt(user, course, now=now):
        raise AIRefused("open_attempt")
    question = question.strip()[:MAX_QUESTION_CHARS]
    found, coverage = index_for(course, locale).search(without_personal_data(question, (user.full_name,)), k=3)
    passages = tuple(found) if coverage >= retrieval.MIN_COVERAGE else ()
    request = AIRequest(Action.TUTOR_ANSWER, language=locale, course_key=course.key, question=question,
                        passages=passages, names=(user.full_name,))
    return manager.run(request, user=user, agency_id=user.agency_id, settings=settings, now=now)


def purge_expired(*, now: datetime, days: int) -> int:
    """Clear the prompts and outputs of log entries older than `days` days; the entries stay. Returns how many."""
    result = db.session.execute(update(AILogEntry).where(
        AILogEntry.at < now - timedelta(days=days), AILogEntry.purged_at.is_(None)).values(
        prompt=None, output=None, purged_at=now))
    return result.rowcount or 0


def log_query(*, action: str | None = None, provider: str | None = None, course_key: str | None = None,
              user_email: str | None = None, success: bool | None = None, since: datetime | None = None,
              until: datetime | None = None) -> Select:
    """The AI log, newest first, with the given filters."""
    query = select(AILogEntry).order_by(AILogEntry.id.desc())
    if action:
        query = query.where(AILogEntry.action == action)
    if provider:
        query = query.where(AILogEntry.provider == provider)
    if course_key:
        query = query.where(AILogEntry.course_key == course_key)
    if user_email:
        query = query.join(User, User.id == AILogEntry.user_id).where(User.email == user_email.lower())
    if success is not None:
        query = query.where(AILogEntry.is_success.is_(success))
    if since is not None:
        query = query.where(AILogEntry.at >= since)
    if until is not None:
        query = query.where(AILogEntry.at < until)
    return query


def disabled_agencies(settings: dict) -> list[str]:
    """The agency codes for which the AI is switched off."""
    return split_setting(settings.get("AI_DISABLED_AGENCIES", ""))
