"""Question drafts for authors: `lms ai draft-questions` writes AI-generated, unreviewed questions; check refuses them
in a live quiz until a person has reviewed them."""

from __future__ import annotations

import shutil

import yaml
from sqlalchemy import select

from lms.ai.models import AILogEntry
from lms.courses.loader import load_courses
from lms.courses.problems import Collector
from lms.courses.quizfile import load_quiz
from lms.extensions import db
from tests.ai.conftest import STARTER


def _draft(runner, courses_root, *args):
    shutil.copytree(STARTER, courses_root / STARTER.name)
    return runner.invoke(args=["ai", "draft-questions", STARTER.name, *args])


def test_the_draft_file_holds_ai_generated_unreviewed_questions_of_the_lesson(app, runner, courses_root):
    result = _draft(runner, courses_root, "--lesson", "what-is-ai", "--count", "6")
    assert result.exit_code == 0, result.output
    draft = courses_root / STARTER.name / "quiz.ai-draft.yml"
    assert "wrote 6 draft questions" in result.output
    doc = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert len(doc["questions"]) == 6
    assert {q["type"] for q in doc["questions"]} == {"true_false", "short_text", "single"}
    for question in doc["questions"]:
        assert question["topic"] == "what-is-ai" and set(question["text"]) == {"en"}
        assert question["reviewed_by"] == ""
        assert set(question["ai_generated"]) == {"system", "model", "date"}
        assert "extractive" in question["ai_generated"]["system"]
    problems = []
    assert load_quiz(draft, "en", Collector(problems)) is None  # a valid quiz file, refused only for the review
    assert {p.code for p in problems} == {"ai-unreviewed"}
    with app.app_context():
        entry = db.session.scalars(select(AILogEntry)).one()
        assert (entry.action, entry.provider, entry.user_id, entry.course_key) == ("question_drafts", "extractive",
                                                                                    None, STARTER.name)
        assert {p["lesson"] for p in entry.passages} == {"what-is-ai"}


def test_an_unknown_lesson_is_an_error(runner, courses_root):
    result = _draft(runner, courses_root, "--lesson", "no-such-lesson")
    assert result.exit_code != 0 and "has no lesson 'no-such-lesson'" in result.output


def test_check_refuses_a_live_ai_generated_question_until_it_is_reviewed(app, runner, courses_root):
    assert _draft(runner, courses_root, "--lesson", "what-is-ai", "--count", "1").exit_code == 0
    course = courses_root / STARTER.name
    drafted = yaml.safe_load((course / "quiz.ai-draft.yml").read_text(encoding="utf-8"))["questions"][0]
    quiz = course / "quiz.yml"
    live = quiz.read_text(encoding="utf-8").rstrip("\n") + "\n" + yaml.safe_dump(
        [drafted], allow_unicode=True, sort_keys=False, indent=2).replace("\n", "\n  ").replace("- id", "  - id", 1)
    quiz.write_text(live, encoding="utf-8")
    refused = runner.invoke(args=["courses", "check", str(courses_root)])
    assert refused.exit_code != 0
    assert "was drafted by an AI system" in refused.output and "sets reviewed_by" in refused.output
    assert "quiz.yml:" in refused.output
    quiz.write_text(live.replace("reviewed_by: ''", "reviewed_by: Dana Author"), encoding="utf-8")
    accepted = runner.invoke(args=["courses", "check", str(courses_root)])
    assert accepted.exit_code == 0, accepted.output
    [loaded] = load_courses(courses_root).courses
    question = next(q for q in loaded.quiz.questions if q.id == drafted["id"])
    assert question.ai_content.kind == "generated" and question.ai_content.reviewer == "Dana Author"
    assert "extractive" in question.ai_content.tool
