"""Pre-test pages: the offer (take or skip), taking it (save and finish later), and its score."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.courses import services as courses
from lms.courses.lookups import live_course_or_404
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.pretests import bp, services
from lms.pretests.models import PretestStatus


def _course_with_pretest(key: str):
    course = live_course_or_404(key)
    quiz = courses.get_current_quiz(course)
    if services.pretest_size(quiz) is None:
        abort(404)
    return course, quiz


def _first_lesson_url(course) -> str:
    progress = learning.get_progress(current_user, course)
    if progress.next_lesson is None:
        return url_for("courses.course", key=course.key)
    return url_for("courses.lesson", key=course.key, lesson_key=progress.next_lesson.key)


@bp.get("/courses/<key>/pretest")
@login_required
def pretest(key: str):
    course, quiz = _course_with_pretest(key)
    enrollment = learning.get_enrollment(current_user, course)
    offer = services.get_offer(current_user, course, quiz, enrollment)
    if offer is not None and offer.pretest is not None and offer.pretest.status == PretestStatus.OPEN:
        return _take(offer.pretest)
    return render_template("pretests/offer.html", course=course, offer=offer, enrolled=enrollment is not None,
                           next_url=_first_lesson_url(course) if enrollment is not None else None)


def _take(pretest, status: int = 200):
    return render_template("pretests/take.html", attempt=pretest, course=pretest.course,
                           questions=services.questions_by_id(pretest), fields=pretest.layout["fields"],
                           draft=pretest.draft or {}), status


@bp.post("/courses/<key>/pretest/start")
@login_required
def start(key: str):
    course, _quiz = _course_with_pretest(key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.start_pretest(current_user, course, now=utcnow(), language=str(get_locale()),
                               ip=request.remote_addr or "")
    except services.PretestError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("pretests.pretest", key=key), 303)
    db.session.commit()
    return redirect(url_for("pretests.pretest", key=key), 303)


@bp.post("/courses/<key>/pretest/skip")
@login_required
def skip(key: str):
    course, _quiz = _course_with_pretest(key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.skip_pretest(current_user, course, now=utcnow(), language=str(get_locale()),
                              ip=request.remote_addr or "")
    except services.PretestError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("pretests.pretest", key=key), 303)
    db.session.commit()
    flash(_("You skipped the pre-test. You can start the lessons now."), "info")
    return redirect(_first_lesson_url(course), 303)


@bp.post("/courses/<key>/pretest/submit")
@login_required
def submit(key: str):
    course, _quiz = _course_with_pretest(key)
    pretest = services.get_pretest(current_user, course)
    if pretest is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    now = utcnow()
    form = {name: values for name, values in request.form.to_dict(flat=False).items() if name != "csrf_token"}
    saving = request.form.get("action") == "save"
    try:
        if saving:
            services.save_draft(pretest, form, now=now)
        else:
            services.submit_pretest(current_user, pretest, services.parse_answers(pretest, form), now=now,
                                    ip=request.remote_addr or "")
    except services.AlreadyDecided as exc:
        db.session.rollback()
        flash(str(exc.message), "info")
        return redirect(url_for("pretests.pretest", key=key), 303)
    except services.AnswerRejected as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _take(services.get_pretest(current_user, course), 400)
    db.session.commit()
    if saving:
        flash(_("Your answers are saved. You can finish the pre-test later."), "success")
    return redirect(url_for("pretests.pretest", key=key), 303)
