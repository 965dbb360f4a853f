"""Bidding rules: the deadline by server time, the ceiling, sealed content, receipts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Bid,
    BidStatus,
    EvaluationMethod,
    Lot,
    Party,
    PartyKind,
    Tender,
    TenderStatus,
    User,
    utcnow,
)


class StaleBid(DomainError):
    pass


@dataclass
class BidInput:
    unit_price: Decimal | None
    proposals: dict[str, str] = field(default_factory=dict)  # criterion id -> text
    team: str | None = None
    implementation_plan: str | None = None


def _lock_tender(tender_id: int, *, exclusive: bool = False):
    """Row lock on the tender: bids share it, the close at the deadline takes it alone, so a bid being
    written when the deadline passes is committed before the bids are opened (no-op on SQLite, whose
    writers are serialised anyway)."""
    return db.session.scalars(select(Tender).where(Tender.id == tender_id)
                              .with_for_update(read=not exclusive)
                              .execution_options(populate_existing=True)).one()


def _open_for_bids(lot: Lot, now: datetime) -> None:
    tender = _lock_tender(lot.tender_id)
    if tender.status != TenderStatus.PUBLISHED:
        raise DomainError(_l("This tender is not open for bids."))
    if now >= tender.deadline:
        raise DomainError(_l("The deadline (%(deadline)s) has passed; bids are no longer accepted.",
                             deadline=tender.deadline.isoformat(timespec="seconds")))


def own_bid(lot: Lot, party: Party) -> Bid | None:
    return db.session.scalar(select(Bid).where(Bid.lot_id == lot.id, Bid.party_id == party.id))


def save(lot: Lot, party: Party, data: BidInput, *, by: User, expected_version: int | None = None,
         now: datetime | None = None) -> Bid:
    """Save the bid's content. A submitted bid stays submitted only when submitted again."""
    now = now or utcnow()
    if party.kind != PartyKind.ORGANISATION:
        raise DomainError(_l("Only social organisations bid."))
    _open_for_bids(lot, now)
    if data.unit_price is not None:
        if data.unit_price <= 0:
            raise DomainError(_l("Enter a price above 0."), field="unit_price")
        if data.unit_price > lot.ceiling_unit_price:
            raise DomainError(_l("The unit price %(price)s is above the ceiling of %(ceiling)s.",
                                 price=data.unit_price, ceiling=lot.ceiling_unit_price), field="unit_price")
    known = {str(c.id) for c in lot.tender.criteria}
    bid = own_bid(lot, party)
    if bid is None:
        bid = Bid(tender_id=lot.tender_id, lot_id=lot.id, party_id=party.id, status=BidStatus.DRAFT)
        db.session.add(bid)
    elif expected_version is not None and bid.version != expected_version:
        raise StaleBid(_l("This bid was changed in another window or by a colleague. Reload it and try again."))
    bid.unit_price = data.unit_price
    bid.total_price = (data.unit_price * lot.quantity).quantize(Decimal("0.01")) if data.unit_price else None
    bid.proposals = {key: (text or "").strip() for key, text in data.proposals.items() if key in known}
    bid.team = (data.team or "").strip() or None
    bid.implementation_plan = (data.implementation_plan or "").strip() or None
    if bid.status == BidStatus.WITHDRAWN:
        bid.status = BidStatus.DRAFT
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleBid(_l("This bid was changed at the same moment elsewhere. Reload it and try again."))
    return bid


def content_hash(bid: Bid) -> str:
    """SHA-256 over everything the bid says, its attachments as stored, and the submission time."""
    from marketplace.models import Attachment

    files = [[a.name, a.size] for a in db.session.scalars(select(Attachment).where(Attachment.bid_id == bid.id)
                                                           .order_by(Attachment.id))]
    content = {"bid": bid.id, "lot": bid.lot_id, "party": bid.party_id, "unit_price": str(bid.unit_price),
               "total_price": str(bid.total_price), "proposals": bid.proposals, "team": bid.team,
               "plan": bid.implementation_plan, "attachments": files, "submitted_at": bid.submitted_at.isoformat()}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def submit(lot: Lot, party: Party, data: BidInput, *, by: User, expected_version: int | None = None,
           now: datetime | None = None) -> Bid:
    """Save and submit in one step; the receipt is the time and the SHA-256 of the content."""
    now = now or utcnow()
    bid = save(lot, party, data, by=by, expected_version=expected_version, now=now)
    if bid.unit_price is None:
        raise DomainError(_l("Enter your unit price."), field="unit_price")
    tender = lot.tender
    if tender.evaluation_method == EvaluationMethod.COMPREHENSIVE:
        missing = [c.name for c in tender.criteria if not bid.proposals.get(str(c.id))]
        if missing:
            raise DomainError(_l("Write a proposal for every criterion; missing: %(names)s",
                                 names=", ".join(missing)), field="proposals")
    if not bid.implementation_plan:
        raise DomainError(_l("Describe your implementation plan."), field="implementation_plan")
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = now
    bid.submissions += 1
    bid.receipt_hash = content_hash(bid)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleBid(_l("This bid was submitted at the same moment elsewhere. Reload it and check the receipt."))
    from marketplace.shortlists.invitations import mark_bid

    mark_bid(bid.tender_id, bid.party_id)
    # The content stays sealed: the audit trail records only the receipt.
    audit.record("bid.submit", bid, summary={"tender": bid.tender_id, "lot": lot.number, "receipt": bid.receipt_hash,
                                             "submission": bid.submissions})
    return bid


def withdraw(bid: Bid, *, by: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    _open_for_bids(bid.lot, now)
    if bid.status != BidStatus.SUBMITTED:
        raise DomainError(_l("Only a submitted bid can be withdrawn."))
    bid.status = BidStatus.WITHDRAWN
    db.session.flush()
    audit.record("bid.withdraw", bid, summary={"tender": bid.tender_id})


def bid_count(tender_id: int) -> int:
    """What the agency sees before the deadline: how many bids, nothing else."""
    from sqlalchemy import func

    return db.session.scalar(select(func.count(Bid.id)).where(Bid.tender_id == tender_id,
                                                              Bid.status == BidStatus.SUBMITTED)) or 0
