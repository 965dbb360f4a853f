"""Bids: sealed until the deadline, then opened, qualified, scored and awarded per lot."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db

from .accounts import Party, _enum
from .base import UTCDateTime, utcnow
from .tenders import Lot, Tender


class BidStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class Bid(db.Model):
    __tablename__ = "bids"
    __table_args__ = (UniqueConstraint("lot_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    status: Mapped[BidStatus] = mapped_column(_enum(BidStatus, "bid_status"), index=True)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    total_price: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    proposals: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id (str) -> text
    team: Mapped[str | None] = mapped_column(Text)
    implementation_plan: Mapped[str | None] = mapped_column(Text)
    # The receipt of the last submission: its time and the SHA-256 of its content.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_hash: Mapped[str | None] = mapped_column(String(64))
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # After opening
    qualified: Mapped[bool | None] = mapped_column(Boolean)
    qualification_reason: Mapped[str | None] = mapped_column(Text)
    qualified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    price_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    quality_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    total_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    rank: Mapped[int | None] = mapped_column(Integer)
    awarded: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic concurrency: a save or submit based on a stale copy fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    tender: Mapped[Tender] = relationship()
    lot: Mapped[Lot] = relationship()
    party: Mapped[Party] = relationship()


class BidScore(db.Model):
    """One scorer's points for one criterion of one bid (several scorers per bid are allowed)."""

    __tablename__ = "bid_scores"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_id", "scorer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("evaluation_criteria.id", ondelete="CASCADE"))
    scorer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
