"""What a browser sends for an attempt's quiz form: answers by question id turned into the attempt's opaque tokens."""

from __future__ import annotations

from lms.extensions import db
from lms.quizzes import services
from lms.quizzes.models import QuizAttempt


def fields_of(app, attempt_id: int) -> dict[str, dict]:
    """The attempt's form tokens by question id (services.form_fields: stored, or derived for an old attempt)."""
    with app.app_context():
        return services.form_fields(db.session.get(QuizAttempt, attempt_id))


def browser_form(fields: dict[str, dict], answers: dict[str, object]) -> dict[str, object]:
    """The form fields a browser sends for `answers`, given the attempt's tokens (`fields`).

    An answer is what the learner picks, by question id: an option id (single), a list of option ids (multiple),
    "true" or "false", a text (short_text, numeric), {item id: rank} (ordering) or {left pair id: right pair id}
    (matching). Questions the attempt did not draw are left out, as they are not in its page.
    """
    form: dict[str, object] = {}
    for qid, answer in answers.items():
        controls = fields.get(qid)
        if controls is None:
            continue
        if isinstance(answer, dict):
            for part, chosen in answer.items():
                form[controls["fields"][part]] = controls["values"][str(chosen)]
        elif isinstance(answer, list):
            form[controls["name"]] = [controls["values"][choice] for choice in answer]
        elif "values" in controls:
            form[controls["name"]] = controls["values"][answer]
        else:
            form[controls["name"]] = answer
    return form


def form_for(app, attempt_id: int, answers: dict[str, object]) -> dict[str, object]:
    """browser_form() for the attempt with this id."""
    return browser_form(fields_of(app, attempt_id), answers)
