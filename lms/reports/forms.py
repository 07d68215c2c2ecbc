"""Forms of the reporting pages: agency targets (the filter form is a plain GET form read by filters.parse_filters)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional


class TargetForm(FlaskForm):
    """An agency's own target."""

    percent = IntegerField(_l("Share of people certified (%)"),
                           validators=[DataRequired(), NumberRange(min=1, max=100)])
    course = SelectField(_l("Certificate that counts"), validators=[Optional()])
    due_on = DateField(_l("By (date)"), validators=[DataRequired()])
    submit = SubmitField(_l("Save the target"))

    def set_courses(self, courses, locale: str) -> None:
        """Offer the courses that give certificates, after "any certificate"."""
        self.course.choices = [SelectChoice("", _l("Any certificate of the programme"))] + [
            SelectChoice(course.key, course.title.get(locale) or course.key) for course in courses]


class ClearTargetForm(FlaskForm):
    """Remove an agency's target."""

    submit = SubmitField(_l("Remove the target"))
