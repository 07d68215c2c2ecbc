"""The questionnaire a course asks: its own (course.yml `evaluation:`) or the default questions below."""

from __future__ import annotations

from dataclasses import dataclass

from lms.i18n import localized

#: The default questions (Kirkpatrick level 1: satisfaction, relevance, clarity, confidence to apply), 1-5 scales.
DEFAULT_QUESTIONS: tuple[tuple[str, dict[str, str]], ...] = (
    ("overall", {
        "kk": "Жалпы алғанда, курсқа қаншалықты ризасыз?",
        "ru": "В целом, насколько вы довольны курсом?",
        "en": "Overall, how satisfied are you with the course?"}),
    ("relevance", {
        "kk": "Курс сіздің жұмысыңызға қаншалықты қатысты?",
        "ru": "Насколько курс полезен для вашей работы?",
        "en": "How relevant is the course to your work?"}),
    ("clarity", {
        "kk": "Сабақтар мен материалдар қаншалықты түсінікті болды?",
        "ru": "Насколько понятными были уроки и материалы?",
        "en": "How clear were the lessons and materials?"}),
    ("confidence", {
        "kk": "Үйренгеніңізді жұмыста қолдана алатыныңызға қаншалықты сенімдісіз?",
        "ru": "Насколько вы уверены, что сможете применить изученное в работе?",
        "en": "How confident are you that you can apply what you learned at work?"}),
)


@dataclass(frozen=True)
class Questionnaire:
    """The questions a course's learners are asked: (id, texts) 1-5 scales in order, and the comment."""

    questions: tuple[tuple[str, dict[str, str]], ...]
    has_comment: bool = True
    is_default: bool = True

    @property
    def keys(self) -> tuple[str, ...]:
        """The question ids, in order."""
        return tuple(key for key, _ in self.questions)

    def text(self, key: str, locale: str) -> str:
        """Question `key`'s text in `locale` (another language when missing; the id when unknown)."""
        return next((localized(texts, locale) for k, texts in self.questions if k == key), key)


DEFAULT = Questionnaire(DEFAULT_QUESTIONS)


def questionnaire_of(course) -> Questionnaire:
    """The questionnaire of `course` (a courses.models.Course): its own, or the default one."""
    own = course.evaluation
    if not own:
        return DEFAULT
    return Questionnaire(tuple((item["id"], dict(item["text"])) for item in own["questions"]),
                         has_comment=bool(own.get("comment", True)), is_default=False)
