"""Competency pages: a learner's own profile, and the agency heat map in the reports (with its export)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from lms.accounts import policy
from lms.agencies import services as agencies
from lms.competencies import bp, services
from lms.db import utcnow
from lms.exports import jobs
from lms.exports.forms import ExportForm
from lms.exports.tasks import enqueue_export
from lms.extensions import db
from lms.reports.competencies import BANDS, build_heat_map
from lms.reports.lookups import current_filters, require_reports
from lms.reports.tree import AgencyTree


@bp.get("/competencies")
@login_required
def mine():
    return render_template("competencies/mine.html", profile=services.get_profile(current_user))


def _level(args, levels) -> int:
    numbers = [level.level for level in levels] or [1]
    value = args.get("level", type=int)
    return value if value in numbers else numbers[0]


@bp.get("/reports/competencies")
@login_required
def heat_map():
    filters = current_filters()
    tree = AgencyTree.load()
    board = build_heat_map(filters, tree)
    params = {"agency": filters.agency.code} if filters.agency else {}
    ancestors = [node for node in tree.ancestors(filters.agency.id) if policy.report_scope(current_user) is None
                 or agencies.is_within(node.id, current_user.agency_id)] if filters.agency else []
    return render_template("competencies/heat_map.html", board=board, filters=filters, params=params,
                           level=_level(request.args, board.levels), bands=BANDS,
                           ancestors=ancestors,
                           export_form=ExportForm.for_filters(filters))


@bp.post("/reports/competencies/export")
@login_required
def request_export():
    require_reports()
    form = ExportForm()
    filters = current_filters({"agency": form.agency.data or ""})  # another agency's: 404 whatever else is wrong
    if not form.validate_on_submit():
        abort(400)
    job = jobs.request_competency_export(current_user, filters, form.format.data, locale=str(get_locale()),
                                         now=utcnow(), ip=request.remote_addr or "")
    db.session.commit()
    enqueue_export(job.id)
    return redirect(url_for("exports.export", token=job.token))
