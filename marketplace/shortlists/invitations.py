"""Invitations to bid: sent from a shortlist, tracked (sent, viewed, declined, bid)."""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    DeclineReason,
    InvitationStatus,
    Party,
    PartyKind,
    Tender,
    TenderInvitation,
    TenderStatus,
    User,
    utcnow,
)


def invite(tender: Tender, party_ids: list[int], *, by: User) -> list[TenderInvitation]:
    from marketplace.notifications.inbox import notify
    from marketplace.tenders.notices import _members

    if tender.status != TenderStatus.PUBLISHED:
        raise DomainError(_l("Invitations are sent while the tender is open for bids."))
    if not party_ids:
        raise DomainError(_l("Choose at least one organisation to invite."))
    existing = set(db.session.scalars(select(TenderInvitation.party_id).where(TenderInvitation.tender_id == tender.id)))
    parties = db.session.scalars(select(Party).where(Party.id.in_(party_ids), Party.kind == PartyKind.ORGANISATION))
    created = []
    for party in parties:
        if party.id in existing:
            continue
        invitation = TenderInvitation(tender_id=tender.id, party_id=party.id, invited_by_id=by.id,
                                      status=InvitationStatus.SENT)
        db.session.add(invitation)
        created.append(invitation)
        notify(_members([party.id]), "tender.invitation", "tender_invitation", link=f"/tenders/{tender.id}",
               tender=tender, party=party)
    db.session.flush()
    if created:
        audit.record("tender.invite", tender, summary={"parties": [i.party_id for i in created]})
    return created


def invitation_for(tender_id: int, party_id: int) -> TenderInvitation | None:
    return db.session.scalar(select(TenderInvitation).where(TenderInvitation.tender_id == tender_id,
                                                            TenderInvitation.party_id == party_id))


def mark_viewed(tender_id: int, party_id: int) -> None:
    invitation = invitation_for(tender_id, party_id)
    if invitation is not None and invitation.status == InvitationStatus.SENT:
        invitation.status = InvitationStatus.VIEWED
        invitation.viewed_at = utcnow()


def mark_bid(tender_id: int, party_id: int) -> None:
    invitation = invitation_for(tender_id, party_id)
    if invitation is not None and invitation.status != InvitationStatus.BID:
        invitation.status = InvitationStatus.BID
        invitation.responded_at = utcnow()


def decline(invitation: TenderInvitation, reason: DeclineReason, text: str | None, *, by: User) -> None:
    if invitation.status in (InvitationStatus.BID, InvitationStatus.DECLINED):
        raise DomainError(_l("This invitation has already been answered."))
    if reason == DeclineReason.OTHER and not (text or "").strip():
        raise DomainError(_l("Say why, in a few words."), field="text")
    invitation.status = InvitationStatus.DECLINED
    invitation.decline_reason = reason
    invitation.decline_text = (text or "").strip() or None
    invitation.responded_at = utcnow()
    db.session.flush()
    audit.record("tender.invitation_decline", invitation, summary={"reason": reason.value})


def invitations(tender: Tender) -> list[TenderInvitation]:
    return list(db.session.scalars(select(TenderInvitation).where(TenderInvitation.tender_id == tender.id)
                                   .order_by(TenderInvitation.sent_at)))


def decline_reasons(tender: Tender) -> Counter:
    """How many invited organisations declined for each reason (the agency sees only the aggregate)."""
    return Counter(i.decline_reason.value for i in invitations(tender) if i.decline_reason)
