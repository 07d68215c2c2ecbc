"""SAML 2.0 sign-in pages: our SP metadata, the signed AuthnRequest redirect, and the assertion consumer service."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.accounts import bp, saml
from lms.accounts.forms import ProviderSignInForm
from lms.accounts.identity import ExternalSignInRefused, record_refusal, sign_in_external
from lms.accounts.session import sign_in
from lms.db import utcnow
from lms.extensions import csrf, db, limiter
from lms.redirects import safe_next
from lms.saml_config import SamlProvider, saml_providers

#: The cookie that ties a response to the browser that asked for it: the ids of its outstanding AuthnRequests.
#: Not the session cookie: that one is SameSite=Lax, and browsers leave it out of the IdP's cross-site POST.
REQUEST_COOKIE = "lms_saml_requests"
REQUEST_SECONDS = 600  # how long a started sign-in may take at the IdP
MAX_OUTSTANDING = 5  # sign-ins started in other tabs that stay valid


def _sso_limit() -> str:
    return current_app.config["SSO_RATE_LIMIT"]


def _provider(key: str) -> SamlProvider:
    provider = saml_providers(current_app.config).get(key)
    if provider is None:
        abort(404)
    return provider


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms-saml-requests")


def _outstanding() -> dict[str, list[str]]:
    """{request id: [provider key, next url]} of this browser, from the signed cookie ({} if absent or stale)."""
    raw = request.cookies.get(REQUEST_COOKIE)
    if not raw:
        return {}
    try:
        value = _serializer().loads(raw, max_age=REQUEST_SECONDS)
    except BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def _store_outstanding(response: Response, outstanding: dict[str, list[str]]) -> Response:
    secure = current_app.config["BASE_URL"].startswith("https://")
    if not outstanding:
        response.delete_cookie(REQUEST_COOKIE, path="/saml/", secure=secure, httponly=True,
                               samesite="None" if secure else "Lax")
        return response
    # SameSite=None (with Secure) lets the cookie ride on the IdP's cross-site POST; over plain http (development,
    # where the IdP is on the same host) browsers refuse None without Secure, and Lax is enough.
    response.set_cookie(REQUEST_COOKIE, _serializer().dumps(outstanding), max_age=REQUEST_SECONDS, path="/saml/",
                        secure=secure, httponly=True, samesite="None" if secure else "Lax")
    return response


@bp.get("/saml/<key>/metadata")
def saml_metadata(key: str):
    xml = saml.sp_metadata(_provider(key), current_app.config["BASE_URL"])
    return Response(xml, mimetype="application/samlmetadata+xml")


@bp.post("/saml/<key>/login")
@limiter.limit(_sso_limit)
def saml_login(key: str):
    provider = _provider(key)
    if not ProviderSignInForm().validate_on_submit():
        abort(400)
    next_url = safe_next(request.args.get("next"), url_for("site.index"))
    try:
        request_id, location = saml.start_sign_in(provider, current_app.config["BASE_URL"])
    except ExternalSignInRefused as exc:
        record_refusal(protocol="saml", provider=key, reason=exc.reason, now=utcnow(), ip=request.remote_addr or "",
                       detail=exc.detail)
        db.session.commit()
        flash(str(exc.message), "error")
        return redirect(url_for("accounts.login"))
    outstanding = dict(list(_outstanding().items())[-(MAX_OUTSTANDING - 1):])
    outstanding[request_id] = [key, next_url]
    return _store_outstanding(redirect(location), outstanding)


@bp.post("/saml/<key>/acs")
@csrf.exempt  # the IdP posts here; InResponseTo against this browser's signed request cookie stands in for it
@limiter.limit(_sso_limit)
def saml_acs(key: str):
    provider = _provider(key)
    now, ip = utcnow(), request.remote_addr or ""
    outstanding = _outstanding()
    mine = {request_id: entry[1] for request_id, entry in outstanding.items() if entry[0] == key}
    try:
        profile, request_id = saml.verify_response(provider, current_app.config["BASE_URL"],
                                                   request.form.get("SAMLResponse", ""), outstanding=mine, now=now)
        user = sign_in_external(profile, allow_create=provider.allow_create, now=now, ip=ip)
    except ExternalSignInRefused as exc:
        db.session.rollback()
        record_refusal(protocol="saml", provider=key, reason=exc.reason, now=now, ip=ip, detail=exc.detail)
        db.session.commit()
        flash(str(exc.message), "error")
        return redirect(url_for("accounts.login"), 303)
    next_url = outstanding.pop(request_id)[1]
    sign_in(user)
    db.session.commit()
    flash(_("Welcome, %(name)s.", name=user.full_name), "success")
    return _store_outstanding(redirect(safe_next(next_url, url_for("site.index")), 303), outstanding)
