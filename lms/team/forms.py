"""The team export form, offered on "My team"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from lms.exports.models import ExportFormat
from lms.team.filters import TeamFilters


class TeamExportForm(FlaskForm):
    """Request an export of the team as filtered (carried in hidden fields and checked again on submit)."""

    format = RadioField(_l("File format"), choices=[SelectChoice(ExportFormat.XLSX, _l("Excel workbook (XLSX)")),
                                                     SelectChoice(ExportFormat.CSV, _l("CSV (UTF-8)"))],
                        default=ExportFormat.XLSX, validators=[DataRequired()])
    scope = HiddenField()
    status = HiddenField()
    course = HiddenField()
    q = HiddenField()
    submit = SubmitField(_l("Export"))

    def filter_args(self) -> dict[str, str]:
        """The carried filters, as parse_team_filters() reads them."""
        return {"scope": self.scope.data or "", "status": self.status.data or "", "course": self.course.data or "",
                "q": self.q.data or ""}

    @classmethod
    def for_filters(cls, filters: TeamFilters) -> TeamExportForm:
        """The form offered on the page: `filters` carried in its hidden fields."""
        params = filters.to_params()
        return cls(formdata=None, scope=params.get("scope", ""), status=params.get("status", ""),
                   course=params.get("course", ""), q=params.get("q", ""))
