"""Admin and HR pages: people (search, filters, deactivate/reactivate), audit log (+ CSV), outbox, content status."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from lms.accounts import people, policy
from lms.accounts.models import Role, User
from lms.admin import bp
from lms.audit.services import audit, query_entries
from lms.courses.content import LANGUAGES
from lms.courses.models import Course, QuizVersion
from lms.courses.status import read_results
from lms.db import begin_write, utcnow
from lms.extensions import db
from lms.i18n import LANGUAGE_NAMES_TRANSLATED, localized
from lms.imports import neutralise
from lms.mail.models import OutboxMessage, OutboxStatus
from lms.mail.services import deliver

PAGE_SIZE = 50


def _require_admin() -> None:
    if not policy.is_admin(current_user):
        abort(403)


def _ip() -> str:
    return request.remote_addr or ""


@bp.get("/users/")
@login_required
def users():
    if not policy.can_view_agencies(current_user):
        abort(403)
    q = request.args.get("q", "").strip()[:200]
    role = request.args.get("role", "")
    active = request.args.get("active", "")
    query = people.search_users(current_user, text=q, role=Role(role) if role in {r.value for r in Role} else None,
                                active={"yes": True, "no": False}.get(active))
    # Each row names the person's line manager: loaded with the page, their agency and roles left unread.
    query = query.options(joinedload(User.manager).options(lazyload(User.agency), lazyload(User.role_rows)))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", page=page, q=q, role=role, active=active, roles=list(Role))


def managed_user_or_404(user_id: int) -> User:
    """The person the current HR officer or admin may manage (policy.can_manage_user), or a 404."""
    user = db.session.get(User, user_id)
    if user is None or not policy.can_manage_user(current_user, user):
        abort(404)
    return user


@bp.post("/users/<int:user_id>/active")
@login_required
def set_active(user_id: int):
    if not policy.can_view_agencies(current_user):
        abort(403)
    user = managed_user_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    wanted = request.form.get("active") == "yes"
    if people.set_user_active(user, wanted, actor=current_user, now=utcnow(), ip=_ip()):
        db.session.commit()
        flash(_("%(name)s is active again.", name=user.full_name) if wanted else
              _("%(name)s is deactivated and signed out everywhere.", name=user.full_name), "success")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/admin/")
                    else url_for("admin.users"), 303)


def _parse_day(value: str) -> datetime | None:
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(), tzinfo=UTC)
    except ValueError:
        return None


def _audit_query():
    since = _parse_day(request.args.get("from", ""))
    until = _parse_day(request.args.get("to", ""))
    return query_entries(action=request.args.get("action", "").strip()[:60] or None,
                         actor_email=request.args.get("actor", "").strip()[:254] or None, since=since,
                         until=until + timedelta(days=1) if until else None)


@bp.get("/audit/")
@login_required
def audit_log():
    _require_admin()
    page = db.paginate(_audit_query(), page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("admin/audit.html", page=page, args=request.args)


@bp.get("/audit/export.csv")
@login_required
def audit_export():
    _require_admin()
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 (Kazakh and Russian names) correctly with a BOM
    writer = csv.writer(out)
    writer.writerow(["time", "actor", "ip", "action", "object_type", "object_id", "summary"])
    for entry in db.session.scalars(_audit_query().limit(100_000)):
        cells = [entry.at.isoformat(), entry.actor.email if entry.actor else "command line", entry.ip, entry.action,
                 entry.object_type, entry.object_id, str(entry.summary)]
        writer.writerow([neutralise(cell) for cell in cells])
    # The export itself is audited: end the long read, then take the write lock for that one row only.
    db.session.commit()
    begin_write(db.session)
    audit("audit.exported", actor=current_user, now=utcnow(), ip=_ip())
    db.session.commit()
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@bp.get("/outbox/")
@login_required
def outbox():
    _require_admin()
    status = request.args.get("status", "")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in tuple(OutboxStatus):
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/outbox.html", page=page, status=status)


@bp.post("/outbox/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    _require_admin()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if message.status == OutboxStatus.SENT:
        flash(_("This email has already been sent."), "info")
    else:
        sent = deliver(message, current_app.config)
        audit("email.retried", actor=current_user, now=utcnow(), ip=_ip(), object_type="email", object_id=message.id,
              after={"status": message.status})
        db.session.commit()
        flash(_("Sent.") if sent else _("Sending failed again: %(error)s", error=message.last_error),
              "success" if sent else "error")
    return redirect(url_for("admin.outbox"), 303)


@bp.get("/content/")
@login_required
def content():
    _require_admin()
    courses = db.session.scalars(select(Course).order_by(Course.is_retired, Course.key)).all()
    quizzes = {q.course_id: q for q in db.session.scalars(select(QuizVersion).where(QuizVersion.is_current.is_(True)))}
    last_sync = db.session.scalar(select(func.max(Course.synced_at)))
    results = read_results(current_app.instance_path)
    translations = results.get("translations")
    translations_at = None
    if translations:
        try:
            translations_at = datetime.fromisoformat(translations["at"])
        except (KeyError, TypeError, ValueError):
            translations = None
    return render_template("admin/content.html", courses=courses, quizzes=quizzes, last_sync=last_sync,
                           results=results, translations=translations, translations_at=translations_at,
                           languages=LANGUAGES, language_names_ui=LANGUAGE_NAMES_TRANSLATED, localized=localized)

