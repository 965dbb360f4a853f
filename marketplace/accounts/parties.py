"""Parties (agencies, organisations, incubators), approval, memberships and invitations."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Invitation,
    MemberRole,
    Membership,
    Party,
    PartyKind,
    PartyStatus,
    User,
    utcnow,
)
from marketplace.notifications.mail import public_url, queue_mail

from .security import new_token, token_hash
from .services import normalise_email

#: Buyers and incubators act with public money and authority: a platform administrator
#: approves them before they can publish anything (no fake buyers). Organisations are
#: checked through their credentials instead.
KINDS_NEEDING_APPROVAL = frozenset({PartyKind.AGENCY, PartyKind.INCUBATOR})


def create_party(kind: PartyKind, name: str, name_en: str | None, *, creator: User) -> Party:
    party = Party(
        kind=kind,
        name=name.strip(),
        name_en=(name_en or "").strip() or None,
        status=PartyStatus.PENDING if kind in KINDS_NEEDING_APPROVAL else PartyStatus.APPROVED,
        created_by_id=creator.id,
    )
    db.session.add(party)
    db.session.flush()
    db.session.add(Membership(user_id=creator.id, party_id=party.id, role=MemberRole.ADMIN))
    db.session.flush()
    db.session.refresh(creator, ["memberships"])
    audit.record("party.create", party, summary={"kind": kind.value, "name": party.name,
                                                 "status": party.status.value})
    return party


def pending_parties() -> list[Party]:
    return list(db.session.scalars(
        select(Party).where(Party.status == PartyStatus.PENDING).order_by(Party.created_at)
    ))


def decide_party(party: Party, *, approve: bool, reason: str | None, by: User) -> None:
    if party.status != PartyStatus.PENDING:
        raise DomainError(_l("This application has already been decided."))
    if not approve and not (reason or "").strip():
        raise DomainError(_l("Give the reason for the rejection; the applicant will read it."), field="reason")
    party.status = PartyStatus.APPROVED if approve else PartyStatus.REJECTED
    party.decided_at = utcnow()
    party.decided_by_id = by.id
    party.decision_reason = (reason or "").strip() or None
    audit.record("party.approve" if approve else "party.reject", party,
                 summary={"status": [PartyStatus.PENDING.value, party.status.value],
                          "reason": party.decision_reason})
    for membership in party.memberships:
        if membership.is_admin:
            queue_mail(membership.user.email, "party_decision", locale=membership.user.locale,
                       party=party, approved=approve, link=public_url("main.dashboard"))


def admin_count(party: Party) -> int:
    return sum(1 for m in party.memberships if m.is_admin)


def open_invitations(party: Party) -> list[Invitation]:
    now = utcnow()
    rows = db.session.scalars(
        select(Invitation).where(Invitation.party_id == party.id, Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None)).order_by(Invitation.created_at.desc())
    )
    return [row for row in rows if row.expires_at > now]


def _check_role(party: Party, role: MemberRole) -> None:
    if role == MemberRole.MENTOR and party.kind != PartyKind.INCUBATOR:
        raise DomainError(_l("Only incubators have mentors."), field="role")


def invite_member(party: Party, email: str, role: MemberRole, *, by: User) -> Invitation:
    _check_role(party, role)
    email = normalise_email(email)
    if any(m.user.email == email for m in party.memberships):
        raise DomainError(_l("This person is already a member."), field="email")
    for previous in open_invitations(party):
        if previous.email == email:
            previous.revoked_at = utcnow()  # a new invitation replaces the old one
    token = new_token()
    invitation = Invitation(
        party_id=party.id, email=email, role=role, token_hash=token_hash(token), invited_by_id=by.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    invitee = db.session.scalar(select(User).where(User.email == email))
    queue_mail(email, "invitation", locale=invitee.locale if invitee else None, party=party, inviter=by,
               role=role, link=public_url("accounts.invitation", token=token),
               days=current_app.config["INVITATION_VALID_DAYS"])
    audit.record("party.invite", party, summary={"email": email, "role": role.value,
                                                 "invitation": invitation.id})
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        raise DomainError(_l("This invitation is no longer open."))
    invitation.revoked_at = utcnow()
    audit.record("party.invitation_revoke", invitation.party,
                 summary={"email": invitation.email, "invitation": invitation.id})


def find_open_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError(_l("This invitation link is not valid. Ask for a new invitation."))
    if invitation.accepted_at is not None:
        raise DomainError(_l("This invitation has already been accepted."))
    if invitation.expires_at <= utcnow():
        raise DomainError(_l("This invitation has expired. Ask for a new invitation."))
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if normalise_email(user.email) != invitation.email:
        raise DomainError(_l("This invitation was sent to %(email)s. Log in with that address to accept it.",
                             email=invitation.email))
    membership = user.membership_in(invitation.party_id)
    if membership is None:
        membership = Membership(user_id=user.id, party_id=invitation.party_id, role=invitation.role)
        db.session.add(membership)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()
    db.session.refresh(user, ["memberships"])
    audit.record("party.join", invitation.party, summary={"user": user.email, "role": membership.role.value,
                                                          "invitation": invitation.id})
    return membership


def change_member_role(membership: Membership, role: MemberRole) -> None:
    _check_role(membership.party, role)
    if membership.role == role:
        return
    if membership.is_admin and admin_count(membership.party) <= 1:
        raise DomainError(_l("A party must keep at least one administrator."))
    audit.record("party.member_role", membership.party,
                 summary={"user": membership.user.email, "role": [membership.role.value, role.value]})
    membership.role = role


def remove_member(membership: Membership) -> None:
    party = membership.party
    if membership.is_admin and admin_count(party) <= 1:
        raise DomainError(_l("A party must keep at least one administrator."))
    audit.record("party.member_remove", party, summary={"user": membership.user.email})
    db.session.delete(membership)
    db.session.flush()
