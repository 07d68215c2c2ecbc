"""Forms of the reporting pages (the filter form is a plain GET form read by filters.parse_filters)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ExportForm(FlaskForm):
    """Request an export of the current filters (carried in hidden fields and checked again on submit)."""

    format = RadioField(_l("File format"), choices=[SelectChoice("xlsx", _l("Excel workbook (XLSX)")),
                                                     SelectChoice("csv", _l("CSV (UTF-8)"))],
                        default="xlsx", validators=[DataRequired()])
    agency = HiddenField()
    include_sub = HiddenField()
    course = HiddenField()
    status = HiddenField()
    date_from = HiddenField()
    date_to = HiddenField()
    language = HiddenField()
    submit = SubmitField(_l("Export"))

    def filter_args(self) -> dict[str, str]:
        """The carried filters, as parse_filters() reads them."""
        return {"agency": self.agency.data or "", "include_sub": self.include_sub.data or "1",
                "course": self.course.data or "", "status": self.status.data or "", "from": self.date_from.data or "",
                "to": self.date_to.data or "", "language": self.language.data or ""}


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


class TokenForm(FlaskForm):
    """Create an API token."""

    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create a token"))


class RevokeTokenForm(FlaskForm):
    """Revoke an API token."""

    submit = SubmitField(_l("Revoke"))
