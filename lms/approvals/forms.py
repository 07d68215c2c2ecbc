"""The approvers' decline form (approving and withdrawing need nothing but the CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from lms.approvals.models import REASON_MAX_LENGTH


class DeclineForm(FlaskForm):
    """Decline an enrolment request, with an optional reason the learner sees."""

    reason = TextAreaField(_l("Reason (optional; the learner sees it)"),
                           validators=[Optional(), Length(max=REASON_MAX_LENGTH)])
