"""Object-level authorisation: the one place that decides who may see or change what.

Every view and API call asks ``authorize(user, action, obj)`` (or ``can`` to
decide what to show). Rules are plain predicates keyed by object type and
action; later feature areas add theirs here, next to the others, so the whole
access policy can be read in one file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.errors import NotAllowed
from marketplace.models import (
    ApiToken,
    BackgroundJob,
    Credential,
    Enrolment,
    Invitation,
    MemberRole,
    Membership,
    Party,
    PartyKind,
    PartyStatus,
    PastProject,
    Programme,
    Tender,
    TenderStatus,
    User,
)
from marketplace.models import Bid as BidModel

PLATFORM = "platform"  # the object of platform-wide actions

Rule = Callable[[User, Any], bool]
_RULES: dict[tuple[type | str, str], Rule] = {}


def rule(target: type | str, *actions: str):
    def register(predicate: Rule) -> Rule:
        for action in actions:
            _RULES[(target, action)] = predicate
        return predicate

    return register


def _target_of(obj: Any) -> type | str:
    return obj if isinstance(obj, str) else type(obj)


def can(user: User | None, action: str, obj: Any = PLATFORM) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    predicate = _RULES.get((_target_of(obj), action))
    if predicate is None:
        raise LookupError(f"no authorisation rule for {action!r} on {_target_of(obj)!r}")
    return predicate(user, obj)


def authorize(user: User | None, action: str, obj: Any = PLATFORM) -> None:
    if not can(user, action, obj):
        raise NotAllowed(_l("You do not have permission to see or change this."))


# --- Platform -----------------------------------------------------------------

@rule(PLATFORM, "administer", "view_audit", "approve_parties", "view_outbox")
def _platform_admin(user: User, _obj) -> bool:
    return user.is_admin


@rule(PLATFORM, "evaluate")
def _expert(user: User, _obj) -> bool:
    return user.is_expert


# --- Parties ------------------------------------------------------------------

def _member(user: User, party: Party) -> Membership | None:
    return user.membership_in(party.id)


@rule(Party, "view")
def _view_party(user: User, party: Party) -> bool:
    return _member(user, party) is not None or user.is_admin


@rule(Party, "manage_members")
def _manage_party(user: User, party: Party) -> bool:
    """Its admins; and a platform administrator for a party with no admin yet (an imported
    organisation), so its first admin can be invited."""
    membership = _member(user, party)
    if membership is not None:
        return membership.is_admin
    return user.is_admin and not any(m.is_admin for m in party.memberships)


@rule(Party, "publish_tenders")
def _publish_for_agency(user: User, party: Party) -> bool:
    return party.kind == PartyKind.AGENCY and party.is_approved and _member(user, party) is not None


@rule(Invitation, "manage")
def _manage_invitation(user: User, invitation: Invitation) -> bool:
    return _manage_party(user, invitation.party)


@rule(Membership, "manage")
def _manage_membership(user: User, membership: Membership) -> bool:
    return _manage_party(user, membership.party)


# --- Organisations (the provider registry) ------------------------------------

def _is_verifier(user: User) -> bool:
    """Platform administrators and staff of approved agencies verify credentials and standing."""
    return user.is_admin or any(m.party.kind == PartyKind.AGENCY and m.party.is_approved for m in user.memberships)


@rule(PLATFORM, "verify_organisations", "import_organisations")
def _verifier(user: User, _obj) -> bool:
    return _is_verifier(user)


@rule(Party, "edit_organisation")
def _edit_organisation(user: User, party: Party) -> bool:
    return party.kind == PartyKind.ORGANISATION and _member(user, party) is not None


@rule(Party, "view_private")
def _view_private(user: User, party: Party) -> bool:
    """Phone, e-mail and documents: the organisation itself, and verifiers (approved agencies, admins)."""
    return _member(user, party) is not None or _is_verifier(user)


@rule(Credential, "view_document")
def _view_document(user: User, credential: Credential) -> bool:
    return user.membership_in(credential.party_id) is not None or _is_verifier(user)


@rule(Credential, "edit")
def _edit_credential(user: User, credential: Credential) -> bool:
    return user.membership_in(credential.party_id) is not None


@rule(PastProject, "edit")
def _edit_project(user: User, project: PastProject) -> bool:
    return user.membership_in(project.party_id) is not None


# --- Tenders and bids ------------------------------------------------------------

@rule(Party, "draft_tenders")
def _draft_tenders(user: User, party: Party) -> bool:
    """Any member of an agency drafts; publishing also needs the agency approved (the service checks)."""
    return party.kind == PartyKind.AGENCY and _member(user, party) is not None


@rule(Tender, "manage", "qualify", "score", "award")
def _manage_tender(user: User, tender: Tender) -> bool:
    return user.membership_in(tender.agency_party_id) is not None


@rule(Tender, "view")
def _view_tender(user: User, tender: Tender) -> bool:
    return tender.status != TenderStatus.DRAFT or user.membership_in(tender.agency_party_id) is not None


@rule(BidModel, "edit")
def _edit_bid(user: User, bid: BidModel) -> bool:
    return user.membership_in(bid.party_id) is not None


@rule(BidModel, "view")
def _view_bid(user: User, bid: BidModel) -> bool:
    """Sealed: before the opening only the bidder sees its bid, the agency and administrators included."""
    if user.membership_in(bid.party_id) is not None:
        return True
    opened = bid.tender.opened_at is not None
    return opened and (user.membership_in(bid.tender.agency_party_id) is not None or user.is_admin)


# --- Incubation -------------------------------------------------------------------
# Staff: members of the incubator (admins and members; mentors are not staff). Mentors: people assigned to
# a programme. Notes and mentoring are seen by staff, the programme's mentors and the group itself.

def _staff(user: User, incubator_id: int) -> bool:
    membership = user.membership_in(incubator_id)
    return membership is not None and membership.role != MemberRole.MENTOR


def _mentors(user: User, programme: Programme) -> bool:
    return any(mentor.user_id == user.id for mentor in programme.mentors)


@rule(Party, "run_programmes")
def _run_programmes(user: User, party: Party) -> bool:
    return party.kind == PartyKind.INCUBATOR and party.status == PartyStatus.APPROVED and _staff(user, party.id)


@rule(Programme, "manage")
def _manage_programme(user: User, programme: Programme) -> bool:
    return _staff(user, programme.incubator_id)


@rule(Programme, "view")
def _view_programme(user: User, programme: Programme) -> bool:
    return _staff(user, programme.incubator_id) or _mentors(user, programme) or user.is_admin


@rule(Enrolment, "manage")
def _manage_enrolment(user: User, enrolment: Enrolment) -> bool:
    return _staff(user, enrolment.programme.incubator_id)


@rule(Enrolment, "mentor")
def _mentor_enrolment(user: User, enrolment: Enrolment) -> bool:
    return _staff(user, enrolment.programme.incubator_id) or _mentors(user, enrolment.programme)


@rule(Enrolment, "view")
def _view_enrolment(user: User, enrolment: Enrolment) -> bool:
    """Notes included: the incubator's staff, the programme's mentors and the group; nobody else."""
    return _mentor_enrolment(user, enrolment) or user.membership_in(enrolment.party_id) is not None


# --- Personal objects -------------------------------------------------------

@rule(ApiToken, "manage")
def _own_token(user: User, token: ApiToken) -> bool:
    return token.user_id == user.id


@rule(BackgroundJob, "view")
def _view_job(user: User, job: BackgroundJob) -> bool:
    return job.requested_by_id == user.id or user.is_admin


@rule(BackgroundJob, "requeue")
def _requeue_job(user: User, job: BackgroundJob) -> bool:
    return user.is_admin
