"""`lms directory sync`: bring people, agencies and line managers in line with the LDAP / Active Directory."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import begin_write, utcnow
from lms.extensions import db


@click.group()
def directory():
    """LDAP / Active Directory sync."""


@directory.command("sync")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--force", is_flag=True, help="Apply even when more than max_deactivate_share would be deactivated.")
@click.option("--verbose", "-v", is_flag=True, help="List every person changed, not only the counts.")
@with_appcontext
def sync_command(dry_run: bool, force: bool, verbose: bool):
    """Create, update and deactivate people from the directory configured in [directory] of instance/lms.toml."""
    from lms.accounts.directory import DirectoryUnavailable, sync_directory
    from lms.config_directory import DirectorySettingsError

    settings = current_app.config["DIRECTORY"]
    if settings is None:
        raise click.ClickException("No [directory] table in instance/lms.toml: nothing to sync (see the README).")
    begin_write(db.session)
    try:
        report = sync_directory(settings, force=force, now=utcnow())
    except (DirectoryUnavailable, DirectorySettingsError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    if report.refused is not None:
        db.session.commit()  # the refusal's audit entry, nothing else
        raise click.ClickException(str(report.refused))
    prefix = "Would change" if dry_run else "Changed"
    counts = report.counts()
    click.echo(f"{prefix}: {counts['created']} created, {counts['updated']} updated, {counts['deactivated']} "
               f"deactivated, {counts['reactivated']} reactivated, {counts['managers_changed']} managers, "
               f"{counts['kept_deactivated']} kept deactivated; "
               f"{counts['seen']} directory entries read.")
    if verbose:
        for email in report.created:
            click.echo(f"  created {email}")
        for email, fields in report.updated:
            click.echo(f"  updated {email}: {', '.join(fields)}")
        for email in report.deactivated:
            click.echo(f"  deactivated {email}")
        for email in report.reactivated:
            click.echo(f"  reactivated {email}")
    for email in report.kept_deactivated:
        click.echo(f"  kept deactivated (a person deactivated the account; reactivate it on People): {email}")
    for problem in report.problems:
        click.echo(f"  skipped: {problem}", err=True)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
    else:
        db.session.commit()
