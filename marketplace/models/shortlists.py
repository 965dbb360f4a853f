"""Stored matcher results and the invitations agencies send from a shortlist."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db

from .accounts import Party, _enum
from .base import UTCDateTime, utcnow


class MatchResult(db.Model):
    """One organisation's place on one lot's shortlist, as the matcher computed it."""

    __tablename__ = "match_results"
    __table_args__ = (UniqueConstraint("lot_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    eligible: Mapped[bool] = mapped_column(Boolean, index=True)
    unmet: Mapped[int] = mapped_column(Integer, default=0)  # number of unmet hard rules
    components: Mapped[dict] = mapped_column(JSON, default=dict)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    findings: Mapped[list] = mapped_column(JSON, default=list)  # eligibility findings (rule, met, code, params)
    matcher_version: Mapped[str] = mapped_column(String(20))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party: Mapped[Party] = relationship()


class InvitationStatus(enum.StrEnum):
    SENT = "sent"
    VIEWED = "viewed"
    DECLINED = "declined"
    BID = "bid"


class DeclineReason(enum.StrEnum):
    PRICE_TOO_LOW = "price_too_low"
    CAPACITY = "capacity"
    RISK = "risk"
    TIMING = "timing"
    REQUIREMENTS = "requirements"
    OTHER = "other"


class TenderInvitation(db.Model):
    """An agency's invitation to an organisation to bid, tracked until it bids or declines."""

    __tablename__ = "tender_invitations"
    __table_args__ = (UniqueConstraint("tender_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[InvitationStatus] = mapped_column(_enum(InvitationStatus, "invitation_status"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(_enum(DeclineReason, "decline_reason"))
    decline_text: Mapped[str | None] = mapped_column(Text)

    party: Mapped[Party] = relationship()
