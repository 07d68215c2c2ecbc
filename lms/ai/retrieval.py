"""Retrieval over a course's lesson text: passages split at headings, character n-grams, BM25 (bm25s).

Kazakh and Russian are inflected (кітап, кітаптың, кітаптарда; модель, модели, моделями): whole-word matching
misses most forms, stemmers for Kazakh are scarce, and character n-grams inside words match the shared stem
whatever the ending. The index is built per course, version and language, once, and kept in memory.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace

from lms.ai.actions import Passage
from lms.courses.markdown import markdown_tokens

#: Character n-gram sizes taken inside each word (with word-boundary marks).
NGRAMS = (3, 4, 5)
#: A passage grows by whole blocks up to about this many characters.
PASSAGE_CHARS = 700
#: The share of the question (weighted by how rare each n-gram is) the best passage must contain to count as an
#: answer; below it the tutor says that nothing in the course answers the question.
MIN_COVERAGE = 0.45
_WORD = re.compile(r"\w+")
_CACHE_SIZE = 256


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, ё as е."""
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е")


def tokens(text: str) -> list[str]:
    """The character n-grams of every word of `text` (a word shorter than the n-gram counts whole)."""
    out: list[str] = []
    for word in _WORD.findall(normalise(text)):
        out.extend(_word_grams(word))
    return out


@functools.lru_cache(maxsize=200_000)
def _word_grams(word: str) -> tuple[str, ...]:
    # Words repeat a lot within and across lessons: each one is cut into n-grams once.
    if word.isdigit() and len(word) < 3:
        return ()
    marked = f"#{word}#"
    grams = [marked[i:i + n] for n in NGRAMS if len(marked) >= n for i in range(len(marked) - n + 1)]
    return tuple(grams) if grams else (marked,)


@dataclass(frozen=True)
class LessonText:
    """A lesson in one language as the index reads it."""

    key: str
    title: str
    language: str
    body: str  # Markdown


def split_passages(course_key: str, lesson: LessonText) -> list[Passage]:
    """The lesson's text as passages: each section (heading to heading) in pieces of whole blocks."""
    passages: list[Passage] = []
    heading, anchor = "", ""
    parts: list[str] = []

    def flush():
        text = " ".join(parts).strip()
        if text:
            passages.append(Passage(course_key, lesson.key, lesson.title, heading, anchor, lesson.language, text))
        parts.clear()

    stream = markdown_tokens(lesson.body)
    for i, token in enumerate(stream):
        if token.type == "heading_open" and token.tag in ("h2", "h3", "h4"):
            flush()
            heading = _plain(stream[i + 1]) if i + 1 < len(stream) else ""
            anchor = token.attrGet("id") or ""
        elif token.type == "inline" and not (i and stream[i - 1].type == "heading_open"):
            text = _plain(token)
            if text:
                if parts and sum(len(p) for p in parts) + len(text) > PASSAGE_CHARS:
                    flush()
                parts.append(text)
    flush()
    return passages


def _plain(inline) -> str:
    """The visible text of an inline token (emphasis, links and code marks dropped)."""
    children = inline.children or []
    text = "".join(child.content if child.type in ("text", "code_inline") else " " if child.type in
                   ("softbreak", "hardbreak") else "" for child in children)
    return re.sub(r"\s+", " ", text).strip()


def pool_texts(questions: list[dict]) -> tuple[str, ...]:
    """Every text of a stored quiz pool (questions, options, explanations, accepted answers in every language)."""
    found: list[str] = []
    for question in questions or []:
        for key in ("text", "explanation"):
            found += list((question.get(key) or {}).values())
        for option in question.get("options") or ():
            found += list((option.get("text") or {}).values())
    return tuple(found)


class CourseIndex:
    """BM25 over the character n-grams of one course's passages in one language."""

    def __init__(self, passages: list[Passage], *, excluded: tuple[str, ...] = ()):
        import bm25s  # numpy under it: loaded with the first index, not with the app

        banned = [normalise(text) for text in excluded if len(text) >= 25]
        self.passages = [p for p, text in ((p, normalise(p.text)) for p in passages)
                         if not any(b in text for b in banned)]
        # The lesson title and heading are part of what a passage is about.
        docs = [tokens(f"{p.lesson_title} {p.heading} {p.text}") for p in self.passages]
        self._frequency = Counter(t for doc in docs for t in set(doc))
        self._sets = [set(doc) for doc in docs]
        self._retriever = None
        if docs:
            self._retriever = bm25s.BM25()
            self._retriever.index(docs, show_progress=False)

    def _idf(self, token: str) -> float:
        n = len(self.passages)
        return math.log(1 + (n + 0.5) / (self._frequency.get(token, 0) + 0.5))

    def search(self, question: str, k: int = 3) -> tuple[list[Passage], float]:
        """The `k` best passages for `question` with their scores, and the coverage (0..1) of the best one."""
        query = tokens(question)
        if not query or self._retriever is None:
            return [], 0.0
        k = min(k, len(self.passages))
        ids, scores = self._retriever.retrieve([query], k=k, show_progress=False)
        found = [replace(self.passages[int(i)], score=float(s)) for i, s in zip(ids[0], scores[0], strict=True)
                 if s > 0]
        if not found:
            return [], 0.0
        best = self._sets[int(ids[0][0])]
        unique = set(query)
        total = sum(self._idf(t) for t in unique)
        covered = sum(self._idf(t) for t in unique if t in best)
        return found, covered / total if total else 0.0


_cache: OrderedDict[tuple, CourseIndex] = OrderedDict()
_lock = threading.Lock()


def course_index(key: tuple, build) -> CourseIndex:
    """The index cached under `key` (course id, version, language), built by `build()` the first time."""
    with _lock:
        index = _cache.get(key)
        if index is not None:
            _cache.move_to_end(key)
            return index
    index = build()
    with _lock:
        _cache[key] = index
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index
