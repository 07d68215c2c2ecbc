"""`lms approvals ...` commands."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.db import begin_write, utcnow
from lms.extensions import db


@click.group()
def approvals():
    """Enrolment requests awaiting a manager's approval."""


@approvals.command("expire")
@with_appcontext
def expire_command():
    """Mark pending enrolment requests past their expiry as expired (the worker does this hourly)."""
    from lms.approvals.services import expire_requests

    begin_write(db.session)
    count = expire_requests(now=utcnow())
    db.session.commit()
    click.echo(f"{count} enrolment request(s) expired.")
