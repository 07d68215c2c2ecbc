"""`lms report`: training reports from the command line (`lms report export` comes from lms.exports.cli)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.db import utcnow
from lms.exports.cli import export_command


@click.group("report")
def report():
    """Training reports."""


@report.command("snapshot")
@with_appcontext
def snapshot_command():
    """Count the whole country now for the dashboards (the worker does this every 5 minutes)."""
    import time

    from lms.extensions import db
    from lms.reports import snapshots

    started = time.perf_counter()
    snapshots.refresh_snapshot(now=utcnow())
    db.session.commit()
    click.echo(f"Dashboard snapshot refreshed in {time.perf_counter() - started:.1f} s.")


report.add_command(export_command)  # `lms report export`: the exports package owns it
