"""The default provider, with no model: quotes the retrieved passages, drafts questions by fixed templates.

Question templates (docs in README, "AI assistance"), applied in turn to the lesson's passages:

1. statement (true_false): a sentence of the lesson, as written, is offered as true. The author turns some into
   false statements when reviewing.
2. gap (short_text): a sentence with one word of its section heading blanked out; the word is the accepted answer.
3. section (single): "Which section of the lesson covers this?" over a sentence, with up to four section headings
   as the options and its own heading correct.
"""

from __future__ import annotations

import re

from lms.ai.actions import Action, AIRequest, AIResult, DraftQuestion, Passage

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9«\"(])")
_WORD = re.compile(r"\w{6,}")


def sentences(text: str) -> list[str]:
    """The sentences of a passage that stand on their own (40 to 220 characters, ending with a full stop)."""
    return [s.strip() for s in _SENTENCE.split(text) if 40 <= len(s.strip()) <= 220 and s.strip().endswith(".")]


class ExtractiveProvider:
    """Answers with the course's own words: the best passages, quoted, or a plain "nothing answers this"."""

    name = "extractive"
    is_external = False

    def supports(self, action: Action) -> bool:
        """Every action."""
        return True

    def is_configured(self, settings: dict) -> bool:
        """Always: it needs nothing."""
        return True

    def describe(self, settings: dict) -> tuple[str, str]:
        """(model, version) for the log."""
        return "bm25-char-ngrams", "1"

    def run(self, request: AIRequest, settings: dict) -> AIResult:
        """Quote passages (tutor), draft questions or pick lead sentences (summary)."""
        model, version = self.describe(settings)
        if request.action == Action.QUESTION_DRAFTS:
            drafts = draft_questions(request.passages, request.count)
            return AIResult(text="\n".join(d.text for d in drafts), passages=tuple(d.passage for d in drafts),
                            drafts=tuple(drafts), model=model, model_version=version, prompt=request.course_key)
        if request.action == Action.LESSON_SUMMARY:
            picked = [(p, sentences(p.text)[:1] or [p.text[:220]]) for p in request.passages[:request.count]]
            text = "\n".join(f"- {first[0]}" for _p, first in picked)
            return AIResult(text=text, passages=tuple(p for p, _first in picked), model=model,
                            model_version=version, prompt=request.course_key)
        if not request.passages:
            return AIResult(text="", answered=False, model=model, model_version=version, prompt=request.question)
        text = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(request.passages, 1))
        return AIResult(text=text, passages=request.passages, model=model, model_version=version,
                        prompt=request.question)


def draft_questions(passages: tuple[Passage, ...], count: int) -> list[DraftQuestion]:
    """Up to `count` drafts from `passages`, the three templates in turn (see the module docstring)."""
    headings = list(dict.fromkeys(p.heading for p in passages if p.heading))
    drafts: list[DraftQuestion] = []
    used: set[str] = set()
    template = 0
    for passage in passages:
        for sentence in sentences(passage.text):
            if len(drafts) >= count:
                return drafts
            if sentence in used:
                continue
            draft = _draft(template % 3, sentence, passage, headings)
            if draft is not None:
                drafts.append(draft)
                used.add(sentence)
                template += 1
    return drafts


def _draft(template: int, sentence: str, passage: Passage, headings: list[str]) -> DraftQuestion | None:
    if template == 0:
        return DraftQuestion("true_false", sentence, passage, answer=True)
    if template == 1:
        heading_words = {w.lower() for w in _WORD.findall(passage.heading)}
        word = next((w for w in _WORD.findall(sentence) if w.lower() in heading_words), None)
        word = word or max(_WORD.findall(sentence), key=len, default=None)
        if word is None:
            return None
        gap = re.sub(rf"\b{re.escape(word)}\b", "_____", sentence, count=1)
        return DraftQuestion("short_text", gap, passage, accepted=(word.lower(),))
    others = [h for h in headings if h != passage.heading][:3]
    if not passage.heading or not others:
        return None
    options = sorted([(passage.heading, True), *((h, False) for h in others)], key=lambda o: o[0])
    return DraftQuestion("single", sentence, passage, options=tuple(options))
