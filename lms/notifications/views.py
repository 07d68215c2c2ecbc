"""The inbox (newest first, mark one or all as read, open an item's page) and the notification preferences."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.db import utcnow
from lms.extensions import db
from lms.notifications import bp, kinds, preferences, services
from lms.notifications.forms import CHANNEL_LABELS, PreferencesForm
from lms.notifications.models import Channel
from lms.redirects import safe_next


def _own_or_404(notification_id: int):
    notification = services.get_for(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


def _back() -> str:
    return safe_next(request.form.get("next"), url_for("notifications.index"))


@bp.get("/")
@login_required
def index():
    page = services.list_page(current_user, page=request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page)


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    services.mark_read(current_user, _own_or_404(notification_id), now=utcnow())
    db.session.commit()
    return redirect(_back(), 303)


@bp.post("/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user, now=utcnow())
    db.session.commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(_back(), 303)


@bp.post("/<int:notification_id>/open")
@login_required
def open_item(notification_id: int):
    link = services.open_link(current_user, _own_or_404(notification_id), now=utcnow(),
                              endpoints=current_app.view_functions)
    db.session.commit()
    target = url_for(link[0], **link[1]) if link else None
    return redirect(safe_next(target, url_for("notifications.index")), 303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    current = preferences.get_preferences(current_user)
    form = PreferencesForm.for_channels(current, user=current_user)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _settings_page(form, current), 400
        choices = form.choices()
        try:
            # A locked kind's radios are disabled, so a browser sends nothing for them; anything sent is a forgery.
            choices |= {name: Channel(request.form[name]) for name, kind in kinds.KINDS.items()
                        if kind.locked and name in request.form}
            preferences.set_preferences(current_user, choices, now=utcnow(), ip=request.remote_addr or "")
        except (ValueError, preferences.LockedKind):
            abort(400)
        db.session.commit()
        flash(_("Your notification settings have been saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    return _settings_page(form, current)


def _settings_page(form: PreferencesForm, current: dict[str, Channel]):
    locked = [kind for kind in kinds.KINDS.values() if kind.locked and kind.concerns(current_user)]
    return render_template("notifications/settings.html", form=form, locked=locked, current=current,
                           channel_labels=CHANNEL_LABELS, channels=list(Channel))
