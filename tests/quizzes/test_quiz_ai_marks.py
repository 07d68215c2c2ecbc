"""Machine-readable AI labels on the quiz page and the review page: every question shown is marked."""

from __future__ import annotations

import re

from tests import factories
from tests.conftest import post_form
from tests.courses.builders import quiz_text, write_course
from tests.courses.test_ai_marks import COMPOSITE, GENERATED, Tags, ai_metas, ai_of
from tests.learning.conftest import sync
from tests.quizzes.forms import form_for

LEARNER = "learner@example.kz"
COURSE = {"data-ai-generated": COMPOSITE, "data-ai-system": "Test Assistant"}
OWN = {"data-ai-generated": GENERATED, "data-ai-system": "Claude (Anthropic)", "data-ai-reviewed": "D. Kim"}
RIGHT = {"q-single": "a", "q-multiple": ["a", "b"], "q-true-false": "true", "q-short": "AI", "q-number": "2000"}


def _quiz(*, own_question: bool, review: str = "after_passing") -> str:
    """The builder's quiz; q-single with a declaration of its own when `own_question`."""
    text = quiz_text().replace("max_attempts: 3\n", f"max_attempts: 3\nreview: {review}\n")
    if own_question:
        text = text.replace("  - id: q-single\n    type: single\n",
                            "  - id: q-single\n    type: single\n    ai_content:\n      kind: generated\n"
                            "      tool: Claude (Anthropic)\n      reviewer: D. Kim\n")
    return text


def _course(app, courses_root, *, ai_content: bool = True, own_question: bool = True, review: str = "always"):
    directory = write_course(courses_root / "quiz-course", course_id="quiz-course", ai_content=ai_content,
                             media_ai_content=ai_content)
    (directory / "quiz.yml").write_text(_quiz(own_question=own_question, review=review), encoding="utf-8")
    with app.app_context():
        sync(courses_root)
        factories.user(LEARNER)
    return "quiz-course"


def _attempt(client, key: str) -> int:
    assert post_form(client, f"/courses/{key}/enroll", {}, token_from=f"/courses/{key}").status_code == 303
    response = post_form(client, f"/courses/{key}/quiz/start", {}, token_from=f"/courses/{key}/quiz")
    assert response.status_code == 303
    return int(re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"]).group(1))


def _questions(page: Tags, css: str) -> list[dict[str, str]]:
    return [ai_of(attrs) for attrs in page.with_class(css)]


def test_every_question_on_the_quiz_page_is_marked(app, courses_root, login_as):
    key = _course(app, courses_root)
    client = login_as(LEARNER)
    attempt_id = _attempt(client, key)
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    page = Tags(html)
    assert ai_metas(page) == {"ai-generated": COMPOSITE, "ai-system": "Test Assistant"}
    marks = _questions(page, "question")
    assert len(marks) == 5
    assert sorted(marks, key=len) == [COURSE] * 4 + [OWN]  # the others inherit the course's declaration
    assert "AI-generated content · Tool: Claude (Anthropic) · Reviewed by: D. Kim" in html


def test_review_page_marks_and_labels_the_questions_it_shows(app, courses_root, login_as):
    key = _course(app, courses_root, review="always")
    client = login_as(LEARNER)
    attempt_id = _attempt(client, key)
    response = post_form(client, f"/quiz/attempts/{attempt_id}/submit", form_for(app, attempt_id, RIGHT),
                         token_from=f"/quiz/attempts/{attempt_id}")
    assert response.status_code == 303
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    page = Tags(html)
    assert ai_metas(page) == {"ai-generated": COMPOSITE, "ai-system": "Test Assistant"}
    assert sorted(_questions(page, "review"), key=len) == [COURSE] * 4 + [OWN]
    assert "AI-assisted content · Tool: Test Assistant" in html
    assert "AI-generated content · Tool: Claude (Anthropic) · Reviewed by: D. Kim" in html


def test_result_page_without_review_has_no_marks(app, courses_root, login_as):
    key = _course(app, courses_root, review="never")
    client = login_as(LEARNER)
    attempt_id = _attempt(client, key)
    post_form(client, f"/quiz/attempts/{attempt_id}/submit", form_for(app, attempt_id, RIGHT),
              token_from=f"/quiz/attempts/{attempt_id}")
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Quiz result" in html
    assert "data-ai-" not in html and 'name="ai-' not in html


def test_a_quiz_of_a_course_without_a_declaration_is_a_composite_when_a_question_has_one(app, courses_root,
                                                                                          login_as):
    key = _course(app, courses_root, ai_content=False)
    client = login_as(LEARNER)
    page = Tags(client.get(f"/quiz/attempts/{_attempt(client, key)}").get_data(as_text=True))
    assert ai_metas(page) == {"ai-generated": COMPOSITE}
    assert sorted(_questions(page, "question"), key=len) == [{}] * 4 + [OWN]


def test_a_quiz_without_ai_content_has_no_marker_at_all(app, courses_root, login_as):
    key = _course(app, courses_root, ai_content=False, own_question=False)
    client = login_as(LEARNER)
    html = client.get(f"/quiz/attempts/{_attempt(client, key)}").get_data(as_text=True)
    assert 'class="question card"' in html
    assert "data-ai-" not in html and 'name="ai-' not in html and "ai-label" not in html
