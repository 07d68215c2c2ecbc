"""Lesson summaries (`lms ai summarise`): the lesson's passages summarised by the first provider that succeeds."""

from __future__ import annotations

from datetime import datetime

from lms.ai import manager, retrieval
from lms.ai.actions import Action, AIRequest
from lms.ai.drafts import UnknownLesson
from lms.ai.manager import Outcome
from lms.courses import content as c

#: How many passages (the lead sentence of each, for the extractive provider) a summary covers.
SUMMARY_PASSAGES = 5


def summarise_lesson(course: c.Course, *, lesson_id: str, language: str, settings: dict,
                     now: datetime) -> Outcome:
    """Summarise one lesson of `course` in `language` (the course's default when the lesson lacks it); logged.

    Raises UnknownLesson, or manager.AIRefused when summaries are switched off.
    """
    manager.check_allowed(Action.LESSON_SUMMARY, user=None, agency_code=None, settings=settings, now=now)
    lesson = next((item for item in course.lessons if item.id == lesson_id), None)
    if lesson is None:
        raise UnknownLesson(lesson_id)
    variant = lesson.variants.get(language) or lesson.variants[course.default_language]
    passages = retrieval.split_passages(course.id, retrieval.LessonText(lesson.id, variant.title, variant.language,
                                                                        variant.body))
    request = AIRequest(Action.LESSON_SUMMARY, language=variant.language, course_key=course.id,
                        passages=tuple(passages[:SUMMARY_PASSAGES]), count=SUMMARY_PASSAGES)
    return manager.run(request, user=None, agency_id=None, settings=settings, now=now)
