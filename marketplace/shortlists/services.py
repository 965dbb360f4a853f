"""The matcher's adapter: registry and tender rows in, stored shortlists out.

The ranking itself is the pure library `marketplace.matching`; this module
loads what it needs in a few bulk queries and writes each lot's results in the
caller's transaction, so a failed run never leaves a half-written shortlist.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, select

from marketplace.extensions import db
from marketplace.matching import scoring
from marketplace.matching.eligibility import CredentialFact, ProviderFacts
from marketplace.matching.relevance import RelevanceIndex
from marketplace.models import (
    Bid,
    Capability,
    Credential,
    InvitationStatus,
    Lot,
    MatchResult,
    OrganisationProfile,
    Party,
    PartyKind,
    ServiceArea,
    StandingFlag,
    Tender,
    TenderInvitation,
    TenderStatus,
    utcnow,
)
from marketplace.tenders.eligibility import requirements_for

# Beneficiaries a year implied by a lot's quantity, by pricing unit (person-days are spread over
# stays of about two weeks; posts serve about a hundred people a year).
VOLUME_PER_UNIT = {"person_day": 1 / 15, "person_month": 1 / 3, "post_year": 100, "session": 1 / 4}


def weights() -> scoring.Weights:
    return scoring.Weights.from_mapping(current_app.config["MATCHER_WEIGHTS"])


def lot_query(lot: Lot) -> scoring.LotQuery:
    tender = lot.tender
    per_unit = VOLUME_PER_UNIT.get(lot.pricing_unit.value)
    volume = float(lot.quantity) * per_unit if per_unit else tender.beneficiaries_count
    text = " ".join(filter(None, [tender.title, lot.title, tender.description, tender.deliverables,
                                  tender.beneficiaries]))
    return scoring.LotQuery(
        lot_id=lot.id, category_code=tender.category_code, text=text, regions=tuple(lot.regions),
        quantity=float(lot.quantity), pricing_unit=lot.pricing_unit.value,
        ceiling_unit_price=float(lot.ceiling_unit_price), requirements=requirements_for(lot),
        annual_volume=int(volume) if volume else None)


def provider_profiles(party_ids: list[int] | None = None) -> list[scoring.ProviderProfile]:
    """Every organisation with a registry profile (or only `party_ids`), in a handful of queries."""
    def scoped(query, column):
        return query.where(column.in_(party_ids)) if party_ids is not None else query

    profiles = db.session.execute(scoped(
        select(OrganisationProfile, Party.name).join(Party, Party.id == OrganisationProfile.party_id)
        .where(Party.kind == PartyKind.ORGANISATION), OrganisationProfile.party_id)).all()
    areas, credentials, flags = defaultdict(list), defaultdict(list), defaultdict(list)
    for party_id, code in db.session.execute(scoped(select(ServiceArea.party_id, ServiceArea.region_code),
                                                    ServiceArea.party_id)):
        areas[party_id].append(code)
    for party_id, kind, status, expires in db.session.execute(scoped(
            select(Credential.party_id, Credential.type, Credential.status, Credential.expires_on),
            Credential.party_id)):
        credentials[party_id].append(CredentialFact(type=kind.value, verified=status.value == "verified",
                                                    expires_on=expires))
    for party_id, kind in db.session.execute(scoped(
            select(StandingFlag.party_id, StandingFlag.kind).where(StandingFlag.cleared_on.is_(None)),
            StandingFlag.party_id)):
        flags[party_id].append(kind.value)
    statements, categories = defaultdict(list), defaultdict(list)
    years, projects = defaultdict(dict), defaultdict(dict)
    for row in db.session.execute(scoped(select(Capability.party_id, Capability.category_code, Capability.statement,
                                                Capability.statement_en, Capability.years, Capability.projects),
                                         Capability.party_id)):
        party_id = row.party_id
        categories[party_id].append(row.category_code)
        statements[party_id].extend(filter(None, [row.statement, row.statement_en]))
        years[party_id][row.category_code] = row.years or 0
        projects[party_id][row.category_code] = row.projects or 0
    prices = defaultdict(lambda: defaultdict(list))
    for party_id, category, unit, price in db.session.execute(scoped(
            select(Bid.party_id, Tender.category_code, Lot.pricing_unit, Bid.unit_price)
            .join(Tender, Tender.id == Bid.tender_id).join(Lot, Lot.id == Bid.lot_id)
            .where(Bid.awarded.is_(True), Tender.status == TenderStatus.AWARDED), Bid.party_id)):
        prices[party_id][f"{category}:{unit.value}"].append(float(price))
    invited = dict(db.session.execute(scoped(
        select(TenderInvitation.party_id, func.count(TenderInvitation.id)).group_by(TenderInvitation.party_id),
        TenderInvitation.party_id)).all())
    answered = dict(db.session.execute(scoped(
        select(TenderInvitation.party_id, func.count(TenderInvitation.id))
        .where(TenderInvitation.status == InvitationStatus.BID).group_by(TenderInvitation.party_id),
        TenderInvitation.party_id)).all())
    result = []
    for profile, name in profiles:
        pid = profile.party_id
        facts = ProviderFacts(
            legal_form=profile.legal_form.value, registered_on=profile.registered_on,
            home_region=profile.home_region, service_areas=tuple(areas[pid]), grade=profile.grade,
            grade_awarded_on=profile.grade_awarded_on, certified_social_workers=profile.certified_social_workers,
            annual_capacity=profile.annual_capacity, current_commitments=profile.current_commitments,
            credentials=tuple(credentials[pid]), active_flags=tuple(flags[pid]))
        result.append(scoring.ProviderProfile(
            provider_id=pid, name=name, facts=facts, categories=tuple(categories[pid]),
            statements=" ".join(statements[pid]), experience_years=dict(years[pid]), projects=dict(projects[pid]),
            past_ratings=(), past_unit_prices={key: tuple(values) for key, values in prices[pid].items()},
            invitations=invited.get(pid, 0), bids_when_invited=answered.get(pid, 0), incubating=False))
    return result


def rank_tender(tender: Tender, *, on: date | None = None, providers=None) -> dict:
    """Rank every organisation for each lot of the tender and replace its stored shortlists."""
    from marketplace.organisations.jobs import local_today

    on = on or local_today()
    providers = providers if providers is not None else provider_profiles()
    index = RelevanceIndex.build({p.provider_id: p.statements for p in providers})
    summary = {}
    now = utcnow()
    for lot in tender.lots:
        matches = scoring.rank(lot_query(lot), providers, on=on, weights=weights(), index=index)
        db.session.execute(delete(MatchResult).where(MatchResult.lot_id == lot.id))
        db.session.add_all(MatchResult(
            tender_id=tender.id, lot_id=lot.id, party_id=m.provider_id, rank=m.rank, score=round(m.score, 4),
            eligible=m.eligible, unmet=len(m.assessment.unmet), components={k: round(v, 4) for k, v in
                                                                               m.components.items()},
            reasons=m.reasons, findings=[{"rule": f.rule, "met": f.met, "code": f.code, "params": f.params}
                                         for f in m.assessment.findings],
            matcher_version=scoring.MATCHER_VERSION, computed_at=now) for m in matches)
        summary[lot.number] = {"ranked": len(matches), "eligible": sum(m.eligible for m in matches)}
    db.session.flush()
    return summary


def shortlist(lot: Lot, *, limit: int = 50) -> tuple[list[MatchResult], list[MatchResult]]:
    """Eligible candidates and near-eligible ones (one unmet rule), best first."""
    eligible = db.session.scalars(select(MatchResult).where(MatchResult.lot_id == lot.id, MatchResult.eligible)
                                  .order_by(MatchResult.rank).limit(limit)).all()
    near = db.session.scalars(select(MatchResult).where(MatchResult.lot_id == lot.id, MatchResult.unmet == 1)
                              .order_by(MatchResult.rank).limit(limit)).all()
    return eligible, near


def open_tenders_for(party_id: int) -> list[int]:
    """Open (published) tenders an organisation's change could affect: its categories, or already ranked."""
    categories = select(Capability.category_code).where(Capability.party_id == party_id)
    ranked = select(MatchResult.tender_id).where(MatchResult.party_id == party_id)
    return list(db.session.scalars(select(Tender.id).where(
        Tender.status == TenderStatus.PUBLISHED,
        (Tender.category_code.in_(categories)) | (Tender.id.in_(ranked)))))


def recommendations(party: Party, *, limit: int = 50) -> list[MatchResult]:
    """'Tenders for you': open tenders where the organisation is eligible or one rule short, best first."""
    return list(db.session.scalars(
        select(MatchResult).join(Tender, Tender.id == MatchResult.tender_id)
        .where(MatchResult.party_id == party.id, Tender.status == TenderStatus.PUBLISHED, MatchResult.unmet <= 1)
        .order_by(MatchResult.eligible.desc(), MatchResult.score.desc()).limit(limit)))


def reference_prices() -> list[dict]:
    """The reference price range (25th-75th percentile of awarded unit prices) per category and unit."""
    import statistics

    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for category, unit, price in db.session.execute(
            select(Tender.category_code, Lot.pricing_unit, Bid.unit_price).join(Lot, Lot.id == Bid.lot_id)
            .join(Tender, Tender.id == Bid.tender_id)
            .where(Bid.awarded.is_(True), Tender.status.in_([TenderStatus.AWARDED, TenderStatus.AWARD_NOTICE]))):
        groups[(category, unit.value)].append(float(price))
    rows = []
    for (category, unit), prices in sorted(groups.items()):
        low, high = (statistics.quantiles(prices, n=4, method="inclusive")[0::2] if len(prices) > 1
                     else (prices[0], prices[0]))
        rows.append({"category": category, "unit": unit, "p25": round(low, 2), "p75": round(high, 2),
                     "median": round(statistics.median(prices), 2), "awards": len(prices)})
    return rows
