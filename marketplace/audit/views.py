"""The administrator's view of the audit log, and chain verification as a background job."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.accounts.forms import ConfirmForm
from marketplace.authz import authorize
from marketplace.extensions import db
from marketplace.jobs import enqueue
from marketplace.models import BackgroundJob

from . import services
from .forms import AuditFilterForm
from .jobs import verify_audit_chain

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day_start(day, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


@bp.get("/")
@login_required
def events():
    authorize(current_user, "view_audit")
    form = AuditFilterForm(request.args)
    filters = {}
    if form.validate():
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        filters = {
            "action": (form.action.data or "").strip() or None,
            "actor": (form.actor.data or "").strip() or None,
            "object_type": (form.object_type.data or "").strip() or None,
            "object_id": (form.object_id.data or "").strip() or None,
            "since": _day_start(form.since.data, zone) if form.since.data else None,
            "until": _day_start(form.until.data, zone) + timedelta(days=1) if form.until.data else None,
        }
    page = db.paginate(services.events_query(**filters), per_page=current_app.config["PAGE_SIZE"] * 2,
                       error_out=False)
    last_check = db.session.scalar(
        select(BackgroundJob).where(BackgroundJob.func_name == verify_audit_chain.job_name)
        .order_by(BackgroundJob.id.desc()).limit(1))
    return render_template("audit/events.html", page=page, form=form, last_check=last_check), (
        400 if form.errors else 200)


@bp.post("/verify")
@login_required
def verify():
    authorize(current_user, "view_audit")
    if ConfirmForm().validate_on_submit():
        run = enqueue(verify_audit_chain, key="all", requested_by_id=current_user.id,
                      description=_("Verify the audit chain"))
        db.session.commit()
        flash(_("Verification started; this page shows its result when it is done."), "info")
        return redirect(url_for("jobs.detail", job_id=run.id))
    return redirect(url_for("audit.events"))
