"""`lms assignments ...` and `lms reminders ...` commands."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.assignments.models import TargetKind
from lms.db import begin_write, utcnow
from lms.extensions import db


@click.group()
def assignments():
    """Mandatory course assignments."""


@assignments.command("create")
@click.option("--course", "course_key", help="Course id (from its course.yml).")
@click.option("--programme", "programme_key",
              help="Instead of --course: a programme id (courses/programmes/); each required course is assigned.")
@click.option("--due", "due", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Due date, YYYY-MM-DD (by the end of that day, platform time zone).")
@click.option("--agency", "agency_code", help="Assign to everyone in this agency.")
@click.option("--include-subagencies", is_flag=True, help="With --agency: also everyone in agencies below it.")
@click.option("--position", help="With --agency: only people holding this position.")
@click.option("--user", "emails", multiple=True, help="Assign to this person (repeatable); instead of --agency.")
@click.option("--every-months", "every_months", type=click.IntRange(1, 120),
              help="Recurring: each completion is valid this many months, then the course is due again.")
@click.option("--by", "actor_email", required=True, help="Email of the admin or HR officer making the assignment.")
@with_appcontext
def create_command(course_key, programme_key, due: datetime, agency_code, include_subagencies, position, emails,
                   every_months, actor_email):
    """Assign a course (or a programme's required courses) to an agency, to people holding a position in it, or to
    named people."""
    from lms.accounts.services import get_user_by_email
    from lms.agencies.services import get_agency_by_code
    from lms.assignments.services import AssignmentError, NewAssignment, create_assignment, list_assignees
    from lms.audit.services import audit
    from lms.courses.services import get_live_course
    from lms.programmes.services import get_live_programme
    from lms.timeutil import end_of_day

    begin_write(db.session)
    actor = get_user_by_email(actor_email)
    if bool(course_key) == bool(programme_key):
        raise click.ClickException("give either --course or --programme")
    programme = get_live_programme(programme_key) if programme_key else None
    if programme_key and programme is None:
        raise click.ClickException(f"no live programme {programme_key!r}")
    course = get_live_course(course_key or (programme.structure.get("courses") or [""])[0])
    if actor is None:
        raise click.ClickException(f"no user {actor_email}")
    if course is None:
        raise click.ClickException(f"no live course {course_key or programme_key!r}")
    if bool(agency_code) == bool(emails):
        raise click.ClickException("give either --agency or --user")
    agency = get_agency_by_code(agency_code) if agency_code else None
    if agency_code and agency is None:
        raise click.ClickException(f"no agency {agency_code!r}")
    people = []
    for email in emails:
        person = get_user_by_email(email)
        if person is None:
            raise click.ClickException(f"no user {email}")
        people.append(person)
    kind = TargetKind.USERS if emails else (TargetKind.POSITION if position else TargetKind.AGENCY)
    data = NewAssignment(course=course, due_at=end_of_day(due.date(), current_app.config["TIMEZONE"]),
                         target_kind=kind, agency=agency, include_subagencies=include_subagencies,
                         position=position, users=tuple(people), recurrence_months=every_months)
    try:
        if programme is not None:
            from lms.assignments.programmes import NewProgrammeAssignment, assign_programme

            made = assign_programme(NewProgrammeAssignment(programme, data), actor=actor, now=utcnow())
            assignment = made[0]
        else:
            assignment = create_assignment(data, actor=actor, now=utcnow())
    except (AssignmentError, PermissionError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    count = len(list_assignees(assignment))
    if programme is not None:
        audit("assignment.created", actor=None, now=utcnow(), object_type="programme", object_id=programme.key,
              after={"programme": programme.key, "courses": [a.course.key for a in made],
                     "assignments": [a.id for a in made], "target": kind, "agency": agency_code, "by": actor_email,
                     "due_at": assignment.due_at.isoformat(), "people_now": count})
        db.session.commit()
        click.echo(f"Assigned programme {programme.key} ({len(made)} course(s)) to {count} people now (and to "
                   f"those who join later), due {due.date()}.")
        return
    audit("assignment.created", actor=None, now=utcnow(), object_type="assignment", object_id=assignment.id,
          after={"course": course_key, "target": kind, "agency": agency_code, "by": actor_email,
                 "due_at": assignment.due_at.isoformat(), "people_now": count})
    db.session.commit()
    click.echo(f"Assigned {course_key} to {count} people now (and to those who join later), due {due.date()}.")


@click.group()
def reminders():
    """Email reminders about due and overdue assignments."""


@reminders.command("send")
@with_appcontext
def send_command():
    """Enrol people who became assignees since their assignments were made, then queue due-date reminders (30, 7
    and 1 days before, and overdue) and HR digests; each is sent once."""
    from lms.assignments.reminders import send_reminders
    from lms.assignments.services import enrol_new_assignees
    from lms.mail.services import deliver_pending

    begin_write(db.session)
    enrolled = enrol_new_assignees(now=utcnow())
    # Links in the emails point at the public address (there is no request to take it from).
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        counts = send_reminders(now=utcnow(), default_locale=current_app.config["DEFAULT_LOCALE"])
    db.session.commit()
    begin_write(db.session)
    sent, failed = deliver_pending(current_app.config, limit=10_000)
    db.session.commit()
    click.echo(f"{enrolled} new assignee(s) enrolled; {counts['reminders']} reminder(s) and "
               f"{counts['digests']} HR digest(s) queued; {sent} email(s) sent, {failed} failed.")
