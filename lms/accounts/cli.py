"""`lms users ...` commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.config import LOCALES
from lms.db import begin_write, utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.imports import CSVFormatError


@click.group()
def users():
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--agency", "agency_code", default=None, help="Agency code.")
@click.option("--position", default="")
@click.option("--language", type=click.Choice(LOCALES), default=None)
@click.option("--role", "roles", multiple=True, type=click.Choice(["learner", "author", "hr", "programme", "admin"]),
              help="Repeat for several roles; default learner.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_command(email, full_name, agency_code, position, language, roles, password):
    """Create one user account with a password."""
    from lms.accounts.models import Role
    from lms.accounts.services import NewUser, WeakPassword, create_user

    begin_write(db.session)
    data = NewUser(email=email, full_name=full_name, agency_code=agency_code, position=position, locale=language,
                   roles=frozenset(Role(r) for r in roles) or frozenset({Role.LEARNER}), password=password)
    try:
        user = create_user(data, min_length=current_app.config["PASSWORD_MIN_LENGTH"], actor=None, now=utcnow())
    except WeakPassword as exc:
        db.session.rollback()
        raise click.ClickException(exc.reason) from None
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc) or type(exc).__name__) from None
    from lms.assignments.services import enrol_in_assigned_courses

    enrol_in_assigned_courses(user, now=utcnow())  # a course assigned to their agency starts today
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")


@users.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool):
    """Create or update users from an employees CSV file.

    Columns: email, full_name, agency_code (required); position, language, roles, active (optional).
    All or nothing: one bad row and nothing is written.
    """
    from lms.accounts.importer import import_users
    from lms.cli_support import finish_import, read_import_file

    max_bytes = current_app.config["MAX_IMPORT_BYTES"]
    data = read_import_file(path, max_bytes)
    begin_write(db.session)
    total = max(data.count(b"\n") - 1, 1)
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        last = 0

        def advance(done: int) -> None:
            nonlocal last
            bar.update(done - last)
            last = done

        try:
            report = import_users(data, dry_run=dry_run, max_bytes=max_bytes, actor=None, now=utcnow(),
                                  progress=advance)
        except CSVFormatError as exc:
            db.session.rollback()
            raise click.ClickException(f"{path}: {exc}") from None
    if report.ok and not dry_run:
        from lms.assignments.services import enrol_new_assignees

        enrol_new_assignees(now=utcnow())  # people imported into assigned agencies start their courses today
    finish_import(report, dry_run=dry_run, key="user")
