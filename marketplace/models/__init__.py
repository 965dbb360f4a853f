"""All models, importable from one place (Alembic autogenerate sees them all)."""

from .accounts import (
    ApiToken,
    Invitation,
    LoginSession,
    MemberRole,
    Membership,
    Party,
    PartyKind,
    PartyStatus,
    PlatformRole,
    PlatformRoleGrant,
    User,
)
from .audit import AuditChainHead, AuditEvent
from .base import utcnow
from .jobs import BackgroundJob, JobStatus
from .mail import MailStatus, OutboxMessage
from .organisations import (
    GRADES,
    Capability,
    Credential,
    CredentialStatus,
    CredentialType,
    LegalForm,
    OrganisationProfile,
    PastProject,
    RerankRequest,
    ServiceArea,
    StandingFlag,
    StandingFlagKind,
)

__all__ = [
    "GRADES",
    "Capability",
    "Credential",
    "CredentialStatus",
    "CredentialType",
    "LegalForm",
    "OrganisationProfile",
    "PastProject",
    "RerankRequest",
    "ServiceArea",
    "StandingFlag",
    "StandingFlagKind",
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "BackgroundJob",
    "Invitation",
    "JobStatus",
    "LoginSession",
    "MailStatus",
    "MemberRole",
    "Membership",
    "OutboxMessage",
    "Party",
    "PartyKind",
    "PartyStatus",
    "PlatformRole",
    "PlatformRoleGrant",
    "User",
    "utcnow",
]
