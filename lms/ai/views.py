"""AI pages: "Ask about this course" (form and result), the AI notice, the public list of AI systems, the AI log."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from lms.accounts import policy
from lms.ai import bp, labels, services
from lms.ai.actions import ACTIONS, Action
from lms.ai.forms import AskForm, NoticeForm
from lms.ai.manager import AIRefused, enabled_actions
from lms.ai.providers import PROVIDERS
from lms.audit.services import audit
from lms.courses.lookups import live_course_or_404
from lms.courses.services import list_live_lessons
from lms.db import begin_write, utcnow
from lms.extensions import db
from lms.imports import neutralise
from lms.redirects import safe_next

PAGE_SIZE = 50
#: HTTP status of each refusal.
REFUSAL_STATUS = {"open_attempt": 409, "disabled": 403, "rate_limited": 429}


def _ip() -> str:
    return request.remote_addr or ""


def tutor_available(user) -> bool:
    """Whether the ask form is shown to `user`: the tutor action is on and their agency is not switched off."""
    if Action.TUTOR_ANSWER not in enabled_actions(current_app.config):
        return False
    disabled = services.disabled_agencies(current_app.config)
    if not disabled:  # nothing to look up: the agency is loaded (one statement) only when some are switched off
        return True
    agency = getattr(user, "agency", None)
    return agency is None or agency.code not in disabled


@bp.app_context_processor
def _ai_helpers():
    return {"ai_tutor_available": tutor_available}


def _lesson_titles(course, locale: str) -> dict[str, str]:
    return {lesson.key: lesson.title_in(locale, course.default_language) for lesson in list_live_lessons(course)}


@bp.get("/courses/<key>/ask")
@login_required
def ask_form(key: str):
    course = live_course_or_404(key)
    if not policy.can_use_ai(current_user) or not tutor_available(current_user):
        abort(404)
    form = AskForm(lesson=request.args.get("lesson", "")[:64])
    return render_template("ai/ask.html", course=course, form=form, outcome=None)


@bp.post("/courses/<key>/ask")
@login_required
def ask(key: str):
    course = live_course_or_404(key)
    if not policy.can_use_ai(current_user) or not tutor_available(current_user):
        abort(404)
    form = AskForm()
    if not form.validate_on_submit():
        return render_template("ai/ask.html", course=course, form=form, outcome=None), 400
    locale = str(get_locale())
    try:
        outcome = services.ask_tutor(current_user, course, form.question.data, locale=locale,
                                     settings=current_app.config, now=utcnow())
    except AIRefused as refusal:
        if refusal.reason == "notice":
            back = url_for("ai.ask_form", key=key, lesson=form.lesson.data or None)
            return redirect(url_for("ai.notice", next=back))
        return render_template("ai/ask.html", course=course, form=form, outcome=None,
                               refusal=refusal.reason), REFUSAL_STATUS.get(refusal.reason, 403)
    db.session.commit()
    entry = outcome.entries[-1]
    return render_template(
        "ai/ask.html", course=course, form=form, outcome=outcome, lesson_titles=_lesson_titles(course, locale),
        marks=labels.block_marks(outcome.provider, current_app.config, entry.id),
        system=labels.system_name(outcome.provider, current_app.config),
        source_type=labels.source_type(outcome.provider))


@bp.get("/ai/notice")
@login_required
def notice():
    form = NoticeForm(next=safe_next(request.args.get("next"), url_for("learning.dashboard")))
    return render_template("ai/notice.html", form=form, **_notice_context())


@bp.post("/ai/notice")
@login_required
def accept_notice():
    form = NoticeForm()
    if not form.validate_on_submit():
        return render_template("ai/notice.html", form=form, **_notice_context()), 400
    services.accept_notice(current_user, settings=current_app.config, now=utcnow(), ip=_ip())
    db.session.commit()
    return redirect(safe_next(form.next.data, url_for("learning.dashboard")))


def _notice_context() -> dict:
    settings = current_app.config
    return {"providers": services.active_providers(settings), "external": services.external_providers(settings),
            "endpoint": settings.get("AI_OPENAI_BASE_URL", ""), "version": services.NOTICE_VERSION,
            "retention_days": settings["AI_RETENTION_DAYS"],
            "accepted": services.has_accepted_notice(current_user, settings),
            "system_names": "; ".join(labels.system_name(name, settings)
                                      for name in services.active_providers(settings))}


@bp.get("/ai/systems")
def systems():
    settings = current_app.config
    rows = []
    for name in services.active_providers(settings):
        rows.append({"name": name, "system": labels.system_name(name, settings),
                     "provider": settings.get("AI_OPENAI_PROVIDER_NAME") or settings.get("AI_OPENAI_BASE_URL", "")
                     if PROVIDERS[name].is_external else "",
                     "risk": settings["AI_TUTOR_RISK_CLASS"] if name == "extractive" else
                     settings.get("AI_OPENAI_RISK_CLASS", ""),
                     "actions": [a for a in ACTIONS if PROVIDERS[name].supports(a)
                                 and a in enabled_actions(settings)]})
    return render_template("ai/systems.html", rows=rows, owner=settings.get("AI_OWNER", ""))


def _log_query():
    args = request.args
    success = {"yes": True, "no": False}.get(args.get("success", ""))
    return services.log_query(action=args.get("action") if args.get("action") in ACTIONS else None,
                              provider=args.get("provider") if args.get("provider") in PROVIDERS else None,
                              course_key=args.get("course", "").strip()[:64] or None,
                              user_email=args.get("user", "").strip()[:254] or None, success=success,
                              since=_day(args.get("from")), until=_day(args.get("to"), end=True))


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start + timedelta(days=1) if end else start


@bp.get("/admin/ai-log/")
@login_required
def log():
    if not policy.can_view_ai_log(current_user):
        abort(403)
    page = db.paginate(_log_query(), page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("ai/log.html", page=page, args=request.args, actions=ACTIONS, providers=list(PROVIDERS))


@bp.get("/admin/ai-log/export.csv")
@login_required
def log_export():
    if not policy.can_view_ai_log(current_user):
        abort(403)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["time", "request", "user", "agency_id", "action", "provider", "model", "model_version",
                     "course", "language", "prompt_hash", "passages", "prompt", "output", "tokens_in", "tokens_out",
                     "latency_ms", "success", "error", "purged_at"])
    for entry in db.session.scalars(_log_query().limit(100_000)):
        passages = ";".join(f"{p['lesson']}#{p['heading']}" for p in entry.passages or [])
        cells = [entry.at.isoformat(), entry.request_id, entry.user.email if entry.user else "command line",
                 entry.agency_id or "", entry.action, entry.provider, entry.model, entry.model_version,
                 entry.course_key, entry.language, entry.prompt_hash, passages, entry.prompt or "",
                 entry.output or "", entry.tokens_in, entry.tokens_out, entry.latency_ms,
                 "yes" if entry.is_success else "no", entry.error,
                 entry.purged_at.isoformat() if entry.purged_at else ""]
        writer.writerow([neutralise(str(cell)) for cell in cells])
    db.session.commit()
    begin_write(db.session)
    audit("ai_log.exported", actor=current_user, now=utcnow(), ip=_ip())
    db.session.commit()
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="ai-log.csv"'
    return response
