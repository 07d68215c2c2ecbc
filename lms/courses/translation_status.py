"""Translation status of the course files: per course and language, what is there, what is missing, what awaits review.

Pure functions over the loaded Course dataclasses (lms.courses.loader), for `lms courses status` and the admin
content page; no Flask, no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from lms.courses import content as c
from lms.questions import TYPES

#: A word: letters (any script), possibly joined by a hyphen or apostrophe ("машиналық", "e-mail", "don't").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
#: Markdown and HTML that is not text a learner reads: link and image targets, tags, URLs, callout fences.
_NOT_TEXT = re.compile(r"\]\([^)]*\)|<[^>]*>|\b[a-z][a-z0-9+.-]*://\S+|^[ \t]*:::.*$", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class LanguageStatus:
    """One course in one language."""

    language: str
    lessons_present: int
    lessons_total: int
    questions_translated: int
    questions_total: int
    #: Words of the lesson bodies in this language (front matter, link targets, tags and URLs not counted).
    words: int
    #: Lesson ids that have no file in this language, in course order.
    missing_lessons: tuple[str, ...]
    #: True when any AI-made content a reader of this language sees is declared (generated/assisted) here.
    has_ai_content: bool
    #: What AI-made content in this language has no reviewer: "course", "lesson <id>", "question <id>", "media <file>".
    unreviewed: tuple[str, ...]

    @property
    def awaiting_review(self) -> bool:
        """True when some AI-made content in this language has no `reviewer` in its declaration."""
        return bool(self.unreviewed)

    @property
    def is_complete(self) -> bool:
        """Every lesson and every quiz question exists in this language."""
        return self.lessons_present == self.lessons_total and self.questions_translated == self.questions_total

    def as_dict(self) -> dict:
        """Plain form (for JSON), with the derived flags."""
        return {**asdict(self), "missing_lessons": list(self.missing_lessons), "unreviewed": list(self.unreviewed),
                "awaiting_review": self.awaiting_review, "is_complete": self.is_complete}


@dataclass(frozen=True)
class CourseStatus:
    """One course: its titles and one LanguageStatus per language (kk, ru, en)."""

    course_id: str
    default_language: str
    title: dict[str, str]
    languages: tuple[LanguageStatus, ...]

    def as_dict(self) -> dict:
        """Plain form (for JSON)."""
        return {"course_id": self.course_id, "default_language": self.default_language, "title": dict(self.title),
                "languages": {status.language: status.as_dict() for status in self.languages}}


def count_words(markdown: str) -> int:
    """Words a reader sees in a Markdown text (link and image targets, HTML tags, URLs and ::: lines left out)."""
    return len(_WORD.findall(_NOT_TEXT.sub(" ", markdown)))


def question_languages(question: c.Question) -> set[str]:
    """The languages in which the question's text and every one of its choices (options, items, pairs) exist."""
    parts = [question.text, *(values for _label, values, _where in TYPES[question.type].parts(question))]
    return {lang for lang in c.LANGUAGES if all(part.get(lang) for part in parts)}


def _unreviewed(ai: c.AIContent | None) -> bool:
    return ai is not None and not (ai.reviewer or "").strip()


def _language_status(course: c.Course, lang: str) -> LanguageStatus:
    lessons = [lesson for lesson in course.lessons if lang in lesson.variants]
    questions = course.quiz.questions if course.quiz else ()
    translated = [q for q in questions if lang in question_languages(q)]
    ai_made, unreviewed = False, []
    has_text = lang in course.title or lang in course.summary or bool(lessons)
    if course.ai_content is not None and (lang in course.title or lang in course.summary):
        ai_made = True
        if _unreviewed(course.ai_content):
            unreviewed.append("course")
    for lesson in lessons:
        ai = lesson.variants[lang].ai_content or course.ai_content
        ai_made = ai_made or ai is not None
        if _unreviewed(ai):
            unreviewed.append(f"lesson {lesson.id}")
    for question in translated:
        ai = question.ai_content or course.ai_content
        ai_made = ai_made or ai is not None
        if _unreviewed(ai):
            unreviewed.append(f"question {question.id}")
    if lessons:  # media are the same in every language in which lessons can show them
        for media in course.media:
            ai_made = ai_made or media.ai_content is not None
            if _unreviewed(media.ai_content):
                unreviewed.append(f"media {media.file}")
    return LanguageStatus(
        language=lang, lessons_present=len(lessons), lessons_total=len(course.lessons),
        questions_translated=len(translated), questions_total=len(questions),
        words=sum(count_words(lesson.variants[lang].body) for lesson in lessons),
        missing_lessons=tuple(lesson.id for lesson in course.lessons if lang not in lesson.variants),
        has_ai_content=ai_made and has_text, unreviewed=tuple(unreviewed) if has_text else ())


def translation_status(courses: Iterable[c.Course]) -> list[CourseStatus]:
    """The status of each course in kk, ru and en, ordered by course id."""
    return [CourseStatus(course.id, course.default_language, dict(course.title),
                         tuple(_language_status(course, lang) for lang in c.LANGUAGES))
            for course in sorted(courses, key=lambda course: course.id)]


def review_label(status: LanguageStatus) -> str:
    """The review column of the text report: awaiting review, reviewed, or no AI content."""
    if status.awaiting_review:
        return "awaiting review"
    return "reviewed" if status.has_ai_content else "no AI content"


def render_text(statuses: list[CourseStatus]) -> str:
    """The course x language matrix as a plain-text table (for the terminal; English like `lms courses check`)."""
    header = ("course", "lang", "lessons", "questions", "words", "review", "missing lessons")
    rows = [header]
    for course in statuses:
        for index, s in enumerate(course.languages):
            name = course.course_id if index == 0 else ""
            lang = s.language + ("*" if s.language == course.default_language else "")
            rows.append((name, lang, f"{s.lessons_present}/{s.lessons_total}",
                         f"{s.questions_translated}/{s.questions_total}", str(s.words), review_label(s),
                         ", ".join(s.missing_lessons) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) if i in (0, 1, 5) else cell.rjust(width)
                       for i, (cell, width) in enumerate(zip(row, widths, strict=False))) + "  " + row[-1]
             for row in rows]
    lines.append("* the course's default language")
    return "\n".join(line.rstrip() for line in lines)


def render_json(statuses: list[CourseStatus]) -> str:
    """The statuses as a JSON document: {"courses": [...]} (see CourseStatus.as_dict)."""
    return json.dumps({"courses": [course.as_dict() for course in statuses]}, ensure_ascii=False, indent=2)
