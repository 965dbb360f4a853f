"""Tenders (service needs), their lots, evaluation criteria, amendments and clarifications."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db

from .accounts import Party, User, _enum
from .base import UTCDateTime, utcnow


class ProcurementMethod(enum.StrEnum):
    OPEN_TENDER = "open_tender"  # 公开招标
    COMPETITIVE_CONSULTATION = "competitive_consultation"  # 竞争性磋商
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"  # 竞争性谈判
    SINGLE_SOURCE = "single_source"  # 单一来源
    ENTRUSTMENT = "entrustment"  # 委托
    POST_PURCHASE = "post_purchase"  # 岗位购买


class PricingUnit(enum.StrEnum):
    PERSON_DAY = "person_day"
    PERSON_MONTH = "person_month"
    POST_YEAR = "post_year"
    SESSION = "session"
    LUMP_SUM = "lump_sum"


class EvaluationMethod(enum.StrEnum):
    COMPREHENSIVE = "comprehensive"  # 综合评分法
    LOWEST_PRICE = "lowest_price"  # 最低评标价法


class TenderStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    QUALIFICATION = "qualification"  # closed and opened: the agency checks each bid
    SCORING = "scoring"
    AWARD_PROPOSED = "award_proposed"
    AWARD_NOTICE = "award_notice"  # published, objection period running
    AWARDED = "awarded"
    CANCELLED = "cancelled"
    FAILED = "failed"  # 流标


class Tender(db.Model):
    __tablename__ = "tenders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # public number, e.g. SSM-2026-0007
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category_code: Mapped[str] = mapped_column(String(60), index=True)
    procurement_method: Mapped[ProcurementMethod] = mapped_column(_enum(ProcurementMethod, "procurement_method", 30))
    beneficiaries: Mapped[str | None] = mapped_column(String(500))  # who
    beneficiaries_count: Mapped[int | None] = mapped_column(Integer)  # how many
    service_start: Mapped[date] = mapped_column(Date)
    service_end: Mapped[date] = mapped_column(Date)
    deliverables: Mapped[str | None] = mapped_column(Text)
    outcome_indicators: Mapped[str | None] = mapped_column(Text)
    evaluation_method: Mapped[EvaluationMethod] = mapped_column(_enum(EvaluationMethod, "evaluation_method"))
    price_weight: Mapped[int] = mapped_column(Integer, default=30)  # comprehensive scoring: points for price
    min_bids: Mapped[int] = mapped_column(Integer, default=3)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    clarification_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_days: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[TenderStatus] = mapped_column(_enum(TenderStatus, "tender_status"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    award_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # A failed tender is re-run as a new round, or switched to another procedure with a published justification.
    previous_round_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id", ondelete="SET NULL"))
    procedure_change_justification: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Party] = relationship()
    lots: Mapped[list[Lot]] = relationship(back_populates="tender", cascade="all, delete-orphan",
                                           order_by="Lot.number")
    criteria: Mapped[list[EvaluationCriterion]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="EvaluationCriterion.position")
    previous_round: Mapped[Tender | None] = relationship(remote_side=[id])

    @property
    def is_public(self) -> bool:
        return self.status != TenderStatus.DRAFT

    @property
    def total_ceiling(self) -> Decimal:
        return sum((lot.ceiling_total for lot in self.lots), Decimal(0))


class Lot(db.Model):
    """A separately bid part of a tender (a tender has at least one). Eligibility rules are per lot."""

    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    regions: Mapped[list] = mapped_column(JSON, default=list)  # division codes served
    pricing_unit: Mapped[PricingUnit] = mapped_column(_enum(PricingUnit, "pricing_unit"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    ceiling_unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # Post purchase (岗位购买): quantity is the number of posts, the unit price the cost per post-year.
    post_qualification: Mapped[str | None] = mapped_column(String(500))
    place_of_work: Mapped[str | None] = mapped_column(String(300))
    # Eligibility rules
    required_credentials: Mapped[list] = mapped_column(JSON, default=list)
    min_grade: Mapped[str | None] = mapped_column(String(2))
    min_years_registered: Mapped[int | None] = mapped_column(Integer)
    min_social_workers: Mapped[int | None] = mapped_column(Integer)
    min_annual_capacity: Mapped[int | None] = mapped_column(Integer)
    based_in: Mapped[str | None] = mapped_column(String(6))
    no_bad_standing: Mapped[bool] = mapped_column(Boolean, default=True)
    # After opening: "failed" when fewer valid bids than the minimum, "awarded" once awarded.
    result: Mapped[str | None] = mapped_column(String(20))

    tender: Mapped[Tender] = relationship(back_populates="lots")

    @property
    def ceiling_total(self) -> Decimal:
        return (self.quantity * self.ceiling_unit_price).quantize(Decimal("0.01"))


class EvaluationCriterion(db.Model):
    """A non-price criterion of comprehensive scoring; with the price weight they total 100."""

    __tablename__ = "evaluation_criteria"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)
    guidance: Mapped[str | None] = mapped_column(Text)

    tender: Mapped[Tender] = relationship(back_populates="criteria")


class Amendment(db.Model):
    """A change to a published tender: recorded, published with it and notified."""

    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field: [old, new]
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Clarification(db.Model):
    """A question from an organisation and the agency's public answer. The asker is never shown publicly."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    asked_by_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    asked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Attachment(db.Model):
    """A document attached to a tender (public once published) or to a bid (sealed with it)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # generated file name under UPLOAD_FOLDER
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
