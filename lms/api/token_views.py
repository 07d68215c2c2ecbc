"""API tokens page: the user creates (shown once) and revokes their personal tokens for the JSON API."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.api import tokens
from lms.api import tokens_bp as bp
from lms.api.forms import RevokeTokenForm, TokenForm
from lms.audit.services import audit
from lms.db import utcnow
from lms.extensions import db
from lms.reports.lookups import require_reports


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require_reports()
    form = TokenForm()
    created, status = None, 200
    if form.validate_on_submit():
        now = utcnow()
        try:
            token, created = tokens.create_token(current_user, form.name.data, now=now)
        except tokens.TokenLimitReached:
            form.name.errors.append(_("You have %(count)d tokens already. Revoke one first.", count=tokens.MAX_ACTIVE))
            status = 400
        else:
            audit("api_token.created", actor=current_user, now=now, ip=request.remote_addr or "",
                  object_type="api_token", object_id=token.id, details={"name": token.name})
            db.session.commit()
            form = TokenForm(formdata=None)
    elif request.method == "POST":
        status = 400
    return render_template("api/tokens.html", form=form, created=created,
                           tokens=tokens.list_tokens(current_user), revoke_form=RevokeTokenForm(formdata=None)), status


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    require_reports()
    token = tokens.get_token_for(current_user, token_id)
    if token is None:
        abort(404)
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    now = utcnow()
    tokens.revoke_token(token, now=now)
    audit("api_token.revoked", actor=current_user, now=now, ip=request.remote_addr or "", object_type="api_token",
          object_id=token.id, details={"name": token.name})
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("api_tokens.index"))
