"""Reporting pages: the dashboard, the learner list, one learner's record, overdue training, agency targets."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts import policy
from lms.accounts.models import User
from lms.agencies import services as agencies
from lms.approvals import queries as approval_queries
from lms.competencies.services import get_profile
from lms.courses.models import Course
from lms.db import utcnow
from lms.evaluations import queries as evaluation_queries
from lms.exports.forms import ExportForm
from lms.extensions import db
from lms.i18n import LANGUAGE_NAMES, format_day
from lms.reports import bp, charts, dashboard, gain, queries, snapshots, targets
from lms.reports.filters import STATUS_NAMES, ReportFilters
from lms.reports.forms import ClearTargetForm, TargetForm
from lms.reports.lookups import current_filters, require_reports
from lms.reports.rows import RowContext
from lms.reports.tree import AgencyTree

PAGE_SIZE = 50


def _filter_choices(tree: AgencyTree):
    """Agencies the user may pick (depth-first, with depth), courses, statuses and languages."""
    scope_root = None if policy.report_scope(current_user) is None else current_user.agency_id
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
    courses = list(db.session.scalars(select(Course).order_by(Course.is_retired, Course.key)))
    return {"agencies": ordered, "courses": courses, "statuses": STATUS_NAMES, "languages": LANGUAGE_NAMES}


@bp.get("/")
@login_required
def index():
    filters = current_filters()
    now = utcnow()
    snapshot = snapshots.get_fresh_snapshot(
        now=now, max_age=timedelta(minutes=current_app.config["REPORT_SNAPSHOT_MINUTES"]))
    tree = AgencyTree.load()
    minimum = current_app.config["REPORT_SNAPSHOT_MIN_ENROLMENTS"]
    figures = snapshot.figures_for(filters, queries.agency_ids(filters, tree), min_enrolments=minimum) \
        if snapshot else None
    board = dashboard.build_dashboard(filters, now=now, snapshot=figures, tree=tree)
    national = dashboard.national_progress(target=current_app.config["NATIONAL_TARGET"], now=now,
                                           weekly=snapshot.weekly_for(min_enrolments=minimum) if snapshot else None)
    # Courses that need approval: requests waiting now and those declined, per course (one statement).
    request_counts = approval_queries.count_by_course(
        queries.agency_ids(filters, tree), now=now, course_id=filters.course.id if filters.course else None,
        since=filters.since, until=filters.until)
    visible_ancestors = [node for node in board.ancestors
                         if policy.report_scope(current_user) is None
                         or agencies.is_within(node.id, current_user.agency_id)]
    return render_template(
        "reports/dashboard.html", board=board, national=national, filters=filters, params=filters.to_params(),
        choices=_filter_choices(tree), ancestors=visible_ancestors, export_form=ExportForm.for_filters(filters),
        now=now, charts=_charts(board, national), request_counts=request_counts,
        # Satisfaction per course in the same scope (lms.evaluations; two statements).
        satisfaction=evaluation_queries.course_tallies(queries.agency_ids(filters, tree),
                                                       course_id=filters.course.id if filters.course else None),
        satisfaction_minimum=current_app.config["EVALUATION_MIN_RESPONDENTS"],
        can_set_target=filters.agency is not None and policy.can_set_agency_target(current_user, filters.agency),
    )


def _percent(value: float) -> str:
    return format_decimal(round(value, 1)) + " %"


def _charts(board: dashboard.Dashboard, national: dashboard.NationalProgress) -> dict:
    """The dashboard's SVG charts; each has a table of the same figures beside it on the page."""
    locale = str(get_locale())
    trained = [(format_day(week), total) for week, _count, total in national.weeks]
    projection = [(format_day(week), value) for week, value in national.projection]
    return {
        "national": charts.line_chart(
            chart_id="chart-national", title=_("People trained towards the national target"),
            description=_("%(trained)s of %(target)s people trained; the weekly figures are in the table below.",
                          trained=format_decimal(national.trained), target=format_decimal(national.target)),
            points=trained, projection=projection or None, target=national.target,
            target_label=_("Target: %(target)s", target=format_decimal(national.target)),
            value_format=lambda v: format_decimal(round(v))),
        "courses": charts.bar_chart(
            chart_id="chart-courses", title=_("Completion rate by course"),
            description=_("Completed enrolments as a share of enrolments, per course; figures in the table below."),
            items=[(row.course.title_in(locale), row.counts.completion_rate or 0) for row in board.courses],
            max_value=100, value_format=_percent),
        "agencies": charts.bar_chart(
            chart_id="chart-agencies", title=_("People certified by agency"),
            description=_("People holding a valid certificate as a share of the headcount, per agency; figures "
                          "in the table below."),
            items=[(row.node.name_in(locale), row.counts.certified_share or 0) for row in board.agencies],
            max_value=100, value_format=_percent),
    }


@bp.get("/learners")
@login_required
def learners():
    filters = current_filters()
    page = max(1, request.args.get("page", 1, type=int))
    now = utcnow()
    context = RowContext.load(locale=str(get_locale()), timezone=filters.timezone, now=now)
    ids = queries.agency_ids(filters, context.tree)
    query = queries.detail_query(filters, ids, now=now).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    rows = [(r.user_id, context.row(r)) for r in db.session.execute(query)]
    return render_template("reports/learners.html", filters=filters, params=filters.to_params(),
                           rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE,
                           choices=_filter_choices(context.tree))


@bp.get("/learners/<int:user_id>")
@login_required
def learner(user_id: int):
    require_reports()
    person = db.session.get(User, user_id)
    if person is None or not policy.can_view_learner_report(current_user, person):
        abort(404)
    now = utcnow()
    context = RowContext.load(locale=str(get_locale()), timezone=current_app.config["TIMEZONE"], now=now)
    query = queries.detail_query(ReportFilters(), None, now=now, include_inactive=True).where(User.id == person.id)
    rows = [context.row(r) for r in db.session.execute(query)]
    filters = ReportFilters(timezone=current_app.config["TIMEZONE"])
    tree = context.tree
    items = dashboard.find_overdue(filters, tree, now=now, user_id=person.id)
    gains = gain.learner_gains(person.id)
    courses = {course.id: course for course in db.session.scalars(select(Course).where(
        Course.id.in_(list(gains))))}
    return render_template("reports/learner.html", person=person, rows=rows, overdue=items,
                           agency=tree.nodes.get(person.agency_id), now=now,
                           requests=approval_queries.list_requests_of(person), competencies=get_profile(person),
                           gains=[SimpleNamespace(course=courses[cid], gain=g) for cid, g in gains.items()
                                  if cid in courses])


@bp.get("/overdue")
@login_required
def overdue():
    filters = current_filters()
    page = max(1, request.args.get("page", 1, type=int))
    now = utcnow()
    tree = AgencyTree.load()
    items = dashboard.find_overdue(filters, tree, now=now, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template("reports/overdue.html", filters=filters, params=filters.to_params(),
                           items=items[:PAGE_SIZE], page=page, has_next=len(items) > PAGE_SIZE)


def _target_agency(code: str):
    require_reports()
    agency = agencies.get_agency_by_code(code)
    if agency is None or not policy.can_view_agency_report(current_user, agency):
        abort(404)
    if not policy.can_set_agency_target(current_user, agency):
        abort(403)
    return agency


@bp.route("/agencies/<code>/target", methods=["GET", "POST"])
@login_required
def target(code: str):
    agency = _target_agency(code)
    existing = targets.get_target(agency)
    form = TargetForm(obj=None if request.method == "POST" else existing)
    if request.method == "GET" and existing is not None:
        form.course.data = existing.course.key if existing.course else ""
    locale = str(get_locale())
    form.set_courses(db.session.scalars(select(Course).where(Course.has_certificate.is_(True),
                                                             Course.is_retired.is_(False)).order_by(Course.key)),
                     locale)
    status = 200
    if form.validate_on_submit():
        course = db.session.scalar(select(Course).where(Course.key == form.course.data)) if form.course.data else None
        try:
            now = utcnow()
            targets.set_target(agency, percent=form.percent.data, due_on=form.due_on.data, course=course,
                               actor=current_user, now=now, today=now.date(), ip=request.remote_addr or "")
        except targets.TargetError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("The target has been saved."), "success")
            return redirect(url_for("reports.index", agency=agency.code))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("reports/target.html", agency=agency, form=form, existing=existing,
                           clear_form=ClearTargetForm(formdata=None)), status


@bp.post("/agencies/<code>/target/clear")
@login_required
def clear_target(code: str):
    agency = _target_agency(code)
    if not ClearTargetForm().validate_on_submit():
        abort(400)
    targets.clear_target(agency, actor=current_user, now=utcnow(), ip=request.remote_addr or "")
    db.session.commit()
    flash(_("The target has been removed."), "success")
    return redirect(url_for("reports.index", agency=agency.code))


@bp.get("/programmes")
@login_required
def programmes():
    """Per agency, rolled up the tree: how many people a programme is assigned to, in progress, completed, overdue."""
    from lms.programmes.services import list_live_programmes
    from lms.reports.programmes import programme_report

    filters = current_filters()
    offered = list_live_programmes()
    key = request.args.get("programme", "")
    chosen = next((p for p in offered if p.key == key), None) if key else (offered[0] if offered else None)
    if key and chosen is None:
        abort(404)
    tree = AgencyTree.load()
    report = None
    if chosen is not None:
        report = programme_report(chosen, tree=tree, agency_ids=queries.agency_ids(filters, tree),
                                  parent_id=filters.agency.id if filters.agency else None, now=utcnow())
    export_form = ExportForm.for_filters(filters)
    export_form.programme.data = chosen.key if chosen else ""
    return render_template("reports/programmes.html", report=report, programmes=offered, chosen=chosen,
                           filters=filters, params=filters.to_params(), export_form=export_form,
                           choices=_filter_choices(tree))
