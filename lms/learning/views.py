"""My learning, enrolling in a course, marking a lesson complete."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.approvals.services import start_course
from lms.assignments.outcome import record_course_outcome
from lms.assignments.services import list_assigned_courses, renewal_since_for
from lms.certificates.services import list_for_user as list_certificates
from lms.courses import services as courses
from lms.courses.lookups import live_course_or_404
from lms.db import utcnow
from lms.extensions import db
from lms.learning import bp, services
from lms.pretests.services import get_offer
from lms.programmes.services import get_courses_by_key, list_live_programmes, standings_from


@bp.get("/my-learning")
@login_required
def dashboard():
    now = utcnow()
    assigned = list_assigned_courses(current_user, now=now)
    assigned_ids = {item.course.id for item in assigned if item.completed_at is None}
    # Recurring training due again counts afresh from the completion it renews.
    renewals = {item.course.id: since for item in assigned
                if (since := renewal_since_for(current_user, item)) is not None}
    enrollments, renewed = services.list_enrollments_and_renewals(current_user, since=renewals)
    progress = {e.course_id: p for e, p in enrollments} | renewed
    in_progress = [(e, p) for e, p in enrollments if p.completion is None and e.course_id not in assigned_ids]
    completed = [(e, p) for e, p in enrollments if p.completion is not None]
    certificates = {}
    mine = list_certificates(current_user)
    for certificate in mine:
        if certificate.revoked_at is None:
            certificates.setdefault(certificate.course_id, certificate)
    # Courses whose lessons are all done but not completed yet lead to their final quiz.
    quiz_course_ids = courses.list_quiz_course_ids(
        [course_id for course_id, p in progress.items() if p.next_lesson is None and p.completion is None])
    # Programmes: those assigned (every required course is: a programme's assignment assigns them all), started or
    # complete (the others are on the programmes page), from what this page has read already.
    due_by_key = {item.course.key: item.due_at for item in assigned}
    open_keys = {item.course.key for item in assigned if item.completed_at is None}
    programme_due = {}
    for programme in (live_programmes := list_live_programmes()):
        required = programme.structure.get("courses", [])
        if required and all(key in due_by_key for key in required):
            dues = [due_by_key[key] for key in required if key in open_keys]
            programme_due[programme.id] = min(dues) if dues else max(due_by_key[key] for key in required)
    programmes = [standing for standing in standings_from(live_programmes, [e for e, _p in enrollments], mine,
                                                          now=now)
                  if standing.progress.is_started or standing.certificate or standing.programme.id in programme_due]
    return render_template("learning/dashboard.html", assigned=[a for a in assigned if a.completed_at is None],
                           certificates=certificates, quiz_course_ids=quiz_course_ids,
                           progress_by_course=progress, in_progress=in_progress, completed=completed, now=now,
                           programmes=programmes, programme_due=programme_due,
                           programme_courses=get_courses_by_key([s.programme for s in programmes]))


@bp.post("/courses/<key>/enroll")
@login_required
def enroll(key: str):
    course = live_course_or_404(key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        # Assigned: enrolled as assigned; a course that needs approval: a request to the line manager instead.
        result = start_course(current_user, course, now=utcnow(), days=current_app.config["APPROVAL_REQUEST_DAYS"],
                              ip=request.remote_addr or "")
    except services.EnrollmentClosed as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("courses.course", key=key), 303)
    if result.request is not None:
        db.session.commit()
        flash(_request_message(result), "success" if result.request_created else "info")
        return redirect(url_for("courses.course", key=key), 303)
    # "Start" opens the first lesson not done yet (the course page when every lesson is done).
    progress = services.get_progress(current_user, course, since=renewal_since_for(current_user, result.assigned))
    target = url_for("courses.lesson", key=key, lesson_key=progress.next_lesson.key) \
        if progress.next_lesson is not None else url_for("courses.course", key=key)
    # A course with a pre-test offers it before the first lesson (take or skip: nobody is locked out).
    offer = get_offer(current_user, course, courses.get_current_quiz(course), services.get_enrollment(current_user,
                                                                                                    course))
    if offer is not None and offer.is_pending and progress.done == 0:
        target = url_for("pretests.pretest", key=key)
    db.session.commit()
    if result.newly_enrolled and result.assigned is None:
        flash(_("You are enrolled. Your progress is saved as you go."), "success")
    return redirect(target, 303)


def _request_message(result) -> str:
    if not result.request_created:
        return _("You have already asked to enrol in this course; your request is still waiting for approval. "
                 "Nothing has changed.")
    approver = result.request.approver
    if approver is not None:
        return _("Your request to enrol has been sent to %(name)s. You will be enrolled once it is approved.",
                 name=approver.full_name)
    return _("Your request to enrol has been sent to your agency's HR officers. You will be enrolled once it is "
             "approved.")


@bp.post("/courses/<key>/lessons/<lesson_key>/complete")
@login_required
def complete_lesson(key: str, lesson_key: str):
    course = live_course_or_404(key)
    lessons = courses.list_live_lessons(course)
    lesson = next((item for item in lessons if item.key == lesson_key), None)
    if lesson is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    language = lesson.language_for(str(get_locale()), course.default_language)
    try:
        outcome = record_course_outcome(current_user, course, now=utcnow(), language=language, lesson=lesson,
                                        lessons=lessons)
    except services.NotEnrolled as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("courses.course", key=key), 303)
    db.session.commit()
    locale = str(get_locale())
    if outcome.completion is not None:
        flash(_("Congratulations! You have completed the course “%(title)s”.", title=course.title_in(locale)),
              "success")
    else:
        flash(_("Lesson “%(title)s” is done.", title=lesson.title_in(locale, course.default_language)), "success")
    if outcome.next_lesson is not None:
        return redirect(url_for("courses.lesson", key=key, lesson_key=outcome.next_lesson.key), 303)
    return redirect(url_for("courses.course", key=key), 303)
