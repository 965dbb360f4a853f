"""Who hears about what in a tender's life (in-app and e-mail, in each person's language)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace import regions
from marketplace.extensions import db
from marketplace.models import (
    Bid,
    BidStatus,
    Capability,
    Clarification,
    Membership,
    OrganisationProfile,
    Party,
    PartyKind,
    ServiceArea,
    Tender,
    User,
)
from marketplace.notifications.inbox import notify


def _members(party_ids) -> list[User]:
    if not party_ids:
        return []
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.party_id.in_(set(party_ids)), User.is_active.is_(True))))


def _bidders(tender: Tender, *, submitted_only: bool = False) -> set[int]:
    query = select(Bid.party_id).where(Bid.tender_id == tender.id)
    if submitted_only:
        query = query.where(Bid.status == BidStatus.SUBMITTED)
    return set(db.session.scalars(query))


def _interested(tender: Tender) -> set[int]:
    """Everyone who asked, bid (or drafted a bid) on the tender."""
    askers = set(db.session.scalars(
        select(Clarification.asked_by_party_id).where(Clarification.tender_id == tender.id)))
    return askers | _bidders(tender)


def _link(tender: Tender) -> str:
    return f"/tenders/{tender.id}"


def matching_organisations(tender: Tender) -> set[int]:
    """Organisations with a statement in the tender's category that serve one of its regions."""
    codes = {code for lot in tender.lots for target in lot.regions for code in regions.covering_codes(target)}
    codes |= {code for lot in tender.lots for target in lot.regions for code in regions.descendants(target)}
    return set(db.session.scalars(
        select(Party.id).join(OrganisationProfile, OrganisationProfile.party_id == Party.id)
        .where(Party.kind == PartyKind.ORGANISATION,
               Party.id.in_(select(Capability.party_id).where(Capability.category_code == tender.category_code)),
               Party.id.in_(select(ServiceArea.party_id).where(ServiceArea.region_code.in_(codes))))))


def tender_published(tender: Tender) -> None:
    notify(_members(matching_organisations(tender)), "tender.published", "tender_published", link=_link(tender),
           tender=tender)


def tender_amended(tender: Tender, amendment) -> None:
    notify(_members(_interested(tender)), "tender.amended", "tender_amended", link=_link(tender), tender=tender,
           amendment=amendment)


def question_asked(tender: Tender, item: Clarification) -> None:
    notify(_members([tender.agency_party_id]), "tender.question", "tender_question",
           link=f"/tenders/{tender.id}/manage", tender=tender, email=False)


def question_answered(tender: Tender, item: Clarification) -> None:
    notify(_members(_interested(tender)), "tender.answer", "tender_answer", link=_link(tender), tender=tender)


def tender_cancelled(tender: Tender) -> None:
    notify(_members(_interested(tender)), "tender.cancelled", "tender_cancelled", link=_link(tender), tender=tender)


def bids_opened(tender: Tender, bids: list[Bid]) -> None:
    parties = {bid.party_id for bid in bids} | {tender.agency_party_id}
    notify(_members(parties), "tender.opened", "tender_opened", link=_link(tender), tender=tender, bids=len(bids))


def tender_failed(tender: Tender) -> None:
    notify(_members(_interested(tender) | {tender.agency_party_id}), "tender.failed", "tender_failed",
           link=_link(tender), tender=tender)


def award_published(tender: Tender) -> None:
    notify(_members(_bidders(tender, submitted_only=True)), "tender.award_notice", "tender_award_notice",
           link=_link(tender), tender=tender)


def tender_awarded(tender: Tender) -> None:
    notify(_members(_bidders(tender, submitted_only=True) | {tender.agency_party_id}), "tender.awarded",
           "tender_awarded", link=_link(tender), tender=tender)
