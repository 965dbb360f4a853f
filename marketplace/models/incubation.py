"""The incubation track: programmes run by incubators, the groups they enrol and everything done with them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db

from .accounts import Party, User, _enum
from .base import UTCDateTime, utcnow


class Stage(enum.StrEnum):
    GRASSROOTS = "grassroots"
    REGISTERING = "registering"
    BUILDING_CAPACITY = "building_capacity"
    PILOT_DELIVERY = "pilot_delivery"
    MARKET_READY = "market_ready"
    GRADUATED = "graduated"
    WITHDRAWN = "withdrawn"


#: The ladder a group climbs, one rung at a time; it may withdraw from any rung but the last.
LADDER = (Stage.GRASSROOTS, Stage.REGISTERING, Stage.BUILDING_CAPACITY, Stage.PILOT_DELIVERY, Stage.MARKET_READY,
          Stage.GRADUATED)
ACTIVE_STAGES = LADDER[:-1]


class SupportKind(enum.StrEnum):
    SPACE = "space"
    EQUIPMENT = "equipment"
    SEED_FUNDING = "seed_funding"
    TRAINING = "training"
    PROJECT_SUPPORT = "project_support"


class Programme(db.Model):
    """A cohort an incubator runs: its focus (services and regions), dates, capacity, support and budget."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incubator_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    focus_categories: Mapped[list] = mapped_column(JSON, default=list)  # catalogue service codes
    focus_regions: Mapped[list] = mapped_column(JSON, default=list)  # GB/T 2260 codes
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    support_offered: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # CNY
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    incubator: Mapped[Party] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="programme", order_by="Enrolment.id")
    mentors: Mapped[list[ProgrammeMentor]] = relationship(back_populates="programme", cascade="all, delete-orphan")


class ProgrammeMentor(db.Model):
    """A person who mentors the programme's groups: incubator staff or an outside expert with the mentor role."""

    __tablename__ = "programme_mentors"
    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    programme: Mapped[Programme] = relationship(back_populates="mentors")
    user: Mapped[User] = relationship()


class Enrolment(db.Model):
    """One group in one programme: its stage, intake assessment, checklist and history."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("programme_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "incubation_stage"), index=True)
    enrolled_on: Mapped[date] = mapped_column(Date)
    intake_assessment: Mapped[str] = mapped_column(Text)
    graduated_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    programme: Mapped[Programme] = relationship(back_populates="enrolments")
    party: Mapped[Party] = relationship()
    moves: Mapped[list[StageMove]] = relationship(order_by="StageMove.id", cascade="all, delete-orphan")
    checklist: Mapped[list[ChecklistItem]] = relationship(order_by="ChecklistItem.id", cascade="all, delete-orphan")
    readiness: Mapped[list[ReadinessSnapshot]] = relationship(order_by="ReadinessSnapshot.id",
                                                              cascade="all, delete-orphan")
    sessions: Mapped[list[MentoringSession]] = relationship(order_by="MentoringSession.held_on.desc()",
                                                            cascade="all, delete-orphan")
    support: Mapped[list[SupportEntry]] = relationship(order_by="SupportEntry.given_on",
                                                       cascade="all, delete-orphan")

    @property
    def active(self) -> bool:
        return self.stage in ACTIVE_STAGES


class StageMove(db.Model):
    __tablename__ = "stage_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[Stage | None] = mapped_column(_enum(Stage, "incubation_stage"))
    to_stage: Mapped[Stage] = mapped_column(_enum(Stage, "incubation_stage"))
    moved_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ChecklistItem(db.Model):
    """One readiness item (from the configured template) and whether the group has it."""

    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("enrolment_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(50))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(String(500))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ReadinessSnapshot(db.Model):
    """The readiness score when something changed, for its history chart."""

    __tablename__ = "readiness_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[float] = mapped_column(Float)  # 0-100
    eligible_lots: Mapped[int] = mapped_column(Integer, default=0)
    considered_lots: Mapped[int] = mapped_column(Integer, default=0)


class MentoringSession(db.Model):
    """A mentoring session; its notes are seen only by the incubator, the programme's mentors and the group."""

    __tablename__ = "mentoring_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    topics: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="sessions")
    mentor: Mapped[User] = relationship()
    actions: Mapped[list[ActionItem]] = relationship(order_by="ActionItem.due_on", cascade="all, delete-orphan")


class ActionItem(db.Model):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(100))  # who does it: a person in the group, the mentor...
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)

    session: Mapped[MentoringSession] = relationship(back_populates="actions")


class SupportEntry(db.Model):
    """Support given to a group: space, equipment, seed funding, training or project support, valued in CNY."""

    __tablename__ = "support_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SupportKind] = mapped_column(_enum(SupportKind, "support_kind"))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    given_on: Mapped[date] = mapped_column(Date)
    over_budget_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
