"""The provider registry: an organisation's profile, where and what it serves, what proves it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db

from .accounts import Party, User, _enum
from .base import UTCDateTime, utcnow

GRADES = ("1A", "2A", "3A", "4A", "5A")
GRADE_VALID_YEARS = 5


class LegalForm(enum.StrEnum):
    SOCIAL_GROUP = "social_group"  # 社会团体
    SOCIAL_SERVICE_INSTITUTION = "social_service_institution"  # 社会服务机构 (formerly 民办非企业单位)
    FOUNDATION = "foundation"  # 基金会
    UNREGISTERED = "unregistered"  # 社区社会组织 / 草根团队
    OTHER = "other"


class StandingFlagKind(enum.StrEnum):
    ABNORMAL_ACTIVITY = "abnormal_activity"  # 活动异常名录
    SERIOUS_DISHONESTY = "serious_dishonesty"  # 严重违法失信名单


class CredentialType(enum.StrEnum):
    REGISTRATION_CERTIFICATE = "registration_certificate"
    GRADE_CERTIFICATE = "grade_certificate"
    ELDERLY_CARE_FILING = "elderly_care_filing"
    MEDICAL_INSTITUTION_LICENCE = "medical_institution_licence"
    SOCIAL_WORK_QUALIFICATION = "social_work_qualification"
    ANNUAL_AUDIT_REPORT = "annual_audit_report"
    TAX_EXEMPTION = "tax_exemption"
    INSURANCE = "insurance"
    OTHER = "other"


class CredentialStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class OrganisationProfile(db.Model):
    """Registry details of a party of kind 'organisation' (its name lives on the party)."""

    __tablename__ = "organisation_profiles"

    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True)
    legal_form: Mapped[LegalForm] = mapped_column(_enum(LegalForm, "legal_form", length=30), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    registered_on: Mapped[date | None] = mapped_column(Date)
    registration_authority: Mapped[str | None] = mapped_column(String(200))
    home_region: Mapped[str | None] = mapped_column(String(6), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    mission: Mapped[str | None] = mapped_column(Text)
    mission_en: Mapped[str | None] = mapped_column(Text)
    headcount: Mapped[int | None] = mapped_column(Integer)
    full_time_staff: Mapped[int | None] = mapped_column(Integer)
    social_workers_assistant: Mapped[int | None] = mapped_column(Integer)
    social_workers_intermediate: Mapped[int | None] = mapped_column(Integer)
    social_workers_senior: Mapped[int | None] = mapped_column(Integer)
    volunteers: Mapped[int | None] = mapped_column(Integer)
    annual_capacity: Mapped[int | None] = mapped_column(Integer)  # beneficiaries a year
    current_commitments: Mapped[int | None] = mapped_column(Integer)  # beneficiaries already committed
    grade: Mapped[str | None] = mapped_column(String(2), index=True)
    grade_awarded_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    party: Mapped[Party] = relationship(backref=db.backref("organisation", uselist=False, lazy="select"))

    @property
    def certified_social_workers(self) -> int:
        return sum(n or 0 for n in (self.social_workers_assistant, self.social_workers_intermediate,
                                    self.social_workers_senior))

    @property
    def grade_expires_on(self) -> date | None:
        if self.grade_awarded_on is None:
            return None
        awarded = self.grade_awarded_on
        try:
            return awarded.replace(year=awarded.year + GRADE_VALID_YEARS)
        except ValueError:  # 29 February
            return awarded.replace(year=awarded.year + GRADE_VALID_YEARS, day=28)

    def grade_valid_on(self, day: date) -> str | None:
        """The grade if it is still in force on `day`."""
        expires = self.grade_expires_on
        return self.grade if self.grade and (expires is None or expires >= day) else None


class ServiceArea(db.Model):
    __tablename__ = "service_areas"
    __table_args__ = (UniqueConstraint("party_id", "region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)


class Capability(db.Model):
    """What an organisation does in one service category, and its record there."""

    __tablename__ = "capabilities"
    __table_args__ = (UniqueConstraint("party_id", "category_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    category_code: Mapped[str] = mapped_column(String(60), index=True)
    statement: Mapped[str] = mapped_column(Text)  # methods and outcomes, usually in Chinese
    statement_en: Mapped[str | None] = mapped_column(Text)
    target_groups: Mapped[str | None] = mapped_column(String(500))
    years: Mapped[int] = mapped_column(Integer, default=0)
    projects: Mapped[int] = mapped_column(Integer, default=0)
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Credential(db.Model):
    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    type: Mapped[CredentialType] = mapped_column(_enum(CredentialType, "credential_type", length=30), index=True)
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The uploaded document: stored under UPLOAD_FOLDER with a generated name.
    document_name: Mapped[str | None] = mapped_column(String(80))
    document_filename: Mapped[str | None] = mapped_column(String(255))  # the uploader's file name
    document_type: Mapped[str | None] = mapped_column(String(40))
    document_size: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[CredentialStatus] = mapped_column(_enum(CredentialStatus, "credential_status"), index=True)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the daily expiry job; the smallest reminder (days before expiry) already sent.
    expired_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_reminder_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    decided_by: Mapped[User | None] = relationship()

    def is_expired(self, day: date) -> bool:
        return self.expires_on is not None and self.expires_on < day

    def counts_on(self, day: date) -> bool:
        """Only a verified credential that has not expired counts for eligibility."""
        return self.status == CredentialStatus.VERIFIED and not self.is_expired(day)


class StandingFlag(db.Model):
    """A listing on an official bad-standing list, recorded by a verifier with its source."""

    __tablename__ = "standing_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StandingFlagKind] = mapped_column(_enum(StandingFlagKind, "standing_flag_kind"))
    source: Mapped[str] = mapped_column(String(500))
    listed_on: Mapped[date] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    clear_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def is_active(self) -> bool:
        return self.cleared_on is None


class PastProject(db.Model):
    """A project delivered outside the platform, as evidence of experience."""

    __tablename__ = "past_projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    buyer: Mapped[str] = mapped_column(String(200))
    category_code: Mapped[str | None] = mapped_column(String(60))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # CNY
    beneficiaries: Mapped[int | None] = mapped_column(Integer)
    reference_contact: Mapped[str | None] = mapped_column(String(200))


class RerankRequest(db.Model):
    """A change that may affect matching; the matcher (a later issue) consumes these."""

    __tablename__ = "rerank_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    reasons: Mapped[str] = mapped_column(String(500))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
