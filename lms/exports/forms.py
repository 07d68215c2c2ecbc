"""The export request form, offered on the report dashboard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from lms.exports.models import ExportFormat
from lms.reports.filters import ReportFilters


class ExportForm(FlaskForm):
    """Request an export of the current filters (carried in hidden fields and checked again on submit)."""

    format = RadioField(_l("File format"), choices=[SelectChoice(ExportFormat.XLSX, _l("Excel workbook (XLSX)")),
                                                     SelectChoice(ExportFormat.CSV, _l("CSV (UTF-8)"))],
                        default=ExportFormat.XLSX, validators=[DataRequired()])
    agency = HiddenField()
    include_sub = HiddenField()
    course = HiddenField()
    status = HiddenField()
    date_from = HiddenField()
    date_to = HiddenField()
    language = HiddenField()
    #: Which report: "" the enrolment rows, "gain" the learning-gain rows (lms.exports.jobs.KINDS).
    kind = HiddenField()
    #: A programme's key: export the programme report (lms.reports.programmes) instead of the learner rows.
    programme = HiddenField()
    submit = SubmitField(_l("Export"))

    def filter_args(self) -> dict[str, str]:
        """The carried filters, as parse_filters() reads them."""
        return {"agency": self.agency.data or "", "include_sub": self.include_sub.data or "1",
                "course": self.course.data or "", "status": self.status.data or "", "from": self.date_from.data or "",
                "to": self.date_to.data or "", "language": self.language.data or ""}

    @classmethod
    def for_filters(cls, filters: ReportFilters, *, kind: str = "") -> ExportForm:
        """The form offered on a report page: `filters` (and the report's `kind`) carried in its hidden fields."""
        params = filters.to_params()
        return cls(formdata=None, agency=params.get("agency", ""), include_sub=params.get("include_sub", "1"),
                   kind=kind, course=params.get("course", ""), status=params.get("status", ""),
                   date_from=params.get("from", ""), date_to=params.get("to", ""),
                   language=params.get("language", ""))
