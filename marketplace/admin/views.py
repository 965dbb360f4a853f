"""Platform administrator pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from marketplace.accounts import parties, services
from marketplace.accounts.forms import ConfirmForm
from marketplace.audit.services import count_events
from marketplace.authz import authorize
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import BackgroundJob, JobStatus, OutboxMessage, Party, PlatformRole, User
from marketplace.web import commit_or_flash

from .forms import DecisionForm, RoleForm, UserSearchForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    authorize(current_user, "administer")


@bp.get("/")
def index():
    failed_jobs = db.session.scalar(
        select(func.count(BackgroundJob.id)).where(BackgroundJob.status == JobStatus.FAILED))
    return render_template("admin/index.html", pending=parties.pending_parties(), failed_jobs=failed_jobs,
                           audit_events=count_events(),
                           users=db.session.scalar(select(func.count(User.id))))


@bp.get("/approvals")
def approvals():
    return render_template("admin/approvals.html", pending=parties.pending_parties(), form=DecisionForm())


@bp.post("/approvals/<int:party_id>")
def decide(party_id: int):
    party = db.get_or_404(Party, party_id)
    authorize(current_user, "approve_parties")
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            parties.decide_party(party, approve=bool(form.approve.data), reason=form.reason.data, by=current_user)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return render_template("admin/approvals.html", pending=parties.pending_parties(), form=form,
                                   failed_party_id=party.id), 400
        flash(_("%(name)s approved.", name=party.name) if form.approve.data
              else _("%(name)s rejected.", name=party.name), "success")
    return redirect(url_for("admin.approvals"))


@bp.get("/users")
def users():
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.created_at.desc())
    if form.validate() and form.q.data:
        pattern = f"%{form.q.data.strip()}%"
        query = query.where(or_(User.email.ilike(pattern), User.name.ilike(pattern)))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", page=page, search_form=form)


@bp.post("/users/<int:user_id>/roles")
def change_roles(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        role = PlatformRole(form.role.data)
        change = (lambda: services.grant_role(user, role, granted_by=current_user)) if form.grant.data else (
            lambda: services.revoke_role(user, role))
        commit_or_flash(change, _("Roles of %(email)s updated.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: services.set_active(user, not user.is_active, by=current_user),
                        _("Account of %(email)s updated.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.get("/outbox")
def outbox():
    authorize(current_user, "view_outbox")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/outbox.html", page=page)


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    authorize(current_user, "view_outbox")
    return render_template("admin/outbox_message.html", message=db.get_or_404(OutboxMessage, message_id))
