"""A party's page: its members, invitations and roles, managed by the party's administrators."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.authz import authorize, can
from marketplace.extensions import db
from marketplace.models import Invitation, MemberRole, Membership, Party
from marketplace.web import acting_for, commit_or_flash, commit_or_show_on_form

from . import parties
from .forms import ConfirmForm, InviteMemberForm, MemberRoleForm

bp = Blueprint("parties", __name__, url_prefix="/parties")


def _render_detail(party: Party, invite_form: InviteMemberForm, status: int = 200):
    return render_template(
        "parties/detail.html",
        party=party,
        can_manage=can(current_user, "manage_members", party),
        invitations=parties.open_invitations(party),
        invite_form=invite_form,
    ), status


@bp.get("/<int:party_id>")
@login_required
def detail(party_id: int):
    party = db.get_or_404(Party, party_id)
    authorize(current_user, "view", party)
    return _render_detail(party, InviteMemberForm())


@bp.post("/<int:party_id>/invitations")
@login_required
def invite(party_id: int):
    party = db.get_or_404(Party, party_id)
    authorize(current_user, "manage_members", party)
    acting_for(party.id)
    form = InviteMemberForm()
    if form.validate_on_submit() and commit_or_show_on_form(
            form, lambda: parties.invite_member(party, form.email.data, MemberRole(form.role.data), by=current_user)):
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("parties.detail", party_id=party.id))
    return _render_detail(party, form, 400)


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    authorize(current_user, "manage", invitation)
    acting_for(invitation.party_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: parties.revoke_invitation(invitation), _("Invitation withdrawn."))
    return redirect(url_for("parties.detail", party_id=invitation.party_id))


@bp.post("/members/<int:membership_id>/role")
@login_required
def change_role(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    authorize(current_user, "manage", membership)
    acting_for(membership.party_id)
    form = MemberRoleForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: parties.change_member_role(membership, MemberRole(form.role.data)), _("Role changed."))
    return redirect(url_for("parties.detail", party_id=membership.party_id))


@bp.post("/members/<int:membership_id>/remove")
@login_required
def remove_member(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    authorize(current_user, "manage", membership)
    party_id = membership.party_id
    acting_for(party_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: parties.remove_member(membership), _("Member removed."))
    if not current_user.membership_in(party_id):
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("parties.detail", party_id=party_id))
