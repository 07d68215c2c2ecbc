"""Write small, valid course folders for the course tests, with parameters to tweak them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
  <rect x="1" y="1" width="118" height="38" fill="#eef" stroke="#336"/>
  <text x="10" y="25" font-size="14">Lifecycle</text>
</svg>
"""

DEFAULT_LESSONS = ("intro", "data-basics", "wrap-up")

LESSON_TITLES = {
    "en": "{name} lesson",
    "ru": "Урок {name}",
    "kk": "{name} сабағы",
}


def _lesson_text(lesson_id: str, lang: str, index: int, lessons: Sequence[str]) -> str:
    name = lesson_id.replace("-", " ").title()
    title = LESSON_TITLES[lang].format(name=name)
    body_word = {"en": "English", "ru": "Русский", "kk": "Қазақша"}[lang]
    lines = [
        "---",
        f"title: {title}",
        f"estimated_minutes: {10 + index}",
        "---",
        "",
        f"{body_word} text of {lesson_id}.",
        "",
        "## Main idea",
        "",
    ]
    if index == 0:
        lines += ["![Diagram of the lifecycle](../media/diagram.svg)", ""]
    if index + 1 < len(lessons):
        lines += [f"Next, read [the next lesson]({lessons[index + 1]}.md).", ""]
    return "\n".join(lines) + "\n"


def write_course(
    directory: Path,
    *,
    course_id: str = "test-course",
    title: dict[str, str] | None = None,
    competency_area: str = "foundations",
    level: str = "beginner",
    estimated_minutes: int = 45,
    lessons: Sequence[str] = DEFAULT_LESSONS,
    languages: Sequence[str] = ("en", "ru"),
    default_language: str = "en",
    quiz: bool = True,
    pass_mark: int = 70,
    ai_content: bool = True,
    media_ai_content: bool = True,
    self_enrollment: bool = True,
    enrollment_approval: bool = False,
) -> Path:
    """Write a valid course into `directory` (created if needed) and return it.

    The manifest is course.yml; every lesson has a file per language in `languages`, which must include
    `default_language` (the quiz is written in English, so keep that the default). The first lesson shows
    media/diagram.svg (declared in the manifest with an AI label, unless `media_ai_content` is false) and each
    lesson links to the next; quiz.yml has single, multiple, true/false, short text and numeric questions.
    `ai_content` puts an AI-content declaration (assisted, Test Assistant) in the manifest; `enrollment_approval`
    adds `enrollment_approval: true` (self-enrolment waits for the line manager's approval).
    """
    directory = Path(directory)
    (directory / "lessons").mkdir(parents=True, exist_ok=True)
    (directory / "media").mkdir(exist_ok=True)
    default = default_language
    assert default in languages
    title = title or {"en": "Test course", "ru": "Тестовый курс"}
    title = {lang: text for lang, text in title.items() if lang in languages} or {default: "Test course"}
    manifest = [
        f"id: {course_id}",
        f"default_language: {default}",
        "title:",
        *(f'  {lang}: "{text}"' for lang, text in title.items()),
        "summary:",
        *(f'  {lang}: "Summary of {text}"' for lang, text in title.items()),
        f"competency_area: {competency_area}",
        f"level: {level}",
        f"estimated_minutes: {estimated_minutes}",
        f"self_enrollment: {'true' if self_enrollment else 'false'}",
        *(["enrollment_approval: true"] if enrollment_approval else []),
        "certificate: true",
    ]
    if ai_content:
        manifest += ["ai_content:", "  kind: assisted", "  tool: Test Assistant"]
    manifest += ["lessons:", *(f"  - {lesson_id}" for lesson_id in lessons)]
    if quiz:
        manifest.append("quiz: quiz.yml")
    manifest += ["media:", "  - file: media/diagram.svg"]
    if media_ai_content:
        manifest += ["    ai_content:", "      kind: generated", "      tool: Diagram Bot"]
    (directory / "course.yml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    for index, lesson_id in enumerate(lessons):
        for lang in languages:
            path = directory / "lessons" / f"{lesson_id}.{lang}.md"
            path.write_text(_lesson_text(lesson_id, lang, index, lessons), encoding="utf-8")
    (directory / "media" / "diagram.svg").write_text(SVG, encoding="utf-8")
    if quiz:
        (directory / "quiz.yml").write_text(quiz_text(pass_mark=pass_mark), encoding="utf-8")
    return directory


def quiz_text(*, pass_mark: int = 70) -> str:
    """A valid quiz.yml with five question types."""
    return f"""id: final
pass_mark: {pass_mark}
max_attempts: 3
questions:
  - id: q-single
    type: single
    text:
      en: Which statement is true?
      ru: Какое утверждение верно?
    options:
      - id: a
        text: {{en: The right one, ru: Верное}}
        correct: true
      - id: b
        text: {{en: The wrong one, ru: Неверное}}
  - id: q-multiple
    type: multiple
    text: {{en: "Which are personal data?"}}
    options:
      - {{id: a, text: {{en: A full name}}, correct: true}}
      - {{id: b, text: {{en: An IIN}}, correct: true}}
      - {{id: c, text: {{en: The weather}}}}
  - id: q-true-false
    type: true_false
    text: {{en: AI content must be labelled.}}
    answer: true
  - id: q-short
    type: short_text
    text: {{en: "The two-letter abbreviation for artificial intelligence?"}}
    accepted:
      en: [AI]
      ru: [ИИ, AI]
  - id: q-number
    type: numeric
    text: {{en: "How many civil servants in the first stage?"}}
    answer: 2000
    tolerance: 0
"""


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path` (fails loudly when it is not there once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based number of the only line of `path` that contains `needle`."""
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found} of {path}"
    return found[0]


FRAMEWORK = """\
levels:
  - {level: 1, title: {en: Aware, ru: Осведомлённость, kk: Хабардарлық},
     description: {en: Knows, ru: Знает, kk: Біледі}}
  - {level: 2, title: {en: Practitioner, ru: Применение, kk: Қолдану}, description: {en: Does, ru: Делает, kk: Жасайды}}
areas:
  - {id: foundations, title: {en: Foundations, ru: Основы, kk: Негіздер}}
  - {id: generative-ai, title: {en: Generative AI, ru: Генеративный ИИ, kk: Генеративтік ЖИ}}
  - {id: ethics-law, title: {en: Ethics and law, ru: Этика и право, kk: Этика және құқық}}
  - {id: data, title: {en: Data, ru: Данные, kk: Деректер}}
  - {id: management, title: {en: Management, ru: Управление, kk: Басқару}}
competencies:
  - id: ai-concepts
    area: foundations
    title: {en: AI concepts, ru: Понятия ИИ, kk: ЖИ ұғымдары}
    description: {en: Explains AI, ru: Объясняет ИИ, kk: ЖИ-ді түсіндіреді}
  - id: risk
    area: ethics-law
    title: {en: Risk, ru: Риск, kk: Тәуекел}
    description: {en: Classifies risk, ru: Классифицирует риск, kk: Тәуекелді жіктейді}
"""


def write_framework(root: Path, text: str = FRAMEWORK) -> Path:
    """Write courses/competencies.yml (two levels, the five course areas, competencies ai-concepts and risk)."""
    path = Path(root) / "competencies.yml"
    path.write_text(text, encoding="utf-8")
    return path


def tag_course(directory: Path, refs: Sequence[tuple[str, int]]) -> None:
    """Add `competencies:` (id, level pairs) to the manifest of the course in `directory`."""
    lines = "".join(f"  - {{id: {key}, level: {level}}}\n" for key, level in refs)
    with (Path(directory) / "course.yml").open("a", encoding="utf-8") as fh:
        fh.write("competencies:\n" + lines)
