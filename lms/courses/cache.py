"""Live course content (courses, their live lessons with every language's text, current quiz settings) kept in memory
per process and app, keyed by the content version token (lms.content_version).

A request reads the token once (with the sign-in check, or one small SELECT); when it differs from the one the
cached copy was made under, the copy is dropped and loaded again (four statements, once per process per change).
So a sync committed on any instance or machine is seen by every other one on its next request, with no timer.

Only content is kept here, never a learner's data. A request gets its own copies, attached to its session
(Session.merge with load=False: no statement), so nothing is shared between requests or threads but the read-only
cached originals. A session holding unflushed content writes, or a database without a token, reads the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, attributes

from lms import content_version
from lms.courses.models import Course, Lesson, Programme, QuizVersion
from lms.extensions import db

_EXTENSION = "lms_content_cache"


@dataclass(frozen=True)
class _Live:
    """The live content as one token saw it: detached originals, never handed out themselves."""

    by_key: dict[str, Course]
    by_id: dict[int, Course]
    lessons: dict[int, list[Lesson]]
    quizzes: dict[int, QuizVersion]
    #: Lesson row id -> its stored content (every language's text). Kept apart: the lessons handed out leave their
    #: `content` unloaded, as lesson lists read from the database do.
    contents: dict[int, dict]
    #: The live programmes, by key order (lms.programmes).
    programmes: tuple[Programme, ...] = ()


class ContentCache:
    """One app's cached content: (token, _Live), replaced as a whole when the token changes."""

    def __init__(self) -> None:
        self._current: tuple[str, _Live] | None = None
        self._lock = threading.Lock()
        #: How many times the content was loaded from the database (tests and the benchmark read it).
        self.loads = 0

    def get(self, token: str, session: Session) -> _Live:
        """The live content for `token`, loaded through `session`'s connection when not cached yet."""
        current = self._current
        if current is not None and current[0] == token:
            return current[1]
        with self._lock:  # one load per change, not one per thread
            current = self._current
            if current is not None and current[0] == token:
                return current[1]
            live = _load(session)
            self.loads += 1
            self._current = (token, live)
            return live


def _load(session: Session) -> _Live:
    # A side session on the same connection: same transaction (it sees what the token says), and the objects it
    # loads are detached when it closes, untouched by the request's own session (its expiry on commit included).
    with Session(bind=session.connection()) as side:
        courses = list(side.scalars(select(Course).where(Course.is_retired.is_(False))))
        lessons: dict[int, list[Lesson]] = {course.id: [] for course in courses}
        by_id = {course.id: course for course in courses}
        contents: dict[int, dict] = {}
        for lesson, content in side.execute(select(Lesson, Lesson.content)
                                            .join(Course, Course.id == Lesson.course_id)
                                            .where(Course.is_retired.is_(False), Lesson.is_retired.is_(False))
                                            .order_by(Lesson.course_id, Lesson.position)):
            attributes.set_committed_value(lesson, "course", by_id[lesson.course_id])
            lessons[lesson.course_id].append(lesson)
            contents[lesson.id] = content
        quizzes = {quiz.course_id: quiz for quiz in side.scalars(
            select(QuizVersion).join(Course, Course.id == QuizVersion.course_id)
            .where(Course.is_retired.is_(False), QuizVersion.is_current.is_(True)))}
        programmes = tuple(side.scalars(select(Programme).where(Programme.is_retired.is_(False))
                                        .order_by(Programme.key)))
    return _Live(by_key={course.key: course for course in courses}, by_id=by_id, lessons=lessons, quizzes=quizzes,
                 contents=contents, programmes=programmes)


def live_content() -> _Live | None:
    """The cached live content for this transaction's token, or None when the database must be read instead."""
    session = db.session()
    if content_version.has_pending_content(session):
        return None
    token = content_version.current_token(session)
    if token is None:
        return None
    cache = current_app.extensions.get(_EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(_EXTENSION, ContentCache())
    return cache.get(token, session)


def attach(obj):
    """The request's own copy of a cached object, in its session (no statement)."""
    return db.session.merge(obj, load=False)


def loads() -> int:
    """How many times this app loaded the content (0 before the first cached read)."""
    cache = current_app.extensions.get(_EXTENSION)
    return cache.loads if cache is not None else 0
