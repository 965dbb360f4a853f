"""The one eligibility service: an organisation's registry facts against a lot's rules.

The bidding screen and (later) the matcher both call `assess_for_lot`; the
rules themselves are the pure `marketplace.matching.eligibility` library.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.matching.eligibility import Assessment, CredentialFact, ProviderFacts, Requirements, assess
from marketplace.models import Credential, Lot, OrganisationProfile, Party, ServiceArea, StandingFlag


def requirements_for(lot: Lot) -> Requirements:
    tender = lot.tender
    return Requirements(
        required_credentials=tuple(lot.required_credentials or ()), min_grade=lot.min_grade,
        min_years_registered=lot.min_years_registered, min_social_workers=lot.min_social_workers,
        min_annual_capacity=lot.min_annual_capacity, based_in=lot.based_in,
        serves_regions=tuple(lot.regions or ()), no_bad_standing=lot.no_bad_standing,
        service_start=tender.service_start, service_end=tender.service_end)


def provider_facts(party: Party) -> ProviderFacts | None:
    profile = db.session.get(OrganisationProfile, party.id)
    if profile is None:
        return None
    areas = tuple(db.session.scalars(select(ServiceArea.region_code).where(ServiceArea.party_id == party.id)))
    credentials = tuple(
        CredentialFact(type=c.type.value, verified=c.status.value == "verified", expires_on=c.expires_on)
        for c in db.session.scalars(select(Credential).where(Credential.party_id == party.id)))
    flags = tuple(flag.kind.value for flag in db.session.scalars(
        select(StandingFlag).where(StandingFlag.party_id == party.id, StandingFlag.cleared_on.is_(None))))
    return ProviderFacts(
        legal_form=profile.legal_form.value, registered_on=profile.registered_on, home_region=profile.home_region,
        service_areas=areas, grade=profile.grade, grade_awarded_on=profile.grade_awarded_on,
        certified_social_workers=profile.certified_social_workers, annual_capacity=profile.annual_capacity,
        current_commitments=profile.current_commitments, credentials=credentials, active_flags=flags)


def assess_for_lot(party: Party, lot: Lot, on: date) -> Assessment | None:
    """None when the organisation has no registry profile yet (nothing to check against)."""
    facts = provider_facts(party)
    return None if facts is None else assess(requirements_for(lot), facts, on)
