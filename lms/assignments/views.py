"""Assignment pages for HR officers (within their agencies) and admins."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from lms.accounts import policy
from lms.accounts.services import get_user_by_email
from lms.agencies import services as agencies
from lms.assignments import bp
from lms.assignments.forms import AssignmentForm
from lms.assignments.models import TargetKind
from lms.assignments.programmes import NewProgrammeAssignment, assign_programme, cancel_with_programme
from lms.assignments.services import (
    AssignmentError,
    NewAssignment,
    create_assignment,
    get_assignment_for,
    list_assignees,
    list_assignments,
)
from lms.audit.services import audit
from lms.courses import services as courses
from lms.db import utcnow
from lms.extensions import db
from lms.programmes.services import get_live_programme, list_live_programmes
from lms.timeutil import end_of_day

#: The course field's value for a programme: this prefix and the programme's key (course keys never hold a colon).
PROGRAMME_CHOICE = "programme:"


def _require_assigner() -> None:
    if not (policy.is_admin(current_user) or policy.is_hr(current_user)):
        abort(403)


def _form() -> AssignmentForm:
    locale = str(get_locale())
    form = AssignmentForm()
    form.course.choices = [SelectChoice(c.key, c.title_in(locale))
                           for c in db.session.scalars(courses.catalogue_query())]
    form.course.choices += [SelectChoice(PROGRAMME_CHOICE + p.key, _("Programme: %(title)s", title=p.title_in(locale)))
                            for p in list_live_programmes()]
    root = None if policy.is_admin(current_user) else current_user.agency_id
    form.agency.choices = [SelectChoice(a.code, "\u2003" * depth + a.name_in(locale))
                           for a, depth in agencies.list_tree(root) if a.is_active]
    return form


@bp.get("/assignments/")
@login_required
def index():
    _require_assigner()
    rows = [(a, len(list_assignees(a))) for a in list_assignments(current_user)]
    return render_template("assignments/index.html", rows=rows, now=utcnow())


@bp.route("/assignments/new", methods=["GET", "POST"])
@login_required
def new():
    _require_assigner()
    form = _form()
    if form.validate_on_submit():
        data, problem = _to_input(form)
        if problem is None and form.course.data.startswith(PROGRAMME_CHOICE):
            return _assign_programme(form, data)
        if problem is None:
            try:
                assignment = create_assignment(data, actor=current_user, now=utcnow())
            except AssignmentError as exc:
                problem = str(exc.message)
            else:
                count = len(list_assignees(assignment))
                audit("assignment.created", actor=current_user, now=utcnow(), ip=request.remote_addr or "",
                      object_type="assignment", object_id=assignment.id,
                      after={"course": assignment.course.key, "target": assignment.target_kind,
                             "agency": assignment.agency.code if assignment.agency else None,
                             "due_at": assignment.due_at.isoformat(), "people_now": count})
                db.session.commit()
                flash(_("The course is assigned to %(count)d people, and to those who join later.", count=count),
                      "success")
                return redirect(url_for("assignments.index"), 303)
        db.session.rollback()
        form.form_errors.append(problem)
    return render_template("assignments/new.html", form=form), 400 if form.errors or form.form_errors else 200


def _assign_programme(form: AssignmentForm, data: NewAssignment):
    programme = get_live_programme(form.course.data.removeprefix(PROGRAMME_CHOICE))
    try:
        if programme is None:
            raise AssignmentError(_("Choose a course."))
        made = assign_programme(NewProgrammeAssignment(programme, data), actor=current_user, now=utcnow())
    except AssignmentError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc.message))
        return render_template("assignments/new.html", form=form), 400
    count = len(list_assignees(made[0]))
    audit("assignment.created", actor=current_user, now=utcnow(), ip=request.remote_addr or "",
          object_type="programme", object_id=programme.key,
          after={"programme": programme.key, "courses": [a.course.key for a in made],
                 "assignments": [a.id for a in made], "target": data.target_kind,
                 "agency": data.agency.code if data.agency else None, "due_at": data.due_at.isoformat(),
                 "people_now": count})
    db.session.commit()
    flash(_("The programme is assigned to %(count)d people, and to those who join later.", count=count), "success")
    return redirect(url_for("assignments.index"), 303)


def _to_input(form: AssignmentForm) -> tuple[NewAssignment | None, str | None]:
    # A programme's courses are filled in by assign_programme; the first live course stands in until then.
    is_programme = (form.course.data or "").startswith(PROGRAMME_CHOICE)
    course = courses.get_live_course(form.course.data) if not is_programme else \
        db.session.scalar(courses.catalogue_query().limit(1))
    if course is None:
        return None, _("Choose a course.")
    agency = agencies.get_agency_by_code(form.agency.data) if form.agency.data else None
    people = []
    if form.target_kind.data == TargetKind.USERS:
        for line in filter(None, (line.strip() for line in (form.emails.data or "").splitlines())):
            person = get_user_by_email(line)
            if person is None or not policy.can_view_user(current_user, person):
                return None, _("No person with the address %(email)s in your agencies.", email=line)
            people.append(person)
    due_at = end_of_day(form.due_date.data, current_app.config["TIMEZONE"])
    return NewAssignment(course=course, due_at=due_at, target_kind=form.target_kind.data, agency=agency,
                         include_subagencies=form.include_subagencies.data, position=form.position.data,
                         users=tuple(people), recurrence_months=int(form.recurrence.data) if form.recurrence.data
                         else None), None


@bp.post("/assignments/<int:assignment_id>/cancel")
@login_required
def cancel(assignment_id: int):
    _require_assigner()
    assignment = get_assignment_for(current_user, assignment_id)
    if assignment is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    cancelled = cancel_with_programme(assignment, now=utcnow())
    audit("assignment.cancelled", actor=current_user, now=utcnow(), ip=request.remote_addr or "",
          object_type="assignment", object_id=assignment.id,
          details={"course": assignment.course.key, "assignments": [a.id for a in cancelled],
                   "programme": assignment.programme.key if assignment.programme else None})
    db.session.commit()
    flash(_("The assignment is cancelled."), "success")
    return redirect(url_for("assignments.index"), 303)
