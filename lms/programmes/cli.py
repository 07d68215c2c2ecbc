"""`lms programmes ...` commands."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.db import begin_write, utcnow
from lms.extensions import db


@click.group()
def programmes():
    """Programmes and their certificates."""


@programmes.command("award")
@with_appcontext
def award_command():
    """Issue the programme certificates that are due: to everyone who has completed a programme and holds no valid
    certificate of it (e.g. after a new programme was synced). Running it again issues nothing new."""
    from lms.programmes.services import award_programme_certificates, list_learners_with_completions

    begin_write(db.session)
    now = utcnow()
    issued = 0
    for user in list_learners_with_completions():
        for certificate in award_programme_certificates(user, now=now, language=user.locale or "ru"):
            click.echo(f"  + {certificate.programme.key}: {user.email} ({certificate.serial})")
            issued += 1
    db.session.commit()
    click.echo(f"{issued} programme certificate(s) issued.")
