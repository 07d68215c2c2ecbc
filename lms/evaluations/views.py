"""The questionnaire (answer, decline), the satisfaction report with its export, and the comments for authors."""

from __future__ import annotations

import functools

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from lms.accounts import policy
from lms.courses.lookups import live_course_or_404
from lms.courses.models import Course
from lms.db import utcnow
from lms.evaluations import bp, comments, queries, services
from lms.evaluations.forms import EvaluationForm
from lms.evaluations.models import COMMENT_MAX_LENGTH
from lms.evaluations.questions import questionnaire_of
from lms.exports import jobs
from lms.exports.forms import ExportForm
from lms.exports.tasks import enqueue_export
from lms.extensions import db
from lms.reports.lookups import current_filters
from lms.reports.queries import agency_ids
from lms.reports.tree import AgencyTree


def requires(check):
    """Answer 403 unless `check(current_user)` (a policy function) holds; after login_required."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _minimum() -> int:
    return current_app.config["EVALUATION_MIN_RESPONDENTS"]


@bp.app_context_processor
def _evaluation_helpers():
    return {"evaluation_offered": _offered, "evaluation_minimum": _minimum}


def _offered(course, completed: bool = True) -> bool:
    """For the course and result pages: is the questionnaire offered to the signed-in learner (one statement)."""
    return current_user.is_authenticated and services.is_offered(current_user, course, completed=completed)


def _completed_course_or_404(key: str) -> Course:
    """The live course, when the signed-in learner has completed it; else 404 (nothing to evaluate)."""
    course = live_course_or_404(key)
    if not services.has_completed(current_user, course):
        abort(404)
    return course


def _already(course: Course):
    flash(_("You have already answered or declined this course's questionnaire. Thank you."), "info")
    return redirect(url_for("courses.course", key=course.key), 303)


@bp.route("/courses/<key>/evaluation", methods=["GET", "POST"])
@login_required
def answer(key: str):
    course = _completed_course_or_404(key)
    if services.get_participation(current_user, course) is not None:
        return _already(course)
    questionnaire = questionnaire_of(course)
    form = EvaluationForm.for_questionnaire(questionnaire, str(get_locale()))
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_evaluation(current_user, course, form.scores(),
                                       form.comment.data if form.comment else None, now=utcnow(),
                                       ip=request.remote_addr or "")
        except services.AlreadyAnswered:
            db.session.rollback()
            return _already(course)
        except services.InvalidAnswers as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
            status = 400
        else:
            db.session.commit()
            flash(_("Thank you: your answers are recorded without your name."), "success")
            return redirect(url_for("courses.course", key=course.key), 303)
    elif request.method == "POST":
        if form.csrf_token.errors:
            abort(400)
        status = 400
    return render_template("evaluations/answer.html", course=course, form=form, questionnaire=questionnaire,
                           comment_max=COMMENT_MAX_LENGTH), status


@bp.post("/courses/<key>/evaluation/dismiss")
@login_required
def dismiss(key: str):
    course = _completed_course_or_404(key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.dismiss_evaluation(current_user, course, now=utcnow(), ip=request.remote_addr or "")
    except services.AlreadyAnswered:
        db.session.rollback()
        return _already(course)
    db.session.commit()
    flash(_("The questionnaire will not be offered again for this course."), "info")
    return redirect(url_for("courses.course", key=course.key), 303)


@bp.get("/reports/satisfaction")
@login_required
@requires(policy.can_view_satisfaction)
def satisfaction():
    filters = current_filters()
    tree = AgencyTree.load()
    ids = agency_ids(filters, tree)
    course_id = filters.course.id if filters.course else None
    cells = queries.load_cells(ids, course_id=course_id)
    figures = queries.build_satisfaction(cells, tree, agency_id=filters.agency.id if filters.agency else None,
                                         include_sub=filters.include_sub, course_id=course_id)
    scope_root = None if policy.report_scope(current_user) is None else current_user.agency_id
    ancestors = [node for node in (tree.ancestors(filters.agency.id) if filters.agency else [])
                 if scope_root is None or node.id in tree.subtree(scope_root)]
    courses = list(db.session.scalars(select(Course).order_by(Course.is_retired, Course.key)))
    return render_template(
        "evaluations/satisfaction.html", filters=filters, params=filters.to_params(), figures=figures,
        minimum=_minimum(), ancestors=ancestors, agencies=_agency_choices(tree, scope_root), courses=courses,
        questionnaire=questionnaire_of(filters.course) if filters.course else None,
        export_form=ExportForm.for_filters(filters),
        may_read_comments=policy.can_read_evaluation_comments(current_user))


def _agency_choices(tree: AgencyTree, scope_root: int | None):
    """The agencies the user may choose, depth-first with their depth."""
    ordered = []

    def walk(agency_id, depth):
        for child in tree.child_nodes(agency_id):
            ordered.append((child, depth))
            walk(child.id, depth + 1)

    if scope_root is None:
        walk(None, 0)
    elif scope_root in tree.nodes:
        ordered.append((tree.nodes[scope_root], 0))
        walk(scope_root, 1)
    return ordered


@bp.post("/reports/satisfaction/export")
@login_required
@requires(policy.can_view_satisfaction)
def export():
    form = ExportForm()
    filters = current_filters(form.filter_args())  # another agency's figures: 404 whatever else is wrong
    if not form.validate_on_submit():
        abort(400)
    job = jobs.request_satisfaction_export(current_user, filters, form.format.data, locale=str(get_locale()),
                                           minimum=_minimum(), now=utcnow(), ip=request.remote_addr or "")
    db.session.commit()
    enqueue_export(job.id)
    return redirect(url_for("exports.export", token=job.token), 303)


@bp.get("/courses/<key>/evaluation/comments")
@login_required
@requires(policy.can_read_evaluation_comments)
def course_comments(key: str):
    course = db.session.scalar(select(Course).where(Course.key == key))  # a retired course's comments too
    if course is None:
        abort(404)
    tree = AgencyTree.load()
    minimum = _minimum()
    periods = comments.list_comment_periods(course, tree.nodes, minimum=minimum)
    return render_template("evaluations/comments.html", course=course, periods=periods, minimum=minimum,
                           questionnaire=questionnaire_of(course))

