"""The approvers' Requests page (approve, decline) and the learner's withdrawal of a pending request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.accounts import policy
from lms.approvals import bp, queries, services
from lms.approvals.forms import DeclineForm
from lms.approvals.models import REASON_MAX_LENGTH, STATUS_NAMES, EnrollmentRequest
from lms.db import utcnow
from lms.extensions import db

#: Open requests shown at once, the longest waiting first; decided ones are paged.
PENDING_LIMIT = 100
PAGE_SIZE = 50


@bp.app_context_processor
def _request_helpers():
    return {"request_status_names": STATUS_NAMES}


def _visible_or_404(request_id: int, rule) -> EnrollmentRequest:
    """The request if `rule(current_user, request)` allows it, else 404 (someone else's request is not found)."""
    found = services.get_request(request_id)
    if found is None or not rule(current_user, found):
        abort(404)
    return found


def _page(status: int = 200, decline_errors: dict[int, list[str]] | None = None):
    now = utcnow()
    page = max(1, request.args.get("page", 1, type=int))
    pending = queries.list_pending_for(current_user, now=now, limit=PENDING_LIMIT + 1)
    decided = queries.list_decided_for(current_user, now=now, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template("approvals/index.html", pending=pending[:PENDING_LIMIT],
                           more_pending=len(pending) > PENDING_LIMIT, decided=decided[:PAGE_SIZE], page=page,
                           has_next=len(decided) > PAGE_SIZE, now=now, reason_max=REASON_MAX_LENGTH,
                           decline_errors=decline_errors or {}), status


def _refused(exc):
    """The Requests page again with the reason a closed request (or a retired course) cannot be decided: 409."""
    db.session.rollback()
    flash(str(exc.message), "error")
    return _page(409)


@bp.get("/approvals/")
@login_required
def index():
    return _page()


@bp.post("/approvals/<int:request_id>/approve")
@login_required
def approve(request_id: int):
    found = _visible_or_404(request_id, policy.can_decide_request)
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = found.user.full_name
    try:
        services.approve_request(found, actor=current_user, now=utcnow(), ip=request.remote_addr or "")
    except (services.RequestClosed, services.CourseRetired) as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Approved: %(name)s is enrolled in the course.", name=name), "success")
    return redirect(url_for("approvals.index"), 303)


@bp.post("/approvals/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    found = _visible_or_404(request_id, policy.can_decide_request)
    form = DeclineForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(400, {found.id: [str(error) for error in form.reason.errors]})
    name = found.user.full_name
    try:
        services.decline_request(found, actor=current_user, now=utcnow(), reason=form.reason.data or "",
                                 ip=request.remote_addr or "")
    except services.RequestClosed as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Declined: %(name)s has been told.", name=name), "success")
    return redirect(url_for("approvals.index"), 303)


@bp.post("/approvals/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    found = _visible_or_404(request_id, policy.can_withdraw_request)
    if not FlaskForm().validate_on_submit():
        abort(400)
    course_key = found.course.key
    try:
        services.withdraw_request(found, actor=current_user, now=utcnow(), ip=request.remote_addr or "")
    except services.RequestClosed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("Your request is withdrawn."), "success")
    return redirect(url_for("courses.course", key=course_key), 303)
