"""The assignment form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms.assignments.models import TargetKind

TARGET_CHOICES = [
    SelectChoice(TargetKind.AGENCY, _l("Everyone in an agency")),
    SelectChoice(TargetKind.POSITION, _l("People holding a position in an agency")),
    SelectChoice(TargetKind.USERS, _l("Named people")),
]


class AssignmentForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    target_kind = RadioField(_l("Assign to"), choices=TARGET_CHOICES, default=TargetKind.AGENCY,
                             validators=[DataRequired()])
    agency = SelectField(_l("Agency"), validators=[Optional()])
    include_subagencies = BooleanField(_l("Include sub-agencies"), default=True)
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    emails = TextAreaField(_l("Email addresses, one per line"), validators=[Optional(), Length(max=100_000)])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    recurrence = SelectField(_l("Repeat"), choices=[
        SelectChoice("", _l("Once")), SelectChoice("6", _l("Every 6 months")),
        SelectChoice("12", _l("Every 12 months")), SelectChoice("24", _l("Every 24 months")),
    ], default="", validators=[Optional()])
    submit = SubmitField(_l("Assign the course"))
