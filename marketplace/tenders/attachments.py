"""Documents attached to tenders (public with the tender) and to bids (sealed with the bid)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Attachment, Bid, BidStatus, Tender, TenderStatus, User, utcnow
from marketplace.organisations import documents

TENDERS = "tenders"
BIDS = "bids"


def attach_to_tender(tender: Tender, content: bytes, filename: str, *, by: User) -> Attachment:
    if tender.status != TenderStatus.DRAFT:
        raise DomainError(_l("Documents are attached while drafting; after publishing, change the tender by an "
                             "amendment."))
    return _store(content, filename, by=by, tender_id=tender.id, subfolder=TENDERS)


def attach_to_bid(bid: Bid, content: bytes, filename: str, *, by: User) -> Attachment:
    tender = bid.tender
    if tender.status != TenderStatus.PUBLISHED or utcnow() >= tender.deadline:
        raise DomainError(_l("The deadline has passed; nothing can be added to the bid."))
    if bid.status == BidStatus.WITHDRAWN:
        raise DomainError(_l("This bid was withdrawn."))
    return _store(content, filename, by=by, bid_id=bid.id, subfolder=BIDS)


def _store(content: bytes, filename: str, *, by: User, subfolder: str, **owner) -> Attachment:
    stored = documents.store(content, filename, subfolder)
    attachment = Attachment(name=stored.name, filename=stored.filename, mime_type=stored.mime_type,
                            size=stored.size, uploaded_by_id=by.id, **owner)
    db.session.add(attachment)
    db.session.flush()
    audit.record("attachment.add", attachment, summary={**owner, "name": stored.name, "size": stored.size})
    return attachment


def for_tender(tender_id: int) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.tender_id == tender_id)
                                   .order_by(Attachment.id)))


def for_bid(bid_id: int) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.bid_id == bid_id).order_by(Attachment.id)))


def path_of(attachment: Attachment):
    return documents.path_of(attachment.name, TENDERS if attachment.tender_id else BIDS)
