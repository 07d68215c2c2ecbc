"""Quiz pages: rules and history, start, take (no answers in the page), submit, result and review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.accounts import policy
from lms.assignments.learner import get_course_state
from lms.assignments.outcome import record_course_outcome
from lms.assignments.services import renewal_since
from lms.courses import services as courses
from lms.courses.lookups import live_course_or_404
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.questions import TYPES
from lms.quizzes import bp, services
from lms.quizzes.models import AttemptStatus


def _course_and_quiz(key: str):
    course = live_course_or_404(key)
    quiz = courses.get_current_quiz(course)
    if quiz is None:
        abort(404)
    return course, quiz


@bp.get("/courses/<key>/quiz")
@login_required
def overview(key: str):
    course, quiz = _course_and_quiz(key)
    now = utcnow()
    state = get_course_state(current_user, course, now=now, with_lessons=False)
    attempts = services.list_attempts(current_user, course)
    return render_template("quizzes/overview.html", course=course, quiz=quiz,
                           standing=services.get_standing(current_user, quiz, course, now=now, since=state.since,
                                                          attempts=attempts),
                           attempts=attempts, enrolled=state.enrollment is not None,
                           may_preview=policy.can_manage_courses(current_user))


@bp.post("/courses/<key>/quiz/start")
@login_required
def start(key: str):
    course, _quiz = _course_and_quiz(key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    preview = request.form.get("preview") == "1"
    if preview and not policy.can_manage_courses(current_user):
        abort(403)
    try:
        now = utcnow()
        attempt = services.start_attempt(current_user, course, now=now, language=str(get_locale()),
                                         preview=preview, since=renewal_since(current_user, course, now=now))
    except services.QuizError as exc:
        # Keep what start_attempt did before refusing: closing an attempt whose time ran out (it counts as used).
        db.session.commit()
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.overview", key=key), 303)
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id), 303)


@bp.get("/quiz/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = services.get_attempt_for(current_user, attempt_id)
    if attempt is None:
        abort(404)
    questions = services.questions_by_id(attempt)
    if attempt.status == AttemptStatus.OPEN:
        return render_template("quizzes/take.html", attempt=attempt, questions=questions,
                               fields=services.form_fields(attempt), now=utcnow())
    now = utcnow()
    since = renewal_since(current_user, attempt.course, now=now)
    standing = services.get_standing(current_user, attempt.quiz_version, attempt.course, now=now, since=since)
    # A passed quiz with lessons still to do: the result page says what remains before the course is complete.
    progress = learning.get_progress(current_user, attempt.course, since=since) \
        if attempt.passed and not attempt.is_preview else None
    return render_template("quizzes/result.html", attempt=attempt, questions=questions,
                           review=services.may_review(attempt, standing), standing=standing, progress=progress)


@bp.post("/quiz/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    attempt = services.get_attempt_for(current_user, attempt_id)
    if attempt is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    now = utcnow()
    try:
        if attempt.status != AttemptStatus.OPEN:  # a replay to a closed attempt: say so, whatever the form holds
            raise services.AlreadySubmitted()
        answers = services.parse_answers(attempt, request.form.to_dict(flat=False))
        attempt = services.submit_attempt(attempt, answers, now=now)
    except services.AlreadySubmitted as exc:
        db.session.rollback()
        flash(str(exc.message), "info")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id), 303)
    except services.AnswerRejected as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return render_template("quizzes/take.html", attempt=attempt, questions=services.questions_by_id(attempt),
                               fields=services.form_fields(attempt), now=now), 400
    outcome = record_course_outcome(current_user, attempt.course, now=now, language=attempt.language)
    db.session.commit()
    if attempt.status == AttemptStatus.EXPIRED:
        flash(_("The time limit had passed, so the answers were not counted."), "error")
    elif outcome.completion is not None:
        flash(_("Congratulations! You have completed the course “%(title)s”.",
                title=attempt.course.title_in(str(get_locale()))), "success")
        for certificate in outcome.programme_certificates:
            flash(_("You have completed the programme “%(title)s”: its certificate is in My certificates.",
                    title=certificate.programme.title_in(str(get_locale()))), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id), 303)


@bp.app_context_processor
def _quiz_helpers():
    from lms.i18n import localized

    def text(texts: dict | None) -> str:
        """A question's text in the current language, or another when that one is missing."""
        return localized(texts or {}, str(get_locale()))

    return {"qtext": text, "question_types": TYPES}
