"""Forms of the API tokens page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    """Create an API token."""

    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create a token"))


class RevokeTokenForm(FlaskForm):
    """Revoke an API token."""

    submit = SubmitField(_l("Revoke"))
