"""Lessons that a sync retired and added with (nearly) the same content: most likely a renamed lesson file.

A lesson's id is the name of its files unless the manifest says otherwise, so renaming the files retires the lesson
and adds a new one, and learners who had completed it see the new one as not done. Sync cannot tell a rename from
a new lesson for sure; it reports the likely ones so that the author can keep the id (`{id: old, file: new}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

#: Share of the text two lessons must have in common to look like one renamed lesson.
RENAME_SIMILARITY = 0.8


@dataclass(frozen=True)
class LessonRename:
    """A lesson retired by a sync (`old_key`, row `old_lesson_id`) that looks renamed to a lesson it added."""

    course_key: str
    old_key: str
    old_lesson_id: int
    new_key: str
    #: The name of the new lesson's files (lessons/<new_file>.<lang>.md).
    new_file: str
    similarity: float

    def message(self, learners: int | None = None) -> str:
        """What the author should know and do, with how many learners completed the old lesson when known."""
        text = (f"lesson {self.course_key}/{self.new_key} looks like {self.course_key}/{self.old_key} renamed "
                f"({self.similarity:.0%} the same text), and {self.old_key} was retired")
        if learners is not None:
            text += (f": {learners} learner{'s' if learners != 1 else ''} who completed {self.old_key} "
                     f"{'do' if learners != 1 else 'does'} not see {self.new_key} as done")
        if self.new_file == self.new_key:
            text += (f"; to keep the lesson's id (and their progress), list it in course.yml as "
                     f"`- {{id: {self.old_key}, file: {self.new_file}}}` and sync again")
        return text


def similarity(old: dict, new: dict) -> float:
    """How much of two stored lessons' text ({lang: {"body": ...}}) is the same, 0..1, over their common languages."""
    common = sorted(set(old) & set(new))
    if not common:
        return 0.0
    return sum(_text_similarity(old[lang]["body"], new[lang]["body"]) for lang in common) / len(common)


def _text_similarity(a: str, b: str) -> float:
    # Whole lines matched, weighted by their length: fast on long lessons (no character-level diff), and an
    # edited sentence costs only its own line.
    if a == b:
        return 1.0 if a.strip() else 0.0
    left, right = a.splitlines(), b.splitlines()
    total = sum(map(len, left)) + sum(map(len, right))
    if not total:
        return 0.0
    blocks = SequenceMatcher(None, left, right, autojunk=False).get_matching_blocks()
    matched = sum(len(line) for block in blocks for line in left[block.a:block.a + block.size])
    return 2 * matched / total


def likely_renames(course_key: str, retired: list[tuple[str, int, dict]],
                   added: list[tuple[str, str, dict]]) -> list[LessonRename]:
    """Pair lessons retired (key, row id, stored content) with lessons added (key, file, stored content) whose
    text is at least RENAME_SIMILARITY the same; each lesson in one pair at most, the closest pairs first."""
    scored = sorted(((similarity(old, new), old_key, old_id, new_key, new_file)
                     for old_key, old_id, old in retired for new_key, new_file, new in added), reverse=True)
    renames, used = [], set()
    for score, old_key, old_id, new_key, new_file in scored:
        if score < RENAME_SIMILARITY or old_key in used or new_key in used:
            continue
        used |= {old_key, new_key}
        renames.append(LessonRename(course_key, old_key, old_id, new_key, new_file, round(score, 2)))
    return renames
