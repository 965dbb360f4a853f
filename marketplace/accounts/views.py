"""Sign-up, log-in, log-out, passwords, profile, sessions, API tokens and invitation links."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.authz import authorize
from marketplace.errors import DomainError
from marketplace.extensions import db, limiter
from marketplace.models import ApiToken, PartyKind
from marketplace.web import attach_error, client_ip, commit_or_show_on_form, render_form_page

from . import parties, services, tokens
from .forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InvitedSignUpForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SignUpForm,
)

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    # Only same-site paths: no scheme, no host, no protocol-relative '//'.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _log_in(user) -> None:
    """Start a fresh session (no fixation): clear the old cookie content, then log in."""
    locale = session.get("locale")
    session.clear()
    services.start_session(user, ip=client_ip(), user_agent=request.user_agent.string)
    login_user(user)
    if locale and not user.locale:
        session["locale"] = locale


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                form.email.data, form.name.data, form.password.data,
                locale=session.get("locale"),
                party_kind=PartyKind(form.party_kind.data) if form.party_kind.data else None,
                party_name=form.party_name.data, party_name_en=form.party_name_en.data,
            )
            _log_in(user)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Welcome! Your account has been created."), "success")
            if any(m.party.kind in parties.KINDS_NEEDING_APPROVAL for m in user.memberships):
                flash(_("A platform administrator will review your application; you will get an e-mail."), "info")
            return redirect(url_for("main.dashboard"))
    return render_form_page("accounts/signup.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
            _log_in(user)
            db.session.commit()
        except DomainError as error:
            db.session.commit()  # keep the audit record of the failed attempt
            attach_error(form, error)
        else:
            return redirect(_safe_next(url_for("main.dashboard")))
    return render_form_page("accounts/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user.session_token)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account exists for that address, we have sent it a link to set a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_form_page("accounts/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        flash(str(error.message), "danger")
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit() and commit_or_show_on_form(
            form, lambda: services.reset_password(token, form.password.data)):
        flash(_("Your password has been changed. Log in with the new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_form_page("accounts/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, locale=form.locale.data or None)
        db.session.commit()
        if form.locale.data:
            session["locale"] = form.locale.data
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_form_page("accounts/profile.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: services.change_password(
            current_user, form.current_password.data, form.password.data, keep_token=current_user.session_token)):
        flash(_("Your password has been changed. Your other sessions have been logged out."), "success")
        return redirect(url_for("accounts.profile"))
    return render_form_page("accounts/change_password.html", form)


@bp.get("/account/sessions")
@login_required
def sessions():
    return render_template("accounts/sessions.html", sessions=services.active_sessions(current_user))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = services.end_sessions(current_user, except_token=current_user.session_token)
    db.session.commit()
    flash(_("%(n)d other session(s) logged out.", n=ended), "success")
    return redirect(url_for("accounts.sessions"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    form = ApiTokenForm()
    new_token_value = None
    if form.validate_on_submit():
        try:
            _token, new_token_value = tokens.create_token(current_user, form.name.data, form.expires_in_days.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Token created. Copy it now: it will not be shown again."), "success")
            form = ApiTokenForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template("accounts/tokens.html", form=form, tokens=tokens.user_tokens(current_user),
                           new_token=new_token_value), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    authorize(current_user, "manage", token)
    if ConfirmForm().validate_on_submit():
        tokens.revoke_token(token)
        db.session.commit()
        flash(_("Token revoked."), "success")
    return redirect(url_for("accounts.api_tokens"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Accept an invitation: logged in with the invited address, or by creating the account."""
    try:
        invite = parties.find_open_invitation(token)
    except DomainError as error:
        return render_template("accounts/invitation_invalid.html", message=error.message), 404
    existing = services.find_user_by_email(invite.email)
    if current_user.is_authenticated:
        form = ConfirmForm()
        if form.validate_on_submit():
            try:
                parties.accept_invitation(invite, current_user)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "danger")
                return render_template("accounts/invitation.html", invitation=invite), 400
            flash(_("You have joined %(party)s.", party=invite.party.name), "success")
            return redirect(url_for("parties.detail", party_id=invite.party_id))
        return render_template("accounts/invitation.html", invitation=invite)
    if existing is not None:
        flash(_("Log in as %(email)s to accept the invitation.", email=invite.email), "info")
        return redirect(url_for("accounts.login", next=request.path))
    form = InvitedSignUpForm()

    def join_as_new_user():
        user = services.create_user(invite.email, form.name.data, form.password.data, session.get("locale"))
        parties.accept_invitation(invite, user)
        _log_in(user)

    if form.validate_on_submit() and commit_or_show_on_form(form, join_as_new_user):
        flash(_("Welcome! You have joined %(party)s.", party=invite.party.name), "success")
        return redirect(url_for("parties.detail", party_id=invite.party_id))
    return render_form_page("accounts/invitation_signup.html", form, invitation=invite)
