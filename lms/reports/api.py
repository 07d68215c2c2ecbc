"""The JSON API for BI tools (/api/v1): agency summary, course summary, detail rows, overdue training.

Authentication is a personal token in `Authorization: Bearer ...` (never the browser session, so no CSRF); the
token acts with its owner's current rights and the same scope policy as the pages.
"""

from __future__ import annotations

from flask import abort, current_app, g, jsonify, request

from lms.accounts import policy, tokens
from lms.courses.ai_marks import source_type
from lms.db import utcnow
from lms.extensions import csrf, db, limiter
from lms.i18n import LANGUAGE_NAMES
from lms.reports import api_bp, dashboard, queries
from lms.reports.export import RowContext
from lms.reports.filters import FilterError, OutOfScope, parse_filters
from lms.reports.openapi import openapi_document

csrf.exempt(api_bp)
MAX_LIMIT = 1000


def _error(status: int, message: str):
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lms"'
    return response


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "api:" + (header[7:47] if header.startswith("Bearer ") else (request.remote_addr or ""))


@api_bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = tokens.authenticate(secret.strip(), now=utcnow()) if scheme.lower() == "bearer" else None
    if user is None:
        return _error(401, "A valid API token is required (Authorization: Bearer <token>).")
    if not policy.can_view_reports(user):
        return _error(403, "This token's owner may not see reports.")
    db.session.commit()  # last_used_at
    g.api_user = user
    return None


def _filters():
    try:
        return parse_filters(request.args, actor=g.api_user, timezone=current_app.config["TIMEZONE"])
    except FilterError as exc:
        abort(_error(400, str(exc.message)))
    except OutOfScope:
        abort(_error(404, "No such agency."))


def _language() -> str:
    lang = request.args.get("lang", "en")
    if lang not in LANGUAGE_NAMES:
        abort(_error(400, "lang must be kk, ru or en."))
    return lang


def _counts(counts: dashboard.Counts) -> dict:
    data = counts.as_dict()
    rate = counts.completion_rate
    data["completion_rate"] = round(rate, 1) if rate is not None else None
    return data


def _limit():
    return current_app.config["API_RATE_LIMIT"]


@api_bp.get("/agencies/summary")
@limiter.limit(_limit, key_func=_token_key)
def agency_summary():
    filters = _filters()
    lang = _language()
    board = dashboard.build_dashboard(filters, now=utcnow(), overdue_limit=0)
    agency = filters.agency
    return jsonify({
        "filters": filters.to_params(),
        "agency": {"code": agency.code, "name": agency.name_in(lang)} if agency else None,
        "total": _counts(board.total),
        "own": _counts(board.own) if board.own is not None else None,
        "agencies": [{"code": row.node.code, "name": row.node.name_in(lang), "has_children": row.has_children,
                      **_counts(row.counts)} for row in board.agencies],
        "target": None if board.target is None else {
            "percent": board.target.target.percent, "due_on": board.target.target.due_on.isoformat(),
            "course_id": board.target.target.course.key if board.target.target.course else None,
            "headcount": board.target.headcount, "certified_people": board.target.certified_people},
    })


@api_bp.get("/courses/summary")
@limiter.limit(_limit, key_func=_token_key)
def course_summary():
    filters = _filters()
    lang = _language()
    board = dashboard.build_dashboard(filters, now=utcnow(), overdue_limit=0)
    return jsonify({"filters": filters.to_params(), "courses": [
        {"course_id": row.course.key, "title": row.course.title.get(lang) or row.course.key,
         "title_ai_generated": source_type(row.course.ai_content),
         "retired": row.course.is_retired, **{key: value for key, value in _counts(row.counts).items()
                                               if key != "headcount"}} for row in board.courses]})


@api_bp.get("/rows")
@limiter.limit(_limit, key_func=_token_key)
def rows():
    filters = _filters()
    lang = _language()
    limit = request.args.get("limit", 500, type=int)
    after = request.args.get("cursor", 0, type=int)
    if not 1 <= limit <= MAX_LIMIT or after < 0:
        return _error(400, f"limit must be 1-{MAX_LIMIT} and cursor a number from a previous page.")
    now = utcnow()
    context = RowContext.load(locale=lang, timezone=filters.timezone, now=now)
    query = queries.detail_query(filters, queries.agency_ids(filters, context.tree), now=now, after_id=after)
    found = list(db.session.execute(query.limit(limit + 1)))
    page = found[:limit]
    return jsonify({"filters": filters.to_params(), "rows": [context.row(r) for r in page],
                    "next_cursor": page[-1].id if len(found) > limit else None})


@api_bp.get("/overdue")
@limiter.limit(_limit, key_func=_token_key)
def overdue():
    filters = _filters()
    now = utcnow()
    context = RowContext.load(locale=_language(), timezone=filters.timezone, now=now)
    limit = request.args.get("limit", 500, type=int)
    offset = request.args.get("offset", 0, type=int)
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        return _error(400, f"limit must be 1-{MAX_LIMIT} and offset 0 or more.")
    items = dashboard.find_overdue(filters, context.tree, now=now, limit=limit + 1, offset=offset)
    return jsonify({"filters": filters.to_params(), "items": [
        {"agency_code": item.agency.code if item.agency else "", "learner": item.full_name, "email": item.email,
         "course_id": item.course.key, "due_on": context.day(item.due_at)} for item in items[:limit]],
        "next_offset": offset + limit if len(items) > limit else None})


@api_bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
