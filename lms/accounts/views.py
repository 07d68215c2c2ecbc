"""Sign-in, sign-out, account page, password change and reset, self-registration, people pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts import bp, policy, services
from lms.accounts.forms import (
    CompleteRegistrationForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    RegisterForm,
    ResetPasswordForm,
)
from lms.accounts.models import User
from lms.accounts.session import current_session_id, sign_in, sign_out
from lms.config import registration_domains
from lms.db import begin_write, utcnow
from lms.extensions import db, limiter
from lms.links import public_url
from lms.mail.services import deliver
from lms.redirects import safe_next


def _login_email_key() -> str:
    # Second login limit keyed by the address tried, so one account cannot be hammered from many IPs.
    return "login-email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _public_limit() -> str:
    return current_app.config["PUBLIC_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("site.index")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, now=utcnow())
        except services.InvalidCredentials:
            db.session.rollback()
            form.password.errors.append(_("Wrong email or password."))
            return render_template("accounts/login.html", form=form), 200
        sign_in(user)
        db.session.commit()
        flash(_("Welcome, %(name)s.", name=user.full_name), "success")
        return redirect(safe_next(request.args.get("next"), url_for("site.index")))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    sign_out()
    db.session.commit()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/account")
@login_required
def account():
    return render_template(
        "accounts/account.html",
        password_form=PasswordChangeForm(),
        preferences_form=PreferencesForm(locale=current_user.locale or str(get_locale())),
    )


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
    return render_template(
        "accounts/account.html", password_form=form,
        preferences_form=PreferencesForm(locale=current_user.locale or str(get_locale())),
    ), 400


@bp.post("/account/preferences")
@login_required
def preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return render_template("accounts/account.html", password_form=PasswordChangeForm(),
                               preferences_form=form), 400
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
    if not current_app.config["SELF_REGISTRATION"] or not domains:
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
    return render_template("accounts/person.html", person=user)
