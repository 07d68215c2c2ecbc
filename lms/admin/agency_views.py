"""Editing the agency tree in the browser (admins): create, rename in kk/ru/en, move, deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from lms.accounts import policy
from lms.admin import bp
from lms.agencies import services as agencies
from lms.agencies.importer import CODE_RE
from lms.audit.services import audit
from lms.db import utcnow
from lms.extensions import db


class AgencyForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=64), Regexp(CODE_RE.pattern)])
    name_kk = StringField(_l("Name in Kazakh"), validators=[Optional(), Length(max=300)])
    name_ru = StringField(_l("Name in Russian"), validators=[Optional(), Length(max=300)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=300)])
    parent = SelectField(_l("Parent agency"), validators=[Optional()])
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


def _form(agency=None) -> AgencyForm:
    form = AgencyForm(obj=agency) if agency is not None and request.method == "GET" else AgencyForm()
    locale = str(get_locale())
    form.parent.choices = [SelectChoice("", _("None (top level)"))] + [
        SelectChoice(a.code, "\u2003" * depth + a.name_in(locale)) for a, depth in agencies.list_tree()]
    if agency is not None and request.method == "GET":
        form.parent.data = agency.parent.code if agency.parent else ""
    return form


def _snapshot(agency) -> dict:
    return {"code": agency.code, "names": agency.names, "parent": agency.parent.code if agency.parent else None,
            "active": agency.is_active}


def _save(agency, form: AgencyForm):
    before = _snapshot(agency) if agency is not None else None
    parent = agencies.get_agency_by_code(form.parent.data) if form.parent.data else None
    try:
        saved = agencies.save_agency(agency, code=form.code.data, parent=parent, is_active=form.is_active.data,
                                     names={"kk": form.name_kk.data or "", "ru": form.name_ru.data or "",
                                            "en": form.name_en.data or ""})
    except agencies.AgencyError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return None
    audit("agency.created" if before is None else "agency.changed", actor=current_user, now=utcnow(),
          ip=request.remote_addr or "", object_type="agency", object_id=saved.code, before=before,
          after=_snapshot(saved))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("agencies.detail", code=saved.code), 303)


@bp.route("/agencies/new", methods=["GET", "POST"])
@login_required
def new_agency():
    if not policy.is_admin(current_user):
        abort(403)
    form = _form()
    if form.validate_on_submit():
        done = _save(None, form)
        if done is not None:
            return done
    return render_template("admin/agency.html", form=form, agency=None), \
        400 if form.errors or form.form_errors else 200


@bp.route("/agencies/<code>", methods=["GET", "POST"])
@login_required
def edit_agency(code: str):
    if not policy.is_admin(current_user):
        abort(403)
    agency = agencies.get_agency_by_code(code)
    if agency is None:
        abort(404)
    form = _form(agency)
    if form.validate_on_submit():
        done = _save(agency, form)
        if done is not None:
            return done
    return render_template("admin/agency.html", form=form, agency=agency), \
        400 if form.errors or form.form_errors else 200
