"""Calendar pages: the secret feed (no sign-in), one due date as an .ics download, and making, rotating and revoking
the feed address from the account page."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.calendar import bp, dues, ical, services
from lms.config import LOCALES
from lms.courses.lookups import live_course_or_404
from lms.db import utcnow
from lms.extensions import db, limiter
from lms.links import public_url

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _limit() -> str:
    return current_app.config["CALENDAR_RATE_LIMIT"]


def _feed_key() -> str:
    return services.limit_key((request.view_args or {}).get("secret", ""))


def _address_key() -> str:
    return "calendar-address:" + get_remote_address()


def _not_found(response) -> bool:
    return response.status_code == 404


def _calendar_response(body: bytes, *, cache: str):
    response = current_app.response_class(body, content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = cache
    response.headers["X-Robots-Tag"] = "noindex"
    # The body is small and made in a few milliseconds: its hash is the cheapest exact ETag (a Last-Modified would
    # need the time of the last change of anything in it, including a dropped entry, which is not stored).
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)


@bp.get("/calendar/<secret>.ics")
# Guessing: unknown addresses tried from one client address. Calendar services fetch many people's feeds from the
# same few hosts, so fetches that succeed are not counted per address...
@limiter.limit(_limit, key_func=_address_key, deduct_when=_not_found)
# ... but per feed, so that one leaked address cannot be hammered.
@limiter.limit(_limit, key_func=_feed_key)
def feed(secret: str):
    """Public, the secret in the address is the key: the owner's open due dates, in the owner's language."""
    user = services.find_owner(secret)
    if user is None:
        abort(404)
    locale = user.locale if user.locale in LOCALES else current_app.config["DEFAULT_LOCALE"]
    items = dues.list_due_dates(user, now=utcnow(), timezone=current_app.config["TIMEZONE"])
    with force_locale(locale):
        body = ical.render(items, locale=locale, name=_("Training due dates"), link_for=_course_link)
    # private: a shared cache must not keep it; no-cache: the app asks again each time (a 304 when unchanged), so a
    # completed course or a revoked address shows at the next fetch.
    return _calendar_response(body, cache="private, no-cache")


def _course_link(key: str) -> str:
    return public_url("courses.course", key=key)


@bp.get("/calendar/courses/<key>.ics")
@login_required
def course_event(key: str):
    """The signed-in person's own due date of one assigned course, as a file to import (the feed's entry: same UID).
    Not found when the course is not assigned to them, or completed."""
    course = live_course_or_404(key)
    items = dues.list_due_dates(current_user, now=utcnow(), timezone=current_app.config["TIMEZONE"],
                                course_id=course.id)
    if not items:
        abort(404)
    locale = str(get_locale())  # the language of the page it was downloaded from (the person's setting first)
    with force_locale(locale):
        body = ical.render(items, locale=locale, name=course.title_in(locale), link_for=_course_link, feed=False)
    response = _calendar_response(body, cache="private, no-store")
    response.headers["Content-Disposition"] = f'attachment; filename="{course.key}.ics"'
    return response


def _shown_once(secret: str, *, rotated: bool):
    url = public_url("calendar.feed", secret=secret)
    webcal = "webcal://" + url.split("://", 1)[1]
    return render_template("calendar/created.html", url=url, webcal=webcal, rotated=rotated)


@bp.post("/account/calendar-feed")
@login_required
def create():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        _feed, secret = services.create_feed(current_user, now=utcnow(), ip=request.remote_addr or "")
    except services.FeedExists:
        db.session.rollback()
        flash(_("You have a calendar feed already. Make a new address if you lost the old one."), "info")
        return redirect(url_for("accounts.account"), 303)
    db.session.commit()
    return _shown_once(secret, rotated=False)


@bp.post("/account/calendar-feed/rotate")
@login_required
def rotate():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        _feed, secret = services.rotate_feed(current_user, now=utcnow(), ip=request.remote_addr or "")
    except services.NoFeed:
        abort(404)
    db.session.commit()
    return _shown_once(secret, rotated=True)


@bp.post("/account/calendar-feed/revoke")
@login_required
def revoke():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_feed(current_user, now=utcnow(), ip=request.remote_addr or "")
    except services.NoFeed:
        abort(404)
    db.session.commit()
    flash(_("Your calendar feed is switched off. Its address no longer works."), "success")
    return redirect(url_for("accounts.account"), 303)
