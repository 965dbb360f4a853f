from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.accounts import services as accounts
from marketplace.extensions import db
from marketplace.i18n import LOCALE_LABELS
from marketplace.models import PartyKind
from marketplace.organisations.queries import organisation_completeness

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    by_kind = {kind: current_user.parties_of_kind(kind) for kind in PartyKind}
    completeness = {party.id: organisation_completeness(party) for party in by_kind[PartyKind.ORGANISATION]}
    return render_template("main/dashboard.html", by_kind=by_kind, PartyKind=PartyKind, completeness=completeness)


@bp.post("/language")
def set_language():
    """The header's language switch: remembered in the session, and saved for a logged-in user."""
    locale = request.form.get("locale")
    if locale in LOCALE_LABELS:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_locale_preference(current_user, locale)
            db.session.commit()
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)


@bp.get("/healthz")
def healthz():
    """200 when the database and the job queue are usable, 503 otherwise."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True, "backend": db.engine.dialect.name}
    except SQLAlchemyError as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    backend = current_app.extensions["job_backend"]
    checks["jobs"] = {"ok": backend.ping(), "mode": "in-process" if backend.in_process else "redis"}
    healthy = all(check["ok"] for check in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), (200 if healthy else 503)
