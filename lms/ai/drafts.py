"""Draft quiz questions for authors (`lms ai draft-questions`): a quiz file of AI-generated, unreviewed questions.

The questions come from the lesson files (the author's working tree) through the AI manager (logged like every
other AI output), and each carries `ai_generated` (system, model, date) and an empty `reviewed_by`: `lms courses
check` refuses such a question in a live quiz.yml until a person has reviewed it and put their name there.
"""

from __future__ import annotations

from datetime import datetime

import yaml

from lms.ai import labels, manager, retrieval
from lms.ai.actions import Action, AIRequest, DraftQuestion
from lms.ai.manager import Outcome
from lms.courses import content as c

#: The question text around a drafted sentence, per template and language (the file's text, not the UI's).
FRAMES = {
    "true_false": {"en": "True or false? {sentence}", "ru": "Верно или нет? {sentence}",
                   "kk": "Дұрыс па, жоқ па? {sentence}"},
    "short_text": {"en": "Fill in the gap: {sentence}", "ru": "Заполните пропуск: {sentence}",
                   "kk": "Бос орынды толтырыңыз: {sentence}"},
    "single": {"en": "Which section of the lesson \u00ab{lesson}\u00bb says this: {sentence}",
               "ru": "В каком разделе урока \u00ab{lesson}\u00bb сказано: {sentence}",
               "kk": "\u00ab{lesson}\u00bb сабағының қай бөлімінде былай делінген: {sentence}"},
}


class UnknownLesson(ValueError):
    """The course has no lesson with that id."""


def draft_questions(course: c.Course, *, lesson_id: str | None, count: int, settings: dict,
                    now: datetime) -> tuple[Outcome, str]:
    """Draft `count` questions from one lesson (or all) of `course` in its default language.

    Returns the manager's outcome (its log entries added to the session) and the text of the draft quiz file.
    Raises UnknownLesson, or manager.AIRefused when question drafts are switched off.
    """
    manager.check_allowed(Action.QUESTION_DRAFTS, user=None, agency_code=None, settings=settings, now=now)
    lessons = [lesson for lesson in course.lessons if lesson_id in (None, lesson.id)]
    if not lessons:
        raise UnknownLesson(lesson_id)
    language = course.default_language
    passages = []
    for lesson in lessons:
        variant = lesson.variants[language]
        passages += retrieval.split_passages(course.id, retrieval.LessonText(lesson.id, variant.title, language,
                                                                             variant.body))
    request = AIRequest(Action.QUESTION_DRAFTS, language=language, course_key=course.id, passages=tuple(passages),
                        count=count)
    outcome = manager.run(request, user=None, agency_id=None, settings=settings, now=now)
    system = labels.system_name(outcome.provider, settings)
    entry = outcome.entries[-1]
    return outcome, quiz_file(outcome.result.drafts, language=language, system=system, model=entry.model,
                              day=now.date().isoformat())


def _question(number: int, draft: DraftQuestion, *, language: str, system: str, model: str, day: str) -> dict:
    frame = FRAMES[draft.type][language]
    question: dict = {"id": f"ai-draft-{draft.passage.lesson_key}-{number}", "type": draft.type,
                      "topic": draft.passage.lesson_key,
                      "text": {language: frame.format(sentence=draft.text, lesson=draft.passage.lesson_title)}}
    if draft.type == "true_false":
        question["answer"] = bool(draft.answer)
    elif draft.type == "short_text":
        question["accepted"] = {language: list(draft.accepted)}
    else:
        question["options"] = [{"id": "abcd"[i], "text": {language: text}, **({"correct": True} if right else {})}
                               for i, (text, right) in enumerate(draft.options)]
    question["explanation"] = {language: draft.passage.text[:600]}
    question["ai_generated"] = {"system": system, "model": model, "date": day}
    question["reviewed_by"] = ""
    return question


def quiz_file(drafts, *, language: str, system: str, model: str, day: str) -> str:
    """The draft quiz file: a header saying what it is, then a quiz of the drafted questions."""
    questions = [_question(i, d, language=language, system=system, model=model, day=day)
                 for i, d in enumerate(drafts, 1)]
    header = (f"# Draft quiz questions made by an AI system ({system}) on {day}. None of them is reviewed.\n"
              "# Check each one against the lesson, correct it (turn some statements false, add wrong options),\n"
              "# write your name in reviewed_by, then move it into quiz.yml: `lms courses check` refuses an\n"
              "# AI-generated question there until reviewed_by names the person who reviewed it.\n")
    doc = {"id": "ai-draft", "pass_mark": 70, "questions": questions}
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
