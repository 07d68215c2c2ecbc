"""Creating and editing people in the browser; sending a password-reset email. HR officers manage learners of their
own agencies and may not grant the HR or admin roles; admins manage everyone."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts import managers, people, policy
from lms.accounts import services as accounts
from lms.accounts.models import ROLE_NAMES, Role, User
from lms.admin import bp
from lms.admin.views import managed_user_or_404
from lms.agencies import services as agencies
from lms.audit.services import audit
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import LANGUAGE_NAMES
from lms.links import public_url
from lms.mail.services import deliver


class PersonForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    agency = SelectField(_l("Agency"), validators=[DataRequired()])
    locale = SelectField(_l("Language of the platform"), validators=[Optional()])
    roles = SelectMultipleField(_l("Roles"), option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    manager_email = EmailField(_l("Line manager's email"), validators=[Optional(), Length(max=254),
                                                                       Email(check_deliverability=False)])
    submit = SubmitField(_l("Save"))


def _form(obj: User | None = None) -> PersonForm:
    locale = str(get_locale())
    form = PersonForm(obj=obj) if obj is not None and request.method == "GET" else PersonForm()
    root = None if policy.is_admin(current_user) else current_user.agency_id
    form.agency.choices = [SelectChoice(a.code, "\u2003" * depth + a.name_in(locale))
                           for a, depth in agencies.list_tree(root) if a.is_active]
    form.locale.choices = [SelectChoice("", _("Decide from the browser"))] + \
        [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
    form.roles.choices = [SelectChoice(role.value, str(ROLE_NAMES[role]))
                          for role in Role if role in policy.grantable_roles(current_user)]
    if obj is not None and request.method == "GET":
        form.agency.data = obj.agency.code if obj.agency else None
        form.locale.data = obj.locale or ""
        form.roles.data = [role.value for role in obj.roles]
        form.manager_email.data = obj.manager.email if obj.manager else ""
    return form


def _apply_manager(form: PersonForm, user: User) -> bool:
    """Set the manager the form names (empty: none) on `user`; False, with the reason on the field, when the address
    names nobody the current user may see or the manager would make a cycle."""
    email = (form.manager_email.data or "").strip()
    manager = accounts.get_user_by_email(email) if email else None
    if manager is not None and manager.id == user.manager_id:
        return True  # unchanged, even when the manager is outside the editor's agencies
    if email and (manager is None or not policy.can_view_user(current_user, manager)):
        form.manager_email.errors.append(_("No person you may see has this address."))
        return False
    try:
        managers.set_manager(user, manager, actor=current_user, now=utcnow(), ip=_ip())
    except managers.ManagerCycle as exc:
        form.manager_email.errors.append(str(exc))
        return False
    return True


def _require_manager() -> None:
    if not policy.can_view_agencies(current_user):
        abort(403)


def _ip() -> str:
    return request.remote_addr or ""


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    _require_manager()
    form = _form()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(accounts.NewUser(
                email=form.email.data, full_name=form.full_name.data, agency_code=form.agency.data,
                position=form.position.data or "", locale=form.locale.data or None,
                roles=frozenset(Role(r) for r in form.roles.data) or frozenset({Role.LEARNER})),
                min_length=current_app.config["PASSWORD_MIN_LENGTH"], actor=current_user, now=utcnow(), ip=_ip())
        except accounts.EmailTaken:
            form.email.errors.append(_("Another account already uses this address."))
        else:
            if _apply_manager(form, user):
                db.session.commit()
                flash(_("Account created for %(name)s. Send them a password link so they can sign in.",
                        name=user.full_name), "success")
                return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    db.session.rollback()
    return render_template("admin/person.html", form=form, person=None), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    _require_manager()
    user = managed_user_or_404(user_id)
    form = _form(user)
    if form.validate_on_submit():
        agency = agencies.get_agency_by_code(form.agency.data)
        changes = people.UserChanges(
            email=form.email.data, full_name=form.full_name.data, agency_id=agency.id if agency else None,
            position=form.position.data or "", locale=form.locale.data or "",
            roles=frozenset(Role(r) for r in form.roles.data))
        try:
            people.update_user(user, changes, actor=current_user, now=utcnow(), ip=_ip())
        except accounts.EmailTaken:
            form.email.errors.append(_("Another account already uses this address."))
        else:
            if _apply_manager(form, user):
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    db.session.rollback()
    return render_template("admin/person.html", form=form, person=user), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/reset")
@login_required
def send_reset(user_id: int):
    _require_manager()
    user = managed_user_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    config = current_app.config
    message = accounts.request_password_reset(
        user.email, secret_key=config["SECRET_KEY"],
        link_for=lambda token: public_url("accounts.reset_password", token=token),
        minutes=config["RESET_TOKEN_MINUTES"], default_locale=config["DEFAULT_LOCALE"])
    if message is None:
        flash(_("This account is deactivated; reactivate it first."), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    audit("user.password_link_sent", actor=current_user, now=utcnow(), ip=_ip(), object_type="user",
          object_id=user.id)
    db.session.commit()
    deliver(message, config)
    db.session.commit()
    flash(_("A password link has been emailed to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)
