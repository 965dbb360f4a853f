"""Web-layer plumbing shared by all blueprints: audit actor, security headers, proxies, form helpers."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from flask import Flask, abort, flash, g, render_template, request, send_file
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from marketplace.audit.context import Actor, reset_actor, set_actor
from marketplace.errors import DomainError
from marketplace.extensions import db, talisman
from marketplace.models import utcnow

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def actor_for(user) -> Actor:
    """Who audit events of this request name: the user (and its party when it has only one), or anonymous."""
    if user is None:
        return Actor(None, "anonymous", None, request.remote_addr)
    memberships = user.memberships
    party_id = memberships[0].party_id if len(memberships) == 1 else None
    return Actor(user.id, user.email, party_id, request.remote_addr)


def split_codes(text: str | None) -> list[str]:
    """Division or service codes typed into one field, separated by commas (ASCII or full-width)."""
    return [code.strip() for code in (text or "").replace("，", ",").split(",") if code.strip()]


def acting_for(party_id: int | None) -> None:
    """Record in audit events that the current user acts on behalf of this party."""
    actor = g.get("audit_actor")
    if actor is not None:
        g.audit_actor = Actor(actor.user_id, actor.label, party_id, actor.ip)
        set_actor(g.audit_actor)


def init_web(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    talisman.init_app(
        app,
        force_https=False,  # TLS terminates at the reverse proxy
        strict_transport_security=app.config["HSTS_ENABLED"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.before_request
    def note_arrival_time():
        g.arrived_at = utcnow()

    @app.before_request
    def set_audit_actor():
        actor = actor_for(current_user if current_user.is_authenticated else None)
        g.audit_actor = actor
        g.audit_actor_token = set_actor(actor)

    @app.teardown_request
    def clear_audit_actor(exc):
        token = g.pop("audit_actor_token", None)
        if token is not None:
            with suppress(ValueError):  # set in another context (e.g. a streamed response)
                reset_actor(token)


def attach_error(form, error) -> None:
    """Show a service's DomainError on the form field it names, or on the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


def client_ip() -> str | None:
    return request.remote_addr


def arrival_time():
    """When this request reached the application: deadlines are judged by it, so a bid that arrived in
    time is not refused because it waited for a lock or a busy worker."""
    return g.get("arrived_at") or utcnow()


def commit_or_flash(action: Callable[[], object], success: str) -> bool:
    """Run a service call for a POST button; commit and flash `success`, or roll back and flash why not."""
    try:
        action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return False
    flash(success, "success")
    return True


def commit_or_show_on_form(form, action: Callable[[], object]) -> bool:
    """Run a service call for a submitted form; commit, or roll back and show the error on the form."""
    try:
        action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return False
    return True


def flash_form_errors(form) -> None:
    """For small forms posted from another page: show their field errors as flash messages."""
    for errors in form.errors.values():
        flash(" ".join(str(error) for error in errors), "danger")


def send_stored_document(locate: Callable[[], Path], mime_type: str, download_name: str):
    """An uploaded document as a download that no shared cache keeps; 404 when it is gone.

    `locate` returns the file's path, raising FileNotFoundError for a name outside its folder.
    """
    try:
        path = locate()
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=mime_type, as_attachment=True, download_name=download_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def render_form_page(template: str, form, **context):
    """Render a form page: status 400 when a submitted form is shown again with its errors."""
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200
