"""My certificates, downloads, the public verification page, the issuer profile and keys, admin revocation."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.accounts import policy
from lms.audit.services import audit
from lms.certificates import bp, serials, services
from lms.certificates.issuer import issuer_name, public_urls, published_jwks, signing_key
from lms.config import LOCALES
from lms.db import utcnow
from lms.extensions import db, limiter
from lms.links import public_url

#: Seconds a verifier (or a cache between) may reuse a credential status answer or a status list: the lists' `ttl`,
#: lms.certificates.status_list.TTL_SECONDS (a test keeps the two equal; that module is imported only when needed).
STATUS_MAX_AGE = 300


def _public_limit() -> str:
    return current_app.config["PUBLIC_RATE_LIMIT"]


def _own_or_404(serial: str):
    certificate = services.get_by_serial(serial)
    if certificate is None or not (certificate.user_id == current_user.id or policy.is_admin(current_user)):
        abort(404)
    return certificate


@bp.get("/certificates/")
@login_required
def mine():
    return render_template("certificates/mine.html", certificates=services.list_for_user(current_user), now=utcnow(),
                           display=serials.display, locales=LOCALES)


@bp.get("/certificates/<serial>.pdf")
@login_required
def pdf(serial: str):
    certificate = _own_or_404(serial)
    language = request.args.get("lang", certificate.language)
    if language not in LOCALES:
        abort(404)
    logo = current_app.config["ISSUER_LOGO"]
    data = services.get_pdf(certificate, language, urls=public_urls(), issuer_name=issuer_name(language),
                            cache_dir=Path(current_app.config["CERTIFICATE_CACHE_DIR"]),
                            logo=Path(logo) if logo else None)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}-{language}.pdf"'
    response.cache_control.private = True
    return response


@bp.get("/certificates/<serial>/credential.json")
@login_required
def credential(serial: str):
    certificate = _own_or_404(serial)
    token = services.get_credential(certificate, urls=public_urls(), issuer_name=issuer_name(certificate.language),
                                    key=signing_key())
    # A W3C VC 2.0 "enveloped" credential: the signed VC-JWT inside a JSON document.
    body = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
            "id": f"data:application/vc+jwt,{token}"}
    response = current_app.response_class(current_app.json.dumps(body), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="credential-{certificate.serial}.json"'
    return response


@bp.get("/verify")
@limiter.limit(_public_limit)
def verify_form():
    typed = request.args.get("serial", "").strip()[:100]
    if typed:
        return redirect(url_for("certificates.verify", serial=typed))
    return render_template("certificates/verify.html", certificate=None, typed="", searched=False)


@bp.get("/verify/<serial>")
@limiter.limit(_public_limit)
def verify(serial: str):
    """Public: valid / expired / revoked / not found, with only what an employer needs."""
    certificate = services.get_by_serial(serial)
    return render_template("certificates/verify.html", certificate=certificate, typed=serial[:100], searched=True,
                           status=certificate.status(utcnow()) if certificate else None,
                           issuer=issuer_name(str(get_locale())), display=serials.display), 200 if certificate else 404


@bp.get("/credentials/status-lists/<int:number>")
@limiter.limit(_public_limit)
def status_list(number: int):
    """Public, for verifiers: revocation list `number` as a signed W3C BitstringStatusListCredential (VC-JWT)."""
    from lms.certificates.status_list import MEDIA_TYPE

    token = services.get_status_list(number, urls=public_urls(), key=signing_key())
    if token is None:
        response = current_app.make_response(({"error": "not found"}, 404))
    else:
        response = current_app.response_class(token, mimetype=MEDIA_TYPE)
    return _cacheable(response)


@bp.get("/credentials/<serial>/status")
@limiter.limit(_public_limit)
def status(serial: str):
    """Public, for credentials handed out before status lists (they name this URL): is it revoked, and why, with the
    certificate's place in its status list."""
    certificate = services.get_by_serial(serial)
    if certificate is None:
        response = current_app.make_response(({"error": "not found"}, 404))
    else:
        response = current_app.make_response({
            "id": public_url("certificates.status", serial=certificate.serial),
            "revoked": certificate.revoked_at is not None, "reason": certificate.revoked_reason,
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            "statusListCredential": public_url("certificates.status_list", number=certificate.status_list),
            "statusListIndex": str(certificate.status_index)})
    return _cacheable(response)


def _cacheable(response):
    # Verifiers and their proxies may keep the answer briefly; a revocation shows within STATUS_MAX_AGE.
    response.cache_control.public = True
    response.cache_control.max_age = STATUS_MAX_AGE
    return response


@bp.get("/issuer")
def issuer():
    """The issuer profile (Open Badges 3.0 Profile) that credentials name, its name in the visitor's language."""
    response = current_app.make_response({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": public_url("certificates.issuer"), "type": ["Profile"], "name": issuer_name(str(get_locale())),
        "url": public_url("site.index"), "publicKeys": public_url("certificates.jwks")})
    response.vary.add("Accept-Language")
    return response


@bp.get("/issuer/jwks.json")
def jwks():
    """The public keys that verify credentials (JWKS)."""
    return published_jwks()


@bp.get("/admin/certificates/")
@login_required
def admin_list():
    if not policy.is_admin(current_user):
        abort(403)
    query = request.args.get("q", "")[:200]
    return render_template("certificates/admin.html", certificates=services.search(query), q=query, now=utcnow(),
                           display=serials.display)


@bp.post("/admin/certificates/<serial>/revoke")
@login_required
def admin_revoke(serial: str):
    if not policy.is_admin(current_user):
        abort(403)
    certificate = services.get_by_serial(serial)
    if certificate is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "revoke")
    try:
        if action == "reissue":
            new = services.reissue(certificate, actor=current_user, reason=request.form.get("reason", ""),
                                   now=utcnow())
            message = _("Re-issued as %(serial)s; the old certificate is revoked.", serial=serials.display(new.serial))
            audit("certificate.reissued", actor=current_user, now=utcnow(), ip=request.remote_addr or "",
                  object_type="certificate", object_id=certificate.serial,
                  before={"name": certificate.learner_name}, after={"serial": new.serial, "name": new.learner_name},
                  details={"reason": certificate.revoked_reason})
        else:
            services.revoke(certificate, actor=current_user, reason=request.form.get("reason", ""), now=utcnow())
            message = _("The certificate is revoked.")
            audit("certificate.revoked", actor=current_user, now=utcnow(), ip=request.remote_addr or "",
                  object_type="certificate", object_id=certificate.serial,
                  details={"reason": certificate.revoked_reason})
    except services.CertificateError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("certificates.admin_list", q=serial), 303)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("certificates.admin_list", q=serial), 303)

