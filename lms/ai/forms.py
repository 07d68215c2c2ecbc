"""Forms of the AI pages: a question to the tutor, the notice's acceptance, the log's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.ai.services import MAX_QUESTION_CHARS


class AskForm(FlaskForm):
    """A learner's question about a course; `lesson` is the lesson page it was asked on (for the way back)."""

    question = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=MAX_QUESTION_CHARS)])
    lesson = HiddenField()


class NoticeForm(FlaskForm):
    """Accepting the AI notice; `next` is where to go afterwards (a path on this site)."""

    next = HiddenField()
