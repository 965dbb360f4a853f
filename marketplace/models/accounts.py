"""Users, the parties they act for, and the credentials that prove who they are."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db

from .base import UTCDateTime, utcnow


def _enum(cls: type[enum.Enum], name: str, length: int = 20) -> Enum:
    """Store enum values (not names) as a portable VARCHAR (no native enum type to migrate)."""
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=length)


class PlatformRole(enum.StrEnum):
    ADMIN = "admin"
    EXPERT = "expert"


class PartyKind(enum.StrEnum):
    AGENCY = "agency"
    ORGANISATION = "organisation"
    INCUBATOR = "incubator"


class PartyStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class MemberRole(enum.StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    MENTOR = "mentor"  # an outside expert who mentors an incubator's groups (incubator parties only)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    role_grants: Mapped[list[PlatformRoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="PlatformRoleGrant.user_id",
    )

    # Flask-Login: the identifier kept in the cookie is the log-in session token,
    # set by the accounts service at log-in (see LoginSession).
    session_token = None  # not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    def has_role(self, role: PlatformRole) -> bool:
        return any(grant.role == role for grant in self.role_grants)

    @property
    def is_admin(self) -> bool:
        return self.has_role(PlatformRole.ADMIN)

    @property
    def is_expert(self) -> bool:
        return self.has_role(PlatformRole.EXPERT)

    def membership_in(self, party_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.party_id == party_id), None)

    def parties_of_kind(self, kind: PartyKind) -> list[Party]:
        return [m.party for m in self.memberships if m.party.kind == kind]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class PlatformRoleGrant(db.Model):
    __tablename__ = "platform_role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[PlatformRole] = mapped_column(_enum(PlatformRole, "platform_role"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])


class Party(db.Model):
    """An agency, a social organisation or an incubator: someone users act on behalf of.

    Later issues attach kind-specific profiles (organisation registry, agency
    details) to a party; the party itself carries identity and approval.
    """

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, "party_kind"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[PartyStatus] = mapped_column(_enum(PartyStatus, "party_status"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(String(1000))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @property
    def is_approved(self) -> bool:
        return self.status == PartyStatus.APPROVED

    def display_name(self, locale: str) -> str:
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name

    def __repr__(self) -> str:
        return f"<Party {self.id} {self.kind} {self.name}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    party: Mapped[Party] = relationship(back_populates="memberships", lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == MemberRole.ADMIN


class Invitation(db.Model):
    """An e-mailed invitation to join a party; the token is stored only as a hash."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    party: Mapped[Party] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class LoginSession(db.Model):
    """A server-side record of a browser log-in, so log-out really ends it.

    The signed session cookie carries only a random token; the token's hash
    is looked up here on every request. Ending the row makes any copy of the
    cookie useless.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A personal access token for /api/v1; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
