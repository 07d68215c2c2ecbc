"""`lms competencies ...`: rebuild the competency evidence from the passed final quizzes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group()
def competencies():
    """Competency evidence and profiles."""


@competencies.command("recompute")
@click.option("--email", default=None, help="Only this learner's evidence (default: everyone's).")
@with_appcontext
def recompute_command(email: str | None):
    """Rebuild the competency evidence from every passed final quiz: after the framework or the competencies of a
    course or question changed (and `lms courses sync`), or to fill the evidence of quizzes passed before. Audited."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.competencies.services import recompute_evidence
    from lms.db import begin_write, utcnow
    from lms.extensions import db

    user = None
    if email:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user with the email {email}")
    begin_write(db.session)
    rows = recompute_evidence(now=utcnow(), user=user)
    db.session.commit()
    click.echo(f"{rows} competency evidence row(s) written.")
