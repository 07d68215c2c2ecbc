"""Sign-in, sign-out, account page, password change and reset, self-registration, people pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts import bp, identity, oidc, policy, services
from lms.accounts.forms import (
    CompleteRegistrationForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    ProviderSignInForm,
    RegisterForm,
    ResetPasswordForm,
    UnlinkIdentityForm,
)
from lms.accounts.identity import ExternalSignInRefused
from lms.accounts.models import ExternalIdentity, User
from lms.accounts.session import current_session_id, sign_in, sign_out
from lms.calendar import services as calendar_feeds
from lms.config import registration_domains
from lms.db import begin_write, utcnow, writes
from lms.extensions import db, limiter
from lms.identity_providers import break_glass_admins, oidc_providers
from lms.links import public_url
from lms.mail.services import deliver
from lms.redirects import safe_next
from lms.saml_config import saml_providers


def _login_email_key() -> str:
    # Second login limit keyed by the address tried, so one account cannot be hammered from many IPs.
    return "login-email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _public_limit() -> str:
    return current_app.config["PUBLIC_RATE_LIMIT"]


def _sso_limit() -> str:
    return current_app.config["SSO_RATE_LIMIT"]


def _password_allowed(user: User | None, email: str) -> bool:
    config = current_app.config
    return policy.can_sign_in_with_password(user, email=email, password_sign_in=config["PASSWORD_SIGN_IN"],
                                            break_glass=break_glass_admins(config))


def _render_login(form, status: int = 200):
    providers = oidc_providers(current_app.config)
    return render_template("accounts/login.html", form=form, providers=providers.values(),
                           saml_providers=saml_providers(current_app.config).values(),
                           start_form=ProviderSignInForm(), next_url=request.args.get("next", "")), status


def _refuse_password(form, email: str, reason: str):
    db.session.rollback()
    services.record_failed_sign_in(email, reason=reason, now=utcnow(), ip=request.remote_addr or "")
    db.session.commit()
    if reason == "password_sign_in_off":
        form.password.errors.append(_("Sign-in with a password is switched off. Sign in through your organisation "
                                      "with a button above."))
    else:
        form.password.errors.append(_("Wrong email or password."))
    return _render_login(form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("site.index")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        if not _password_allowed(None, email):
            return _refuse_password(form, email, "password_sign_in_off")
        try:
            user = services.authenticate(email, form.password.data, now=utcnow(), ip=request.remote_addr or "")
        except services.InvalidCredentials:
            return _refuse_password(form, email, "credentials")
        if not _password_allowed(user, email):  # named as break-glass, but not an administrator
            return _refuse_password(form, email, "credentials")
        sign_in(user)
        db.session.commit()
        flash(_("Welcome, %(name)s.", name=user.full_name), "success")
        return redirect(safe_next(request.args.get("next"), url_for("site.index")))
    return _render_login(form, 400 if form.errors else 200)


def _oidc_provider_or_404(key: str):
    provider = oidc_providers(current_app.config).get(key)
    if provider is None:
        abort(404)
    return provider


#: Sign-ins started in this browser and not finished yet, by state; a few at most (several tabs).
_PENDING_KEY = "oidc_pending"
_PENDING_KEPT = 3
#: The provider a session was signed in through, and its id_token (for RP-initiated logout).
_SSO_KEY = "sso"


@bp.post("/login/oidc/<key>")
@limiter.limit(_sso_limit)
def oidc_start(key: str):
    provider = _oidc_provider_or_404(key)
    if not ProviderSignInForm().validate_on_submit():
        abort(400)
    try:
        url, pending = oidc.begin_sign_in(provider, redirect_uri=public_url("accounts.oidc_callback", key=key),
                                          now=utcnow())
    except ExternalSignInRefused as refused:
        identity.record_refusal(protocol="oidc", provider=key, reason=refused.reason, now=utcnow(),
                                ip=request.remote_addr or "", detail=refused.detail)
        db.session.commit()
        flash(refused.message, "error")
        return redirect(url_for("accounts.login"))
    pending["next"] = safe_next(request.args.get("next"), "")
    kept = dict(list(session.get(_PENDING_KEY, {}).items())[-(_PENDING_KEPT - 1):])
    kept[pending["state"]] = pending
    session[_PENDING_KEY] = kept
    return redirect(url)


@bp.get("/login/oidc/<key>/callback")
@limiter.limit(_sso_limit)
@writes  # records the sign-in or its refusal
def oidc_callback(key: str):
    provider = _oidc_provider_or_404(key)
    pendings = dict(session.get(_PENDING_KEY, {}))
    pending = pendings.pop(request.args.get("state", ""), None)  # used once: a replayed callback finds nothing
    session[_PENDING_KEY] = pendings
    now, ip, subject = utcnow(), request.remote_addr or "", ""
    try:
        profile, id_token = oidc.finish_sign_in(provider, pending, request.args.to_dict(), now=now,
                                                redirect_uri=public_url("accounts.oidc_callback", key=key))
        subject = profile.subject
        user = identity.sign_in_external(profile, allow_create=provider.allow_create, now=now, ip=ip)
    except ExternalSignInRefused as refused:
        db.session.rollback()
        identity.record_refusal(protocol="oidc", provider=key, reason=refused.reason, now=now, ip=ip,
                                subject=subject, detail=refused.detail)
        db.session.commit()
        flash(refused.message, "error")
        return redirect(url_for("accounts.login"))
    sign_in(user)
    session[_SSO_KEY] = {"provider": key, "id_token": id_token}
    db.session.commit()
    flash(_("Welcome, %(name)s.", name=user.full_name), "success")
    return redirect(safe_next(pending.get("next") if pending else None, url_for("site.index")))


@bp.post("/logout")
def logout():
    signed_in_through = session.get(_SSO_KEY) or {}
    sign_out()
    db.session.commit()
    flash(_("You have signed out."), "info")
    provider = oidc_providers(current_app.config).get(signed_in_through.get("provider", ""))
    if provider is not None:
        url = oidc.logout_url(provider, id_token=signed_in_through.get("id_token"),
                              post_logout_redirect_uri=public_url("accounts.login"))
        if url:
            return redirect(url)
    return redirect(url_for("accounts.login"))


def _account_page(password_form, preferences_form):
    return render_template(
        "accounts/account.html", password_form=password_form, preferences_form=preferences_form,
        identities=identity.list_identities(current_user), provider_names=_provider_names(),
        password_allowed=_password_allowed(current_user, current_user.email),
        calendar_feed=calendar_feeds.get_feed(current_user),
    )


def _provider_names() -> dict[str, str]:
    config = current_app.config
    names = {key: provider.name for key, provider in oidc_providers(config).items()}
    names.update({key: str(table.get("name") or key) for key, table in config["SAML_PROVIDERS"].items()})
    return names


@bp.get("/account")
@login_required
def account():
    return _account_page(PasswordChangeForm(),
                         PreferencesForm(locale=current_user.locale or str(get_locale())))


@bp.post("/account/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data,
                min_length=current_app.config["PASSWORD_MIN_LENGTH"], keep_session_id=current_session_id(),
            )
        except services.InvalidCredentials:
            form.current_password.errors.append(_("The current password is wrong."))
        except services.WeakPassword as exc:
            form.new_password.errors.append(exc.reason)
        else:
            db.session.commit()
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    db.session.rollback()
    return _account_page(form, PreferencesForm(locale=current_user.locale or str(get_locale()))), 400


@bp.post("/account/preferences")
@login_required
def preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _account_page(PasswordChangeForm(), form), 400
    current_user.locale = form.locale.data
    db.session.commit()
    flash(_("Your preferences have been saved."), "success")
    return redirect(url_for("accounts.account"))


def _deliver_now(message) -> None:
    # Delivery after the commit that queued the message: a failed send stays in the outbox for retry.
    if message is not None:
        begin_write(db.session)
        deliver(message, current_app.config)
        db.session.commit()


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit() and not _password_allowed(None, form.email.data):
        # No reset link for an account that may not use a password; the page answers as it always does.
        flash(_("If an account uses this address, a reset link is on its way. Check your email."), "info")
        return redirect(url_for("accounts.login"))
    if form.validate_on_submit():
        message = services.request_password_reset(
            form.email.data, secret_key=current_app.config["SECRET_KEY"],
            link_for=lambda token: public_url("accounts.reset_password", token=token),
            minutes=current_app.config["RESET_TOKEN_MINUTES"], default_locale=str(get_locale()),
        )
        db.session.commit()
        _deliver_now(message)
        flash(_("If an account uses this address, a reset link is on its way. Check your email."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def reset_password(token: str):
    config = current_app.config
    try:
        services.user_for_reset_token(token, secret_key=config["SECRET_KEY"], minutes=config["RESET_TOKEN_MINUTES"])
    except services.InvalidToken:
        flash(_("This reset link is invalid, expired or already used. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.new_password.data, secret_key=config["SECRET_KEY"],
                                    minutes=config["RESET_TOKEN_MINUTES"], min_length=config["PASSWORD_MIN_LENGTH"])
        except services.WeakPassword as exc:
            form.new_password.errors.append(exc.reason)
        else:
            db.session.commit()
            flash(_("Your password has been set. Sign in with it now."), "success")
            return redirect(url_for("accounts.login"))
    db.session.rollback()
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


def _registration_open() -> dict[str, str]:
    domains = registration_domains(current_app.config)
    config = current_app.config
    if not policy.is_registration_open(self_registration=config["SELF_REGISTRATION"],
                                       password_sign_in=config["PASSWORD_SIGN_IN"], has_domains=bool(domains)):
        abort(404)
    return domains


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def register():
    domains = _registration_open()
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            message = services.request_registration(
                form.email.data, domains=domains, secret_key=current_app.config["SECRET_KEY"],
                link_for=lambda token: public_url("accounts.complete_registration", token=token),
                locale=str(get_locale()), minutes=current_app.config["RESET_TOKEN_MINUTES"],
            )
        except services.RegistrationClosed:
            form.email.errors.append(_("Registration is open only for these email domains: %(domains)s.",
                                       domains=", ".join(sorted(domains))))
        else:
            db.session.commit()
            _deliver_now(message)
            flash(_("We have sent a confirmation link to %(email)s. Open it to finish registration.",
                    email=message.recipient), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form, domains=sorted(domains)), \
        400 if form.errors else 200


@bp.route("/register/<token>", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def complete_registration(token: str):
    domains = _registration_open()
    config = current_app.config
    try:
        email = services.email_for_registration_token(token, secret_key=config["SECRET_KEY"],
                                                      minutes=config["RESET_TOKEN_MINUTES"])
    except services.InvalidToken:
        flash(_("This registration link is invalid or expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.register"))
    form = CompleteRegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.complete_registration(
                token, form.full_name.data, form.new_password.data, domains=domains,
                secret_key=config["SECRET_KEY"], minutes=config["RESET_TOKEN_MINUTES"],
                min_length=config["PASSWORD_MIN_LENGTH"], locale=str(get_locale()),
            )
        except services.WeakPassword as exc:
            form.new_password.errors.append(exc.reason)
        except (services.EmailTaken, services.RegistrationClosed):
            db.session.rollback()
            flash(_("This address already has an account. Sign in or reset your password."), "info")
            return redirect(url_for("accounts.login"))
        else:
            sign_in(user)
            db.session.commit()
            flash(_("Your account has been created."), "success")
            return redirect(url_for("site.index"))
    db.session.rollback()
    return render_template("accounts/complete_registration.html", form=form, email=email), \
        400 if form.errors else 200


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not policy.can_view_user(current_user, user):
        abort(404)
    return render_template("accounts/person.html", person=user, identities=identity.list_identities(user),
                           provider_names=_provider_names(), unlink_form=UnlinkIdentityForm())


@bp.post("/people/<int:user_id>/identities/<int:identity_id>/unlink")
@login_required
def unlink_identity(user_id: int, identity_id: int):
    user = db.session.get(User, user_id)
    if user is None or not policy.can_view_user(current_user, user):
        abort(404)
    if not policy.can_unlink_identity(current_user, user):
        abort(403)
    link = db.session.get(ExternalIdentity, identity_id)
    if link is None or link.user_id != user.id:
        abort(404)
    if not UnlinkIdentityForm().validate_on_submit():
        abort(400)
    identity.unlink_identity(link, actor=current_user, now=utcnow(), ip=request.remote_addr or "")
    db.session.commit()
    flash(_("The link to %(provider)s has been removed.", provider=_provider_names().get(link.provider, link.provider)),
          "success")
    return redirect(url_for("accounts.person", user_id=user.id))
