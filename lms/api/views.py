"""The JSON API for BI tools (/api/v1): agency summary, course summary, detail rows, overdue training.

Authentication is a personal token in `Authorization: Bearer ...` (never the browser session, so no CSRF); the
token acts with its owner's current rights and the same scope policy as the pages.
"""

from __future__ import annotations

from flask import abort, current_app, g, jsonify, request
from sqlalchemy import select

from lms.accounts import policy
from lms.api import bp, tokens
from lms.api.openapi import openapi_document
from lms.api.params import OPERATIONS, QueryError, check_query, filter_args
from lms.courses.ai_marks import source_type
from lms.courses.models import Course
from lms.db import begin_write, utcnow
from lms.extensions import csrf, db, limiter
from lms.links import public_url
from lms.reports import dashboard, queries
from lms.reports.filters import FilterError, OutOfScope, parse_filters
from lms.reports.rows import RowContext

csrf.exempt(bp)


def _error(status: int, message: str):
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lms"'
    return response


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "api:" + (header[7:47] if header.startswith("Bearer ") else (request.remote_addr or ""))


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = None
    if scheme.lower() == "bearer":
        begin_write(db.session)  # authenticating marks the token used (committed below, before the report reads)
        user = tokens.authenticate(secret.strip(), now=utcnow())
    if user is None or not policy.can_view_reports(user):
        db.session.rollback()  # release the write lock at once
        if user is None:
            return _error(401, "A valid API token is required (Authorization: Bearer <token>).")
        return _error(403, "This token's owner may not see reports.")
    db.session.commit()  # last_used_at
    g.api_user = user
    return None


def _course_keys() -> set[str]:
    return set(db.session.scalars(select(Course.key)))


def _query(path: str) -> dict:
    """The operation's query parameters (defaults filled in), checked against their declarations in the OpenAPI
    document (400)."""
    try:
        return check_query(request.args, OPERATIONS[path], _course_keys())
    except QueryError as exc:
        abort(_error(400, exc.message))


def _filters(params: dict):
    try:
        return parse_filters(filter_args(params), actor=g.api_user, timezone=current_app.config["TIMEZONE"])
    except FilterError as exc:
        abort(_error(400, str(exc.message)))
    except OutOfScope:
        abort(_error(404, "No such agency."))


def _counts(counts: dashboard.Counts) -> dict:
    data = counts.as_dict()
    rate = counts.completion_rate
    data["completion_rate"] = round(rate, 1) if rate is not None else None
    return data


def _limit():
    return current_app.config["API_RATE_LIMIT"]


@bp.get("/agencies/summary")
@limiter.limit(_limit, key_func=_token_key)
def agency_summary():
    params = _query("/agencies/summary")
    filters, lang = _filters(params), params["lang"]
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


@bp.get("/courses/summary")
@limiter.limit(_limit, key_func=_token_key)
def course_summary():
    params = _query("/courses/summary")
    filters, lang = _filters(params), params["lang"]
    board = dashboard.build_dashboard(filters, now=utcnow(), overdue_limit=0)
    return jsonify({"filters": filters.to_params(), "courses": [
        {"course_id": row.course.key, "title": row.course.title.get(lang) or row.course.key,
         "title_ai_generated": source_type(row.course.ai_content),
         "retired": row.course.is_retired, **{key: value for key, value in _counts(row.counts).items()
                                               if key != "headcount"}} for row in board.courses]})


@bp.get("/rows")
@limiter.limit(_limit, key_func=_token_key)
def rows():
    params = _query("/rows")
    filters, lang, limit, after = _filters(params), params["lang"], params["limit"], params["cursor"]
    now = utcnow()
    context = RowContext.load(locale=lang, timezone=filters.timezone, now=now)
    query = queries.detail_query(filters, queries.agency_ids(filters, context.tree), now=now, after_id=after)
    found = list(db.session.execute(query.limit(limit + 1)))
    page = found[:limit]
    return jsonify({"filters": filters.to_params(), "rows": [context.row(r) for r in page],
                    "next_cursor": page[-1].id if len(found) > limit else None})


@bp.get("/overdue")
@limiter.limit(_limit, key_func=_token_key)
def overdue():
    params = _query("/overdue")
    filters, now, limit, offset = _filters(params), utcnow(), params["limit"], params["offset"]
    context = RowContext.load(locale=params["lang"], timezone=filters.timezone, now=now)
    items = dashboard.find_overdue(filters, context.tree, now=now, limit=limit + 1, offset=offset)
    return jsonify({"filters": filters.to_params(), "items": [
        {"agency_code": item.agency.code if item.agency else "", "learner": item.full_name, "email": item.email,
         "course_id": item.course.key, "due_on": context.day(item.due_at)} for item in items[:limit]],
        "next_offset": offset + limit if len(items) > limit else None})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(_course_keys(),
                                    server=public_url("api.openapi").removesuffix("/openapi.json")))
