"""Quiz attempts for the national demo dataset (lms.demo.national): small pools of passed and failed attempts per
quiz version, drawn, laid out and graded exactly as lms.quizzes.services does, then reused by many learners.

Pure functions of a `random.Random` and a quiz version's stored settings and questions; no database access.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from lms.questions import right_answer, wrong_answer
from lms.quizzes.draw import draw_questions, shuffle_layout
from lms.quizzes.grading import grade, passed, percent

#: Distinct attempts per quiz version and outcome.
POOL_SIZE = 16


@dataclass(frozen=True)
class AttemptBody:
    """The stored parts of a submitted attempt, already serialised: layout, answers and results JSON, the score."""

    layout: str
    answers: str
    results: str
    score: float


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _grade(by_id: dict[str, dict], ids: list[str], answers: dict) -> tuple[dict, float]:
    results, earned, possible = {}, 0.0, 0.0
    for qid in ids:
        question = by_id[qid]
        graded = grade(question, answers.get(qid))
        results[qid] = {"score": graded.score, "correct": graded.correct, "points": question["points"]}
        earned += graded.score * question["points"]
        possible += question["points"]
    return results, percent(earned, possible)


def attempt_pool(settings: dict, questions: list[dict], pass_mark: int, rng: random.Random, *,
                 passing: bool) -> list[AttemptBody]:
    """POOL_SIZE attempts that pass (or fail) the quiz; [] when no such attempt can be made (e.g. pass mark 0 and
    `passing` false). Raises ValueError when even right answers to every question do not pass."""
    by_id = {q["id"]: q for q in questions}
    pool = []
    for _ in range(POOL_SIZE):
        seed = rng.getrandbits(64)
        draw = random.Random(seed)  # noqa: S311 - as lms.quizzes.services: the layout is rebuilt from the seed
        ids = draw_questions(questions, draw=settings.get("draw"), draw_per_topic=settings.get("draw_per_topic") or {},
                             rng=draw)
        layouts = {qid: shuffle_layout(by_id[qid], shuffle=settings.get("shuffle_options", True), rng=draw)
                   for qid in ids}
        for _try in range(30):
            share = 0.7 + 0.3 * rng.random() if passing else 0.1 + 0.5 * rng.random()
            answers = {}
            for qid in ids:
                answer = right_answer(by_id[qid]) if rng.random() < share else wrong_answer(by_id[qid], rng)
                if answer is not None:
                    answers[qid] = answer
            results, score = _grade(by_id, ids, answers)
            if passed(score, pass_mark) == passing:
                break
        else:
            if not passing:
                return []
            answers = {qid: a for qid in ids if (a := right_answer(by_id[qid])) is not None}
            results, score = _grade(by_id, ids, answers)
            if not passed(score, pass_mark):
                raise ValueError("right answers to every question do not pass the quiz")
        pool.append(AttemptBody(_dumps({"seed": seed, "questions": ids, "layouts": layouts}), _dumps(answers),
                                _dumps(results), score))
    return pool
