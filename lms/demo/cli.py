"""The `lms demo-data` command: the demo accounts, and with --learners a national dataset on top."""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.accounts.models import User
from lms.db import begin_write, utcnow
from lms.demo.accounts import DEMO_ACCOUNTS, DEMO_AGENCIES, login_label, seed_demo
from lms.demo.evaluations import seed_evaluations
from lms.demo.pretests import seed_pretests
from lms.extensions import db


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Allow demo accounts with known passwords in production.")
@click.option("--learners", type=click.IntRange(min=1),
              help="Also generate a national dataset: this many learners with enrolments, progress and certificates.")
@click.option("--agencies", type=click.IntRange(min=1), default=200, show_default=True,
              help="With --learners: agencies in the generated tree.")
@click.option("--seed", type=int, default=2026, show_default=True, help="With --learners: the random seed.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="With --learners: the anchor day (default: today, UTC); all generated history lies before it.")
@click.option("--if-absent", is_flag=True,
              help="With --learners: when a national dataset is present already, add nothing and succeed (make run).")
@with_appcontext
def demo_data(force: bool, learners: int | None, agencies: int, seed: int, today: datetime | None,
              if_absent: bool):
    """Create demo agencies and one account per role when the database has no users; print the logins.

    With --learners, then generate a national dataset on top (lms.demo.national) and refresh the dashboard
    snapshot; it refuses to run twice, unless --if-absent makes a second run a no-op.
    """
    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("refusing to create demo accounts with known passwords in production")
    if learners is None:
        if agencies != 200 or seed != 2026 or today is not None or if_absent:
            raise click.UsageError("--agencies, --seed, --today and --if-absent need --learners")
        begin_write(db.session)
        logins = seed_demo(min_length=current_app.config["PASSWORD_MIN_LENGTH"], now=utcnow(),
                           approval_days=current_app.config["APPROVAL_REQUEST_DAYS"])
        if logins:
            # The demo team's completions (too few for evaluation figures: the report says so), and pre-tests.
            seed_evaluations(exclude_emails=[row[0] for row in DEMO_ACCOUNTS], now=utcnow())
            seed_pretests()
        db.session.commit()
        _print_logins(logins)
        return
    from lms.demo import national
    from lms.demo.bulk import rollback_journal
    from lms.demo.competencies import add_course_evidence
    from lms.reports.snapshots import refresh_snapshot

    if if_absent and national.is_present():
        db.session.rollback()
        click.echo("National demo data is present already; nothing added.")
        _print_logins([], quiet=True)
        return
    began = time.perf_counter()
    options = national.NationalOptions(learners=learners, agencies=agencies, seed=seed,
                                       today=(today or utcnow()).date(), timezone=current_app.config["TIMEZONE"])
    with rollback_journal(db.engine):
        try:
            national.check_can_generate(options)
            begin_write(db.session)
            logins = seed_demo(min_length=current_app.config["PASSWORD_MIN_LENGTH"], now=utcnow(),
                               approval_days=current_app.config["APPROVAL_REQUEST_DAYS"])
            national.generate(options, demo_agency_codes=[row[0] for row in DEMO_AGENCIES],
                              admin_email="admin@demo.lms.kz", echo=click.echo)
            made = seed_evaluations(exclude_emails=[row[0] for row in DEMO_ACCOUNTS], seed=seed, now=utcnow())
            click.echo(f"course evaluations: {made} anonymous answers")
            click.echo(f"pre-tests: {seed_pretests(seed=seed)}")
            click.echo(f"competency evidence: {add_course_evidence()} rows")
            db.session.commit()
        except national.NationalDataError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            db.session.close()  # rolls back unless committed; hands the connection back before WAL returns
    # The dashboards (and the national target chart) read the country's counts from the worker's snapshot: count
    # the new data now rather than at the worker's next turn (a fraction of a second for a programme-sized demo).
    refresh_snapshot(now=utcnow())
    db.session.commit()
    click.echo(f"National demo data committed, dashboard snapshot refreshed; {time.perf_counter() - began:.1f} s "
               "in all.")
    _print_logins(logins)


def _print_logins(logins: list[tuple[str, str, str]], *, quiet: bool = False) -> None:
    if not logins:
        existing = set(db.session.scalars(select(User.email).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS]))))
        logins = [(login_label(email, roles), email, password)
                  for email, _name, _agency, _position, roles, password in DEMO_ACCOUNTS if email in existing]
        if not quiet:
            click.echo("The database has users already; no demo data created.")
        if not logins:
            return
    click.echo("Demo accounts (local use only; passwords as first created):")
    for roles, email, password in logins:
        click.echo(f"  {roles:<28} {email:<25} password: {password}")
