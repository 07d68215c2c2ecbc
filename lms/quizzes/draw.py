"""Which questions an attempt gets, and in which order their options, items and pairs are shown. Pure functions.

Both functions take a `random.Random`; for the same seed and the same sequence of calls they give the same result,
so an attempt stores its seed and a reload rebuilds the same questions and layout.
"""

from __future__ import annotations

import random

from lms.questions import TYPES


def draw_questions(questions: list[dict], *, draw: int | None, draw_per_topic: dict[str, int],
                   rng: random.Random) -> list[str]:
    """The ids of the questions of one attempt, in the order of the pool (the quiz file).

    - no draw settings: every question;
    - `draw` N: N distinct questions sampled uniformly from the whole pool;
    - `draw_per_topic` {topic: N}: exactly N distinct questions of each listed topic (questions of other topics or
      without a topic are not drawn). Topics are drawn in sorted order, so the stored dict's key order does not matter.

    Raises ValueError when the pool is too small, a count is below 1, both settings are given, or ids repeat.
    """
    ids = [question["id"] for question in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("question ids must be unique")
    if draw is not None and draw_per_topic:
        raise ValueError("use either draw or draw_per_topic, not both")
    if draw_per_topic:
        chosen: set[int] = set()
        for topic in sorted(draw_per_topic):
            count = draw_per_topic[topic]
            pool = [i for i, question in enumerate(questions) if question.get("topic") == topic]
            chosen.update(_sample(pool, count, f"topic {topic!r}", rng))
        return [ids[i] for i in sorted(chosen)]
    if draw is not None:
        return [ids[i] for i in sorted(_sample(list(range(len(ids))), draw, "the quiz", rng))]
    return ids


def _sample(pool: list[int], count: int, what: str, rng: random.Random) -> list[int]:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"cannot draw {count!r} questions from {what}")
    if count > len(pool):
        raise ValueError(f"cannot draw {count} questions from {what}: it has {len(pool)}")
    return rng.sample(pool, count)


def shuffle_layout(question: dict, *, shuffle: bool, rng: random.Random) -> dict:
    """The display order of one question's parts for one attempt, by its type (lms.questions: QuestionType.layout).

    - single/multiple: {"options": [option ids]}, shuffled when `shuffle` is true, else in file order;
    - ordering: {"items": [item ids]}, ALWAYS shuffled (the file order is the answer);
    - matching: {"rights": [pair ids in the display order of the right-hand side]}, ALWAYS shuffled (left and right
      in file order would line every left up with its right, which is the answer);
    - other types: {}.

    An ordering or matching layout that comes out in the answer's order is reshuffled (up to
    lms.questions.base.RESHUFFLES times, then rotated by one), so with two or more distinct ids the answer is never
    shown for free.
    """
    kind = TYPES.get(question.get("type"))
    return kind.layout(question, shuffle=shuffle, rng=rng) if kind else {}
