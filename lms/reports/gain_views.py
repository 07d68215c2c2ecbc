"""The learning-gain report page: pre-test against final quiz, per course and per agency."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from lms.accounts import policy
from lms.agencies import services as agencies
from lms.exports.forms import ExportForm
from lms.reports import bp
from lms.reports.gain import build_gain_report
from lms.reports.lookups import current_filters
from lms.reports.tree import AgencyTree
from lms.reports.views import _filter_choices as filter_choices  # the report pages share their filter form


@bp.get("/gain")
@login_required
def gain():
    filters = current_filters()
    tree = AgencyTree.load()
    report = build_gain_report(filters, tree)
    visible_ancestors = [node for node in report.ancestors
                         if policy.report_scope(current_user) is None
                         or agencies.is_within(node.id, current_user.agency_id)]
    return render_template("reports/gain.html", report=report, filters=filters, params=filters.to_params(),
                           choices=filter_choices(tree), ancestors=visible_ancestors,
                           export_form=ExportForm.for_filters(filters, kind="gain"))
