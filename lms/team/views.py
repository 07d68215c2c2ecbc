"""My team pages: the manager's people and their training, one person's record, and requesting an export."""

from __future__ import annotations

import functools

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy.orm import lazyload

from lms.accounts import policy
from lms.accounts.models import User
from lms.approvals import queries as approval_queries
from lms.competencies.services import get_profile
from lms.db import utcnow
from lms.errors import render_error
from lms.exports import jobs
from lms.exports.tasks import enqueue_export
from lms.extensions import db
from lms.reports.filters import STATUS_NAMES as ROW_STATUS_NAMES
from lms.reports.filters import FilterError
from lms.reports.rows import CERTIFICATE_STATUS_NAMES
from lms.team import bp, queries, services
from lms.team.filters import SCOPE_NAMES, STATUS_NAMES, TeamFilters, parse_team_filters
from lms.team.forms import TeamExportForm


def requires(check):
    """Answer 403 unless `check(current_user)` (a policy function) holds; after login_required."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _filters(args) -> TeamFilters:
    try:
        return parse_team_filters(args, manager_id=current_user.id)
    except FilterError as exc:
        abort(make_response(render_error(400, exc.message)))


def _labels() -> dict:
    return {"scope_names": SCOPE_NAMES, "status_names": STATUS_NAMES, "row_status_names": ROW_STATUS_NAMES,
            "certificate_names": {**CERTIFICATE_STATUS_NAMES, services.EXPIRING: services.EXPIRING_NAME}}


@bp.get("/")
@login_required
@requires(policy.can_view_team)
def index():
    filters = _filters(request.args)
    page = max(1, request.args.get("page", 1, type=int))
    now = utcnow()
    team = services.get_team_page(filters, now=now, page=page)
    waiting = approval_queries.count_open_for(current_user, now=now)
    return render_template("team/index.html", team=team, filters=filters, params=filters.to_params(), now=now,
                           waiting=waiting, expiring_days=queries.EXPIRING_DAYS,
                           export_form=TeamExportForm.for_filters(filters), **_labels())


@bp.get("/people/<int:user_id>")
@login_required
@requires(policy.can_view_team)
def person(user_id: int):
    target = db.session.get(User, user_id, options=[lazyload(User.role_rows)])
    if target is None or not policy.can_view_team_member(current_user, target):
        abort(404)
    now = utcnow()
    record = services.get_member_record(target, manager_id=current_user.id, now=now)
    return render_template("team/person.html", record=record, now=now, competencies=get_profile(target),
                           **_labels())


@bp.post("/export")
@login_required
@requires(policy.can_view_team)
def request_export():
    form = TeamExportForm()
    filters = _filters(form.filter_args())
    if not form.validate_on_submit():
        abort(400)
    job = jobs.request_team_export(current_user, filters, form.format.data, locale=str(get_locale()),
                                   timezone=current_app.config["TIMEZONE"], now=utcnow(),
                                   ip=request.remote_addr or "")
    db.session.commit()
    enqueue_export(job.id)
    return redirect(url_for("exports.export", token=job.token))
