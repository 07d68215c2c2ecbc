"""`lms certificates ...`: revoke, re-issue after a name correction, verify a downloaded credential offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.audit.services import audit
from lms.db import begin_write, utcnow
from lms.extensions import db


@click.group()
def certificates():
    """Issued certificates and credentials."""


def _admin(email: str):
    from lms.accounts import policy
    from lms.accounts.services import get_user_by_email

    actor = get_user_by_email(email)
    if actor is None or not policy.is_admin(actor):
        raise click.ClickException(f"{email} is not an administrator")
    return actor


@certificates.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True)
@click.option("--by", "actor_email", required=True, help="Email of the administrator revoking it.")
@with_appcontext
def revoke_command(serial: str, reason: str, actor_email: str):
    """Revoke one certificate, with a reason (recorded)."""
    from lms.certificates import services

    begin_write(db.session)
    actor = _admin(actor_email)
    certificate = services.get_by_serial(serial)
    if certificate is None:
        raise click.ClickException("no certificate with this number")
    try:
        services.revoke(certificate, actor=actor, reason=reason, now=utcnow())
    except services.CertificateError as exc:
        raise click.ClickException(str(exc.message)) from None
    audit("certificate.revoked", actor=actor, now=utcnow(), object_type="certificate", object_id=certificate.serial,
          details={"reason": reason, "via": "command line"})
    db.session.commit()
    click.echo(f"Revoked {serial}.")


@certificates.command("reissue")
@click.option("--user", "email", required=True, help="The learner whose certificates to re-issue.")
@click.option("--reason", required=True, help='E.g. "name corrected".')
@click.option("--by", "actor_email", required=True, help="Email of the administrator.")
@with_appcontext
def reissue_command(email: str, reason: str, actor_email: str):
    """Re-issue every valid certificate of a learner with their current name; the old ones are revoked."""
    from lms.accounts.services import get_user_by_email
    from lms.certificates import serials, services

    begin_write(db.session)
    actor = _admin(actor_email)
    learner = get_user_by_email(email)
    if learner is None:
        raise click.ClickException(f"no user {email}")
    current = [c for c in services.list_for_user(learner) if c.revoked_at is None]
    now = utcnow()
    issued = []
    with click.progressbar(current, label="Re-issuing", file=sys.stderr) as bar:
        for certificate in bar:
            issued.append(services.reissue(certificate, actor=actor, reason=reason, now=now))
            audit("certificate.reissued", actor=actor, now=now, object_type="certificate",
                  object_id=certificate.serial, after={"serial": issued[-1].serial}, details={"reason": reason})
    db.session.commit()
    for old, new in zip(current, issued, strict=True):
        click.echo(f"  {serials.display(old.serial)} -> {serials.display(new.serial)}")
    click.echo(f"{len(issued)} certificate(s) re-issued.")


@certificates.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--jwks", "jwks_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer's published keys (issuer/jwks.json); default: this platform's own key.")
@with_appcontext
def verify_command(path: Path, jwks_path: Path | None):
    """Verify a downloaded credential offline: signature, validity dates and revocation (from this database)."""
    from lms.certificates import services
    from lms.certificates.credential import verify_credential
    from lms.certificates.issuer import published_jwks

    text = path.read_text(encoding="utf-8").strip()
    token = text
    if text.startswith("{"):
        try:
            token = json.loads(text).get("id", "").removeprefix("data:application/vc+jwt,")
        except (ValueError, AttributeError):
            raise click.ClickException(f"{path}: not a credential file") from None
    jwks = json.loads(jwks_path.read_text(encoding="utf-8")) if jwks_path else published_jwks()

    def is_revoked(credential_id: str):
        certificate = services.get_by_serial(credential_id.rstrip("/").rsplit("/", 1)[-1])
        if certificate is None or certificate.revoked_at is None:
            return False, None
        return True, certificate.revoked_reason

    result = verify_credential(token, jwks, now=utcnow(), is_revoked=is_revoked)
    if result.valid:
        click.echo("Valid credential.")
        return
    for problem in result.problems:
        click.echo(f"- {problem}", err=True)
    raise SystemExit(1)
