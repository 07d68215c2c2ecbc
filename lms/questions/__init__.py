"""Question types: one module per type (its quiz.yml model, checks, layout, form, grading) and this registry.

Adding a type means one module with a QuestionType subclass, its line in TYPES and its two partials
(templates/questions/_<type>.html and _<type>_result.html). Pure: no Flask, no database; the course loader, the
quizzes and the demo data all reach a type through here.
"""

from __future__ import annotations

import random
from functools import reduce
from operator import or_
from typing import Annotated

from pydantic import Field

from lms.questions import matching, multiple, numeric, ordering, short_text, single, true_false
from lms.questions.base import Graded, QuestionType

#: Type name -> its handler, in the order the format documents them (and the JSON Schema lists them).
TYPES: dict[str, QuestionType] = {t.name: t for t in (
    single.TYPE, multiple.TYPE, true_false.TYPE, short_text.TYPE, numeric.TYPE, ordering.TYPE, matching.TYPE)}

QUESTION_TYPES = tuple(TYPES)

#: A question in quiz.yml: the model of the type its `type` key names.
QuestionSpec = Annotated[reduce(or_, (t.spec for t in TYPES.values())), Field(discriminator="type")]


def grade(question: dict, answer: object) -> Graded:
    """Grade one answer to one stored question. Raises KeyError for an unknown (or missing) question type."""
    return TYPES[question["type"]].grade(question, answer)


def right_answer(question: dict) -> object | None:
    """The answer a learner who knows it gives, as the form parser stores it; None when it cannot be built."""
    kind = TYPES.get(question["type"])
    return kind.right_answer(question) if kind else None


def wrong_answer(question: dict, rng: random.Random) -> object | None:
    """A plausible wrong (or partly right) answer; None leaves the question unanswered."""
    kind = TYPES.get(question["type"])
    return kind.wrong_answer(question, rng) if kind else None
