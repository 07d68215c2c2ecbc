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
@click.option("--status-list", "status_list_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The status list the credential names, as downloaded (its statusListCredential URL); default: "
                   "this platform's list, made from this database.")
@with_appcontext
def verify_command(path: Path, jwks_path: Path | None, status_list_path: Path | None):
    """Verify a downloaded credential offline: signature, validity dates and revocation (through its status list)."""
    from lms.certificates.credential import verify_credential
    from lms.certificates.issuer import published_jwks

    token = _read_token(path)
    jwks = json.loads(jwks_path.read_text(encoding="utf-8")) if jwks_path else published_jwks()
    now = utcnow()
    status_list = _read_token(status_list_path) if status_list_path else None

    result = verify_credential(token, jwks, now=now,
                               is_revoked=lambda credential: _revocation(credential, jwks, now, status_list))
    if result.valid:
        click.echo("Valid credential.")
        return
    for problem in result.problems:
        click.echo(f"- {problem}", err=True)
    raise SystemExit(1)


def _read_token(path: Path) -> str:
    """A VC-JWT from a file holding it as such or as a W3C VC 2.0 enveloped credential (JSON)."""
    text = path.read_text(encoding="utf-8").strip()
    if not text.startswith("{"):
        return text
    try:
        return json.loads(text).get("id", "").removeprefix("data:application/vc+jwt,")
    except (ValueError, AttributeError):
        raise click.ClickException(f"{path}: not a credential file") from None


def _revocation(credential: dict, jwks: dict, now, status_list: str | None) -> tuple[bool, str | None]:
    """Whether the verified `credential` is revoked, read from its status list: the downloaded `status_list`, else
    this platform's (made from this database, as /credentials/status-lists/N publishes it). A credential issued
    before status lists names none: its place comes from this database. Raises ClickException when the list cannot
    be had or does not verify."""
    from lms.certificates import services
    from lms.certificates.credential import verify_signed
    from lms.certificates.issuer import public_urls, signing_key
    from lms.certificates.status_list import StatusListError, is_revoked_in, revocation_entry

    urls = public_urls()
    certificate = services.get_by_serial(str(credential.get("id", "")).rstrip("/").rsplit("/", 1)[-1])
    try:
        entry = revocation_entry(credential)
    except StatusListError as exc:
        raise click.ClickException(f"the credential's status entry: {exc}") from None
    if entry is not None:
        list_url, index = entry["statusListCredential"], int(entry["statusListIndex"])
    elif certificate is not None:
        list_url, index = urls.status_list(certificate.status_list), certificate.status_index
    else:
        raise click.ClickException("the credential names no status list and is not one of this platform's")
    if status_list is None:
        number = list_url.rstrip("/").rsplit("/", 1)[-1]
        if not number.isdigit() or urls.status_list(int(number)) != list_url:
            raise click.ClickException(f"the status list {list_url} is not this platform's: download it and give it "
                                       "with --status-list")
        status_list = services.get_status_list(int(number), urls=urls, key=signing_key())
        if status_list is None:
            raise click.ClickException(f"the status list {list_url} holds no certificate of this platform")
    listed = verify_signed(status_list, jwks, now=now)
    if not listed.valid:
        raise click.ClickException(f"the status list {list_url} does not verify: {'; '.join(listed.problems)}")
    issuer = credential.get("issuer")
    try:
        revoked = is_revoked_in(listed.credential, index=index, list_url=list_url,
                                issuer_id=issuer.get("id") if isinstance(issuer, dict) else issuer)
    except StatusListError as exc:
        raise click.ClickException(f"the status list {list_url}: {exc}") from None
    return revoked, (certificate.revoked_reason if revoked and certificate is not None else None)
