"""The questionnaire form: one 1-5 radio group per question of the course's questionnaire, and the comment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from lms.evaluations.models import COMMENT_MAX_LENGTH
from lms.evaluations.questions import Questionnaire

SCALE_LABELS = (
    (1, _l("1 – very low")), (2, _l("2 – low")), (3, _l("3 – medium")), (4, _l("4 – high")), (5, _l("5 – very high")),
)


class EvaluationForm(FlaskForm):
    """The answers to a course's questionnaire (built for it by for_questionnaire)."""

    comment = TextAreaField(_l("Comment for the course authors (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX_LENGTH)])
    #: The question ids, in order, matching the q_<id> fields.
    question_keys: tuple[str, ...] = ()

    @classmethod
    def for_questionnaire(cls, questionnaire: Questionnaire, locale: str, **kwargs) -> EvaluationForm:
        """A form with a required radio group per question, labelled in `locale`; no comment field when the
        questionnaire asks for none."""

        class Form(cls):
            pass

        for key, _texts in questionnaire.questions:
            setattr(Form, f"q_{key}", RadioField(
                questionnaire.text(key, locale), coerce=int,
                choices=[SelectChoice(value, label) for value, label in SCALE_LABELS],
                validators=[InputRequired(message=_l("Choose a point from 1 to 5."))]))
        if not questionnaire.has_comment:
            Form.comment = None
        Form.question_keys = questionnaire.keys
        return Form(**kwargs)

    def scores(self) -> dict[str, int | None]:
        """The chosen points by question id."""
        return {key: self[f"q_{key}"].data for key in self.question_keys}

    def question_fields(self):
        """The radio groups, in the questionnaire's order."""
        return [self[f"q_{key}"] for key in self.question_keys]
