"""Importing employees in the browser: upload, preview (a dry run), confirm. Same code path as `lms users import`."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from lms.accounts import policy
from lms.accounts.importer import import_users
from lms.admin import bp
from lms.assignments.services import enrol_new_assignees
from lms.audit.services import audit
from lms.db import utcnow
from lms.extensions import db
from lms.imports import CSVFormatError


class UploadForm(FlaskForm):
    file = FileField(_l("Employees file (CSV, UTF-8)"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    token = HiddenField()


def _staging_dir() -> Path:
    # Under instance/, which is never served: uploads wait here between preview and confirmation.
    return Path(current_app.instance_path) / "imports"


def _staged(token: str) -> Path:
    if not token or not token.isalnum() or len(token) > 64:
        abort(400)
    path = _staging_dir() / f"{current_user.id}-{token}.csv"
    if not path.is_file():
        abort(404)  # someone else's upload, or already applied
    return path


def _scope() -> set[int] | None:
    scope = policy.agency_scope(current_user)
    return None if scope is None else set(db.session.scalars(scope))


def _run(data: bytes, *, dry_run: bool):
    return import_users(data, dry_run=dry_run, max_bytes=current_app.config["MAX_IMPORT_BYTES"],
                        allowed_roles=policy.grantable_roles(current_user), scope_agency_ids=_scope(),
                        actor=current_user, now=utcnow(), ip=request.remote_addr or "")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_people():
    if not policy.can_view_agencies(current_user):
        abort(403)
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, report=None), 400 if form.errors else 200
    data = form.file.data.read(current_app.config["MAX_IMPORT_BYTES"] + 1)
    try:
        report = _run(data, dry_run=True)
    except CSVFormatError as exc:
        db.session.rollback()
        form.file.errors.append(str(exc))
        return render_template("admin/import.html", form=form, report=None), 400
    db.session.rollback()
    token = ""
    if report.ok:
        token = secrets.token_hex(16)
        _staging_dir().mkdir(parents=True, exist_ok=True)
        (_staging_dir() / f"{current_user.id}-{token}.csv").write_bytes(data)
    return render_template("admin/import.html", form=form, report=report, confirm=ConfirmForm(token=token)), \
        200 if report.ok else 400


@bp.post("/import/confirm")
@login_required
def confirm_import():
    if not policy.can_view_agencies(current_user):
        abort(403)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = _staged(form.token.data)
    report = _run(path.read_bytes(), dry_run=False)
    if not report.ok:  # the data changed since the preview (e.g. an agency was removed): apply nothing
        db.session.rollback()
        flash(_("The file no longer applies cleanly. Upload it again to see why."), "error")
        return redirect(url_for("admin.import_people"), 303)
    enrol_new_assignees(now=utcnow())  # people imported into assigned agencies start their courses today
    audit("import.users.applied", actor=current_user, now=utcnow(), ip=request.remote_addr or "",
          object_type="import", details={"created": len(report.created), "updated": len(report.updated),
                                         "unchanged": report.unchanged})
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("Import applied: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            created=len(report.created), updated=len(report.updated), unchanged=report.unchanged), "success")
    return redirect(url_for("admin.users"), 303)
