"""Job status for the users who started them, and failed jobs for administrators."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.forms import ConfirmForm
from marketplace.authz import authorize
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import BackgroundJob, JobStatus

from . import services

bp = Blueprint("jobs", __name__)


@bp.get("/jobs")
@login_required
def my_jobs():
    page = db.paginate(services.jobs_query(requested_by_id=current_user.id),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("jobs/list.html", page=page, admin_view=False, status=None)


@bp.get("/jobs/<int:job_id>")
@login_required
def detail(job_id: int):
    record = db.get_or_404(BackgroundJob, job_id)
    authorize(current_user, "view", record)
    return render_template("jobs/detail.html", job=record, can_requeue=services.can_requeue(record))


@bp.get("/admin/jobs")
@login_required
def all_jobs():
    authorize(current_user, "administer")
    status = request.args.get("status") or None
    status = JobStatus(status) if status in JobStatus._value2member_map_ else None
    page = db.paginate(services.jobs_query(status=status), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("jobs/list.html", page=page, admin_view=True, status=status,
                           statuses=list(JobStatus))


@bp.post("/jobs/<int:job_id>/requeue")
@login_required
def requeue(job_id: int):
    record = db.get_or_404(BackgroundJob, job_id)
    authorize(current_user, "requeue", record)
    if ConfirmForm().validate_on_submit():
        try:
            run = services.requeue(record)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            flash(_("The job has been queued again."), "success")
            return redirect(url_for("jobs.detail", job_id=run.id))
    return redirect(url_for("jobs.detail", job_id=record.id))
