"""View helpers shared by the report, export and API token pages: who may open them, and the request's filters."""

from __future__ import annotations

from flask import abort, current_app, make_response, request
from flask_login import current_user

from lms.accounts import policy
from lms.errors import render_error
from lms.reports.filters import FilterError, OutOfScope, ReportFilters, parse_filters


def require_reports() -> None:
    """Abort with 403 unless the signed-in user may see reports."""
    if not policy.can_view_reports(current_user):
        abort(403)


def current_filters(args=None) -> ReportFilters:
    """The filters of this request, checked against the user's scope (aborts with 400 or 404)."""
    require_reports()
    try:
        return parse_filters(request.args if args is None else args, actor=current_user,
                             timezone=current_app.config["TIMEZONE"])
    except FilterError as exc:
        abort(make_response(render_error(400, exc.message)))
    except OutOfScope:
        abort(404)
