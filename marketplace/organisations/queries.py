"""Read models: the completeness meter and the public directory search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, or_, select

from marketplace import regions
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
    ServiceArea,
    StandingFlag,
)


@dataclass(frozen=True)
class CompletenessItem:
    key: str
    done: bool
    label: object
    why: object


@dataclass(frozen=True)
class Completeness:
    items: list[CompletenessItem]

    @property
    def percent(self) -> int:
        return round(100 * sum(item.done for item in self.items) / len(self.items)) if self.items else 0

    @property
    def missing(self) -> list[CompletenessItem]:
        return [item for item in self.items if not item.done]


def completeness(profile: OrganisationProfile | None, *, areas: list, capabilities: list, credentials: list,
                 projects: list, today: date) -> Completeness:
    """What the organisation has told us, what is missing, and why each matters for matching."""
    p = profile
    registered = p is not None and p.legal_form != LegalForm.UNREGISTERED
    counting = {c.type for c in credentials if c.counts_on(today)}
    items = [
        CompletenessItem("registry", p is not None and (not registered or bool(p.credit_code and p.registered_on)),
                         _l("Legal form, credit code and registration date"),
                         _l("Tenders require a registered provider and often a minimum number of years since "
                            "registration.")),
        CompletenessItem("home_region", bool(p and p.home_region), _l("Home region"),
                         _l("Tenders may require providers based in their city or county; proximity raises "
                            "your rank.")),
        CompletenessItem("areas", bool(areas), _l("Service areas"),
                         _l("Only organisations serving a tender's region are matched to it.")),
        CompletenessItem("capabilities", any(len(c.statement) >= 50 for c in capabilities),
                         _l("A capability statement for each service you provide"),
                         _l("The matcher compares your statements with the tender's text and category.")),
        CompletenessItem("staff", bool(p and p.headcount and p.certified_social_workers is not None
                                       and p.full_time_staff is not None),
                         _l("Staff and certified social workers"),
                         _l("Many tenders set a minimum number of certified social workers.")),
        CompletenessItem("capacity", bool(p and p.annual_capacity), _l("Annual capacity and current commitments"),
                         _l("Capacity headroom against a tender's volume is part of your score.")),
        CompletenessItem("registration_certificate",
                         not registered or CredentialType.REGISTRATION_CERTIFICATE in counting,
                         _l("A verified registration certificate"),
                         _l("Unverified or expired credentials never count for eligibility.")),
        CompletenessItem("grade", bool(p and p.grade_valid_on(today)) or not registered,
                         _l("A current evaluation grade (1A-5A)"),
                         _l("Tenders often require a minimum grade, such as 3A.")),
        CompletenessItem("contact", bool(p and p.contact_name and (p.contact_phone or p.contact_email)),
                         _l("A contact person"), _l("Agencies invite shortlisted providers through it.")),
        CompletenessItem("mission", bool(p and p.mission), _l("Mission"),
                         _l("Shown in the directory and used for relevance.")),
        CompletenessItem("projects", bool(projects) or any(c.projects for c in capabilities),
                         _l("Past projects"), _l("Experience in a category raises your rank for it.")),
    ]
    return Completeness(items)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str | None = None
    category: str | None = None  # a service code, or a group code for all its services
    region: str | None = None  # organisations serving this region (city-wide providers serve its counties)
    min_grade: str | None = None
    legal_form: LegalForm | None = None
    credential: CredentialType | None = None  # holds a verified, unexpired credential of this type
    today: date | None = None


def directory_query(filters: DirectoryFilters) -> Select:
    """Organisations matching the filters, best graded first, then by name."""
    today = filters.today or date.today()
    query = (select(Party).join(OrganisationProfile, OrganisationProfile.party_id == Party.id)
             .where(Party.kind == PartyKind.ORGANISATION))
    if filters.q:
        pattern = f"%{filters.q.strip()}%"
        in_statements = exists().where(Capability.party_id == Party.id,
                                       or_(Capability.statement.ilike(pattern), Capability.statement_en.ilike(pattern)))
        query = query.where(or_(Party.name.ilike(pattern), Party.name_en.ilike(pattern),
                                OrganisationProfile.mission.ilike(pattern),
                                OrganisationProfile.mission_en.ilike(pattern), in_statements))
    if filters.category:
        category = Capability.category_code
        match = category == filters.category if "." in filters.category else category.startswith(
            filters.category + ".")
        query = query.where(exists().where(Capability.party_id == Party.id, match))
    if filters.region:
        query = query.where(exists().where(ServiceArea.party_id == Party.id,
                                           ServiceArea.region_code.in_(regions.covering_codes(filters.region))))
    if filters.min_grade in GRADES:
        allowed = GRADES[GRADES.index(filters.min_grade):]
        query = query.where(OrganisationProfile.grade.in_(allowed),
                            OrganisationProfile.grade_awarded_on > _years_before(today, 5))
    if filters.legal_form:
        query = query.where(OrganisationProfile.legal_form == filters.legal_form)
    if filters.credential:
        query = query.where(exists().where(
            Credential.party_id == Party.id, Credential.type == filters.credential,
            Credential.status == CredentialStatus.VERIFIED,
            or_(Credential.expires_on.is_(None), Credential.expires_on >= today)))
    return query.order_by(OrganisationProfile.grade.desc().nulls_last(), Party.name)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def categories_by_party(party_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {party_id: [] for party_id in party_ids}
    for party_id, code in db.session.execute(
            select(Capability.party_id, Capability.category_code).where(Capability.party_id.in_(party_ids))
            .order_by(Capability.category_code)):
        result[party_id].append(code)
    return result


def profiles_by_party(party_ids: list[int]) -> dict[int, OrganisationProfile]:
    return {p.party_id: p for p in db.session.scalars(
        select(OrganisationProfile).where(OrganisationProfile.party_id.in_(party_ids)))}


def active_flag_counts(party_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(select(StandingFlag.party_id, func.count(StandingFlag.id))
                              .where(StandingFlag.party_id.in_(party_ids), StandingFlag.cleared_on.is_(None))
                              .group_by(StandingFlag.party_id))
    return dict(rows.all())



def areas_by_party(party_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {party_id: [] for party_id in party_ids}
    for party_id, code in db.session.execute(
            select(ServiceArea.party_id, ServiceArea.region_code).where(ServiceArea.party_id.in_(party_ids))
            .order_by(ServiceArea.region_code)):
        result[party_id].append(code)
    return result


def organisation_completeness(party) -> Completeness:
    from marketplace.organisations import services
    from marketplace.organisations.jobs import local_today

    return completeness(db.session.get(OrganisationProfile, party.id), areas=services.service_areas(party),
                        capabilities=services.capabilities(party), credentials=services.credentials(party),
                        projects=services.past_projects(party), today=local_today())
