"""Account forms (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from lms.i18n import LANGUAGE_NAMES

# WTForms 3.3 deprecates (value, label) tuples as choices (removed in 3.4); SelectChoice replaces them.
_LANGUAGE_CHOICES = [SelectChoice(value=code, label=name) for code, name in LANGUAGE_NAMES.items()]

_EMAIL = [DataRequired(), Length(max=254), Email(check_deliverability=False)]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=_EMAIL, render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=_EMAIL, render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Set password"))


class RegisterForm(FlaskForm):
    email = EmailField(_l("Work email"), validators=_EMAIL, render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send confirmation link"))


class CompleteRegistrationForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    new_password = PasswordField(_l("Password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Create account"))


class PreferencesForm(FlaskForm):
    locale = RadioField(_l("Language of the platform"), choices=_LANGUAGE_CHOICES,
                        validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class ProviderSignInForm(FlaskForm):
    """The "Sign in with <provider>" buttons: a CSRF token only (each provider's button posts to its own address)."""


class UnlinkIdentityForm(FlaskForm):
    """An administrator's "Unlink" button on a person's page: a CSRF token only."""
