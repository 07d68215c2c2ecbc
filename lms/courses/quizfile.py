"""The final quiz file (quiz.yml) -> Quiz dataclass; each question is built and checked by its type (lms.questions)."""

from __future__ import annotations

from pathlib import Path

from lms.courses import content as c
from lms.courses import schema
from lms.courses.framework import Framework, competency_refs
from lms.courses.problems import Collector, ai_content, load_yaml, parse, texts
from lms.questions import TYPES
from lms.questions.base import Invalid


def load_quiz(path: Path, default: str, out: Collector, *, text: str | None = None,
              framework: Framework | None = None) -> c.Quiz | None:
    """The quiz in the file at `path` (its `text` when the caller has read it), or None with problems in `out`;
    the competencies its questions name are checked against `framework`."""
    doc = load_yaml(path, out, text=text)
    if doc is None:
        return None
    spec = parse(schema.QuizSpec, doc, path, out)
    if spec is None:
        return None
    errors_before = len(out.problems)
    questions: list[c.Question] = []
    seen: set[str] = set()
    for i, q in enumerate(spec.questions):
        line = doc.line_of(("questions", i))
        if q.id in seen:
            out.error(path, line, f"question id {q.id!r} is used twice")
            continue
        seen.add(q.id)
        refs = competency_refs(q.competencies, ("questions", i, "competencies"), doc, path, out, framework)
        question = _question(q, default, path, line, out, refs)
        if question is not None:
            questions.append(question)
            _check_languages(question, doc, ("questions", i), path, out)
            for warning in TYPES[question.type].warnings(question):
                out.warning(path, line, warning)
    topics: dict[str, int] = {}
    for q in questions:
        if q.topic:
            topics[q.topic] = topics.get(q.topic, 0) + 1
    if spec.draw and spec.draw > len(spec.questions):
        out.error(path, doc.line_of(("draw",)), f"draw {spec.draw} is more than the {len(spec.questions)} questions")
    if spec.draw and spec.draw_per_topic:
        out.error(path, doc.line_of(("draw_per_topic",)), "use either draw or draw_per_topic, not both")
    for topic, count in (spec.draw_per_topic or {}).items():
        if topics.get(topic, 0) < count:
            out.error(path, doc.line_of(("draw_per_topic", topic)),
                      f"topic {topic!r} has {topics.get(topic, 0)} questions, fewer than {count}")
    if spec.pretest and spec.pretest.questions > len(spec.questions):
        out.error(path, doc.line_of(("pretest", "questions")),
                  f"pretest questions {spec.pretest.questions} is more than the {len(spec.questions)} questions")
    if any(p.is_error for p in out.problems[errors_before:]):
        return None
    return c.Quiz(id=spec.id, pass_mark=spec.pass_mark, questions=tuple(questions), max_attempts=spec.max_attempts,
                  wait_minutes=spec.wait_minutes, time_limit_minutes=spec.time_limit_minutes, draw=spec.draw,
                  draw_per_topic=dict(spec.draw_per_topic or {}), shuffle_options=spec.shuffle_options,
                  review=spec.review, pretest_questions=spec.pretest.questions if spec.pretest else None)


def _choices(q: c.Question, where: tuple) -> list[tuple[str, dict, tuple]]:
    """(label, texts, path in the quiz file) of the question text and every option, item and pair side."""
    parts = [("the question text", q.text, (*where, "text"))]
    return parts + [(label, values, (*where, *below)) for label, values, below in TYPES[q.type].parts(q)]


def _check_languages(q: c.Question, doc, where: tuple, path: Path, out: Collector) -> None:
    """A question is the same question in every language: its text and each choice need every language any has.

    Otherwise a learner reading in that language sees some choices in another one (each text falls back on its
    own), and a choice that exists in one language only is a different question there.
    """
    parts = _choices(q, where)
    if len(parts) == 1:
        return
    for lang in sorted({lang for _label, values, _where in parts for lang in values}):
        missing = [(label, part_where) for label, values, part_where in parts if lang not in values]
        if missing:
            labels = ", ".join(label for label, _where in missing)
            verb = "has" if len(missing) == 1 else "have"
            out.error(path, doc.line_of(missing[0][1]),
                      f"question {q.id!r} has {lang} texts, but {labels} {verb} no {lang} text: the question text "
                      "and every choice need the same languages")


def _question(q, default: str, path: Path, line: int, out: Collector,
              competencies: tuple = ()) -> c.Question | None:
    text = texts(q.text, default)
    if default not in text:
        out.error(path, line, f"question {q.id!r} needs text in the default language ({default})")
        return None
    try:
        own = TYPES[q.type].build(q, default)
    except Invalid as exc:
        out.error(path, line, str(exc))
        return None
    reviewer = (q.reviewed_by or "").strip()
    declared = ai_content(q.ai_content)
    if q.ai_generated is not None:
        if not reviewer:
            out.error(path, line, f"question {q.id!r} was drafted by an AI system ({q.ai_generated.system}) and "
                      "nobody has reviewed it: a person checks it, then sets reviewed_by", code="ai-unreviewed")
            return None
        tool = " ".join(part for part in (q.ai_generated.system, q.ai_generated.model) if part)
        declared = declared or c.AIContent("generated", tool, reviewer)
    return c.Question(id=q.id, type=q.type, text=text, points=q.points, topic=q.topic,
                      explanation=texts(q.explanation, default), ai_content=declared,
                      competencies=competencies, **own)
