"""`lms xapi ...`: the statement outbox's backlog, delivery now, and replaying history to the LRS."""

from __future__ import annotations

from datetime import UTC

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import begin_write, utcnow
from lms.extensions import db


@click.group()
def xapi():
    """xAPI statements for the Learning Record Store."""


def _moment(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else "-"


@xapi.command("status")
@with_appcontext
def status_command():
    """Show the outbox: statements waiting, sent and rejected, and the last error."""
    from lms.xapi.outbox import get_backlog

    config = current_app.config
    backlog = get_backlog()
    click.echo(f"xAPI: {'on' if config['XAPI_ENABLED'] else 'off'}"
               + (f", endpoint {config['XAPI_ENDPOINT']}" if config["XAPI_ENDPOINT"] else ""))
    click.echo(f"pending: {backlog.pending}")
    click.echo(f"sent: {backlog.sent}")
    click.echo(f"rejected: {backlog.rejected}")
    click.echo(f"oldest pending event: {_moment(backlog.oldest_pending_at)}")
    click.echo(f"next delivery due: {_moment(backlog.next_attempt_at)}")
    click.echo(f"failed attempts of the oldest: {backlog.head_attempts}")
    click.echo(f"last error: {backlog.last_error or '-'}")
    click.echo(f"last sent: {_moment(backlog.last_sent_at)}")


@xapi.command("replay")
@click.option("--since", required=True, type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Re-send the statements of events from this day (UTC), e.g. 2026-01-31.")
@click.option("--send/--no-send", default=False, help="Deliver them now instead of leaving them to the worker.")
@with_appcontext
def replay_command(since, send: bool):
    """Queue the statements of events since a date to be sent again (building those recorded while xAPI was
    off). They keep their ids: the LRS stores none twice."""
    from lms.audit.services import audit
    from lms.xapi.outbox import replay

    config = current_app.config
    if not config["XAPI_ENABLED"]:
        raise click.ClickException("xAPI is off: set LMS_XAPI_ENABLED=true and LMS_XAPI_ENDPOINT first")
    since = since.replace(tzinfo=UTC)
    now = utcnow()
    begin_write(db.session)
    result = replay(since, config=config, now=now)
    audit("xapi.replayed", actor=None, now=now, object_type="xapi", object_id=since.date().isoformat(),
          details={"since": since.isoformat(), "built": result.built, "queued": result.queued,
                   "via": "command line"})
    db.session.commit()
    click.echo(f"{result.queued} statements queued ({result.built} built for events recorded while xAPI was off).")
    if send:
        _send(config)


@xapi.command("send")
@with_appcontext
def send_command():
    """Deliver the due statements now (the worker does this every minute)."""
    config = current_app.config
    if not config["XAPI_ENABLED"]:
        raise click.ClickException("xAPI is off: set LMS_XAPI_ENABLED=true and LMS_XAPI_ENDPOINT first")
    _send(config)


def _send(config) -> None:
    from lms.xapi.sending import deliver_pending

    result = deliver_pending(config)
    click.echo(f"{result.sent} sent, {result.rejected} rejected, {result.failed} waiting for a retry.")
    if result.last_error:
        click.echo(f"last error: {result.last_error}")
    if result.failed or result.rejected:
        raise SystemExit(1)
