"""`lms outbox ...` commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import begin_write
from lms.extensions import db


@click.group()
def outbox():
    """Outgoing email."""


@outbox.command("send")
@click.option("--retry-failed", is_flag=True, help="Also retry messages that failed before.")
@with_appcontext
def send_command(retry_failed: bool):
    """Deliver pending messages from the outbox."""
    from lms.mail.services import deliver_pending

    begin_write(db.session)
    sent, failed = deliver_pending(current_app.config, include_failed=retry_failed)
    db.session.commit()
    click.echo(f"{sent} sent, {failed} failed.")
    if failed:
        raise SystemExit(1)
