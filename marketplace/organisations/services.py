"""Organisation registry rules: profile, service areas, capabilities, credentials, standing, past projects.

Every change that can affect eligibility or relevance asks for a re-rank of
the tenders the organisation could affect. Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import catalogue, regions
from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    GRADES,
    Capability,
    Credential,
    CredentialStatus,
    CredentialType,
    LegalForm,
    OrganisationProfile,
    Party,
    PartyKind,
    PartyStatus,
    PastProject,
    ServiceArea,
    StandingFlag,
    StandingFlagKind,
    User,
    utcnow,
)
from marketplace.shortlists.jobs import request_rerank_for_organisation

from . import credit_code, documents


class ProfileErrors(DomainError):
    """Several field problems at once: `problems` is a list of (field, message)."""

    def __init__(self, problems: list[tuple[str, object]]):
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


@dataclass
class ProfileInput:
    legal_form: LegalForm
    credit_code: str | None = None
    registered_on: date | None = None
    registration_authority: str | None = None
    home_region: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    mission: str | None = None
    mission_en: str | None = None
    headcount: int | None = None
    full_time_staff: int | None = None
    social_workers_assistant: int | None = None
    social_workers_intermediate: int | None = None
    social_workers_senior: int | None = None
    volunteers: int | None = None
    annual_capacity: int | None = None
    current_commitments: int | None = None
    grade: str | None = None
    grade_awarded_on: date | None = None


def profile_problems(data: ProfileInput, *, party_id: int | None, today: date) -> list[tuple[str, object]]:
    """Every problem with a profile, as (field, message); empty when it can be saved."""
    found: list[tuple[str, object]] = []
    code = credit_code.normalise(data.credit_code)
    if data.legal_form == LegalForm.UNREGISTERED:
        if data.registered_on:
            found.append(("registered_on", _l("An unregistered group has no registration date.")))
    elif not code:
        found.append(("credit_code", _l("A registered organisation must give its unified social credit code.")))
    if code:
        found += [("credit_code", message) for message in credit_code.problems(code, data.legal_form.value)]
        owner = db.session.scalar(select(OrganisationProfile.party_id).where(OrganisationProfile.credit_code == code))
        if owner is not None and owner != party_id:
            found.append(("credit_code", _l("Another organisation is already registered with this credit code.")))
    if data.registered_on and data.registered_on > today:
        found.append(("registered_on", _l("The registration date cannot be in the future.")))
    if data.home_region and not regions.is_valid(data.home_region):
        found.append(("home_region", _l("%(code)s is not an administrative division code.", code=data.home_region)))
    if data.headcount is not None and data.full_time_staff is not None and data.full_time_staff > data.headcount:
        found.append(("full_time_staff", _l("Full-time staff cannot exceed the headcount.")))
    if data.grade and data.grade not in GRADES:
        found.append(("grade", _l("The evaluation grade is one of 1A to 5A.")))
    if data.grade and not data.grade_awarded_on:
        found.append(("grade_awarded_on", _l("Give the date the grade was awarded: it is valid for five years.")))
    if data.grade_awarded_on and data.grade_awarded_on > today:
        found.append(("grade_awarded_on", _l("The award date cannot be in the future.")))
    if data.grade_awarded_on and not data.grade:
        found.append(("grade", _l("Choose the grade that was awarded on this date.")))
    return found


def create_organisation(name: str, name_en: str | None, data: ProfileInput, *, creator: User | None,
                        today: date) -> Party:
    """A new organisation party with its profile (bulk import, or a sign-up that fills in the registry)."""
    from marketplace.accounts.parties import create_party

    problems = profile_problems(data, party_id=None, today=today)
    if problems:
        raise ProfileErrors(problems)
    if creator is not None:
        party = create_party(PartyKind.ORGANISATION, name, name_en, creator=creator)
    else:
        party = Party(kind=PartyKind.ORGANISATION, name=name.strip(), name_en=(name_en or "").strip() or None,
                      status=PartyStatus.APPROVED)
        db.session.add(party)
        db.session.flush()
        audit.record("party.create", party, summary={"kind": "organisation", "name": party.name, "imported": True})
    _apply_profile(party, data)
    return party


def save_profile(party: Party, data: ProfileInput, *, today: date) -> OrganisationProfile:
    problems = profile_problems(data, party_id=party.id, today=today)
    if problems:
        raise ProfileErrors(problems)
    return _apply_profile(party, data)


def _apply_profile(party: Party, data: ProfileInput) -> OrganisationProfile:
    profile = db.session.get(OrganisationProfile, party.id)
    created = profile is None
    if created:
        profile = OrganisationProfile(party_id=party.id, legal_form=data.legal_form)
        db.session.add(profile)
    values = asdict(data)
    values["credit_code"] = credit_code.normalise(data.credit_code) or None
    changes = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        old = getattr(profile, name)
        if old != value:
            changes[name] = [old, value]
            setattr(profile, name, value)
    db.session.flush()
    if changes:
        audit.record("organisation.profile_create" if created else "organisation.profile_update", party,
                     summary={key: pair for key, pair in changes.items() if key not in ("contact_phone",)})
        request_rerank_for_organisation(party.id, "profile")
    return profile


def rename(party: Party, name: str, name_en: str | None) -> None:
    changes = {}
    if name.strip() != party.name:
        changes["name"] = [party.name, name.strip()]
        party.name = name.strip()
    if ((name_en or "").strip() or None) != party.name_en:
        changes["name_en"] = [party.name_en, (name_en or "").strip() or None]
        party.name_en = (name_en or "").strip() or None
    if changes:
        audit.record("party.rename", party, summary=changes)
        request_rerank_for_organisation(party.id, "name")


# --- Service areas ---------------------------------------------------------------

def parse_region_codes(raw: str) -> list[str]:
    codes = [code.strip() for code in raw.replace("，", ",").replace(";", ",").replace(" ", ",").split(",")]
    return list(dict.fromkeys(code for code in codes if code))


def set_service_areas(party: Party, codes: list[str]) -> list[str]:
    unknown = [code for code in codes if not regions.is_valid(code)]
    if unknown:
        raise DomainError(_l("Not administrative division codes: %(codes)s", codes=", ".join(unknown)),
                          field="regions")
    # Covering a city covers its counties: keep only the widest areas.
    kept = [code for code in codes if not any(other != code and regions.covers(other, code) for other in codes)]
    current = {area.region_code: area for area in service_areas(party)}
    for code, area in current.items():
        if code not in kept:
            db.session.delete(area)
    for code in kept:
        if code not in current:
            db.session.add(ServiceArea(party_id=party.id, region_code=code))
    db.session.flush()
    if set(kept) != set(current):
        audit.record("organisation.areas", party, summary={"areas": [sorted(current), sorted(kept)]})
        request_rerank_for_organisation(party.id, "service areas")
    return kept


def service_areas(party: Party) -> list[ServiceArea]:
    return list(db.session.scalars(
        select(ServiceArea).where(ServiceArea.party_id == party.id).order_by(ServiceArea.region_code)))


# --- Capabilities ----------------------------------------------------------------

@dataclass
class CapabilityInput:
    category_code: str
    statement: str
    statement_en: str | None = None
    target_groups: str | None = None
    years: int = 0
    projects: int = 0
    beneficiaries: int = 0


def save_capability(party: Party, data: CapabilityInput, capability: Capability | None = None) -> Capability:
    if not catalogue.is_service(data.category_code):
        raise DomainError(_l("Choose a service from the catalogue."), field="category_code")
    if len((data.statement or "").strip()) < 20:
        raise DomainError(_l("Describe your methods, who you serve and the outcomes in at least 20 characters."),
                          field="statement")
    clash = db.session.scalar(select(Capability).where(Capability.party_id == party.id,
                                                       Capability.category_code == data.category_code))
    if clash is not None and clash is not capability:
        raise DomainError(_l("You already have a statement for this service; edit that one."), field="category_code")
    created = capability is None
    if created:
        capability = Capability(party_id=party.id, category_code=data.category_code, statement="")
        db.session.add(capability)
    for item in fields(data):
        value = getattr(data, item.name)
        setattr(capability, item.name, value.strip() or None if isinstance(value, str) else value)
    db.session.flush()
    audit.record("organisation.capability_save", party,
                 summary={"category": data.category_code, "created": created, "years": data.years,
                          "projects": data.projects, "beneficiaries": data.beneficiaries})
    request_rerank_for_organisation(party.id, "capabilities")
    return capability


def delete_capability(capability: Capability) -> None:
    party = db.session.get(Party, capability.party_id)
    audit.record("organisation.capability_delete", party, summary={"category": capability.category_code})
    db.session.delete(capability)
    db.session.flush()
    request_rerank_for_organisation(party.id, "capabilities")


def capabilities(party: Party) -> list[Capability]:
    return list(db.session.scalars(
        select(Capability).where(Capability.party_id == party.id).order_by(Capability.category_code)))


# --- Credentials -----------------------------------------------------------------

@dataclass
class CredentialInput:
    type: CredentialType
    number: str
    issuer: str
    issued_on: date
    expires_on: date | None = None


def _check_credential(data: CredentialInput, today: date) -> None:
    if data.expires_on and data.expires_on < data.issued_on:
        raise DomainError(_l("The expiry date cannot be before the issue date."), field="expires_on")
    if data.issued_on > today:
        raise DomainError(_l("The issue date cannot be in the future."), field="issued_on")


def add_credential(party: Party, data: CredentialInput, document: tuple[bytes, str] | None, *,
                   today: date) -> Credential:
    _check_credential(data, today)
    stored = documents.store(*document) if document else None
    credential = Credential(party_id=party.id, status=CredentialStatus.PENDING, **asdict(data))
    _attach(credential, stored)
    db.session.add(credential)
    db.session.flush()
    audit.record("credential.create", credential, summary={"party": party.id, "type": data.type.value,
                                                           "number": data.number, "expires_on": data.expires_on,
                                                           "document": stored.name if stored else None})
    request_rerank_for_organisation(party.id, "credentials")
    return credential


def update_credential(credential: Credential, data: CredentialInput, document: tuple[bytes, str] | None, *,
                      today: date) -> None:
    """Any edit sends a verified (or rejected) credential back to pending: it must be checked again."""
    _check_credential(data, today)
    stored = documents.store(*document) if document else None
    changes = {name: [getattr(credential, name), value] for name, value in asdict(data).items()
               if getattr(credential, name) != value}
    for name, value in asdict(data).items():
        setattr(credential, name, value)
    if stored:
        documents.remove(credential.document_name)
        _attach(credential, stored)
        changes["document"] = ["replaced", stored.name]
    if not changes:
        return
    if credential.status != CredentialStatus.PENDING:
        changes["status"] = [credential.status.value, CredentialStatus.PENDING.value]
        credential.status = CredentialStatus.PENDING
        credential.status_reason = None
        credential.decided_by_id = None
        credential.decided_at = None
    credential.last_reminder_days = None
    credential.expired_marked_at = None
    db.session.flush()
    audit.record("credential.update", credential, summary=changes)
    request_rerank_for_organisation(credential.party_id, "credentials")


def _attach(credential: Credential, stored: documents.StoredDocument | None) -> None:
    if stored:
        credential.document_name = stored.name
        credential.document_filename = stored.filename
        credential.document_type = stored.mime_type
        credential.document_size = stored.size


def delete_credential(credential: Credential) -> None:
    audit.record("credential.delete", credential, summary={"type": credential.type.value,
                                                           "number": credential.number})
    documents.remove(credential.document_name)
    party_id = credential.party_id
    db.session.delete(credential)
    db.session.flush()
    request_rerank_for_organisation(party_id, "credentials")


def decide_credential(credential: Credential, *, verify: bool, reason: str | None, by: User) -> None:
    if credential.status != CredentialStatus.PENDING:
        raise DomainError(_l("Only pending credentials can be verified or rejected."))
    if not verify and not (reason or "").strip():
        raise DomainError(_l("Give the reason for the rejection; the organisation will read it."), field="reason")
    credential.status = CredentialStatus.VERIFIED if verify else CredentialStatus.REJECTED
    credential.status_reason = (reason or "").strip() or None
    credential.decided_by_id = by.id
    credential.decided_at = utcnow()
    db.session.flush()
    audit.record("credential.verify" if verify else "credential.reject", credential,
                 summary={"status": ["pending", credential.status.value], "reason": credential.status_reason})
    request_rerank_for_organisation(credential.party_id, "verification")


def credentials(party: Party) -> list[Credential]:
    return list(db.session.scalars(
        select(Credential).where(Credential.party_id == party.id).order_by(Credential.type, Credential.id)))


def pending_credentials() -> list[Credential]:
    return list(db.session.scalars(
        select(Credential).where(Credential.status == CredentialStatus.PENDING).order_by(Credential.created_at)))


# --- Standing flags ----------------------------------------------------------------

def add_standing_flag(party: Party, kind: StandingFlagKind, source: str, listed_on: date, *, by: User,
                      today: date) -> StandingFlag:
    if not source.strip():
        raise DomainError(_l("Name the source: the list, the authority and the document."), field="source")
    if listed_on > today:
        raise DomainError(_l("The listing date cannot be in the future."), field="listed_on")
    flag = StandingFlag(party_id=party.id, kind=kind, source=source.strip(), listed_on=listed_on, set_by_id=by.id)
    db.session.add(flag)
    db.session.flush()
    audit.record("organisation.flag_set", party, summary={"kind": kind.value, "source": flag.source,
                                                          "listed_on": listed_on})
    request_rerank_for_organisation(party.id, "standing")
    return flag


def clear_standing_flag(flag: StandingFlag, reason: str, *, by: User, today: date) -> None:
    if not flag.is_active:
        raise DomainError(_l("This listing has already been cleared."))
    if not reason.strip():
        raise DomainError(_l("Say why the listing is cleared (e.g. the removal decision)."), field="reason")
    flag.cleared_on = today
    flag.cleared_by_id = by.id
    flag.clear_reason = reason.strip()
    db.session.flush()
    audit.record("organisation.flag_clear", db.session.get(Party, flag.party_id),
                 summary={"kind": flag.kind.value, "reason": flag.clear_reason})
    request_rerank_for_organisation(flag.party_id, "standing")


def standing_flags(party: Party) -> list[StandingFlag]:
    return list(db.session.scalars(
        select(StandingFlag).where(StandingFlag.party_id == party.id).order_by(StandingFlag.listed_on.desc())))


# --- Past projects -------------------------------------------------------------------

@dataclass
class PastProjectInput:
    title: str
    buyer: str
    started_on: date
    ended_on: date | None = None
    category_code: str | None = None
    value: Decimal | None = None
    beneficiaries: int | None = None
    reference_contact: str | None = None


def add_past_project(party: Party, data: PastProjectInput, *, today: date) -> PastProject:
    if data.ended_on and data.ended_on < data.started_on:
        raise DomainError(_l("The end date cannot be before the start date."), field="ended_on")
    if data.started_on > today:
        raise DomainError(_l("A past project cannot start in the future."), field="started_on")
    if data.category_code and not catalogue.is_service(data.category_code):
        raise DomainError(_l("Choose a service from the catalogue."), field="category_code")
    project = PastProject(party_id=party.id, **asdict(data))
    db.session.add(project)
    db.session.flush()
    audit.record("organisation.project_add", party, summary={"title": data.title, "buyer": data.buyer,
                                                             "value": data.value})
    request_rerank_for_organisation(party.id, "past projects")
    return project


def delete_past_project(project: PastProject) -> None:
    audit.record("organisation.project_delete", db.session.get(Party, project.party_id),
                 summary={"title": project.title})
    db.session.delete(project)
    db.session.flush()


def past_projects(party: Party) -> list[PastProject]:
    return list(db.session.scalars(
        select(PastProject).where(PastProject.party_id == party.id).order_by(PastProject.started_on.desc())))
