"""The matcher's adapter: registry and tender rows in, stored shortlists out.

The ranking itself is the pure library `marketplace.matching`; this module
loads what it needs in a few bulk queries and writes each lot's results in the
caller's transaction, so a failed run never leaves a half-written shortlist.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.matching import scoring
from marketplace.matching.eligibility import CredentialFact, ProviderFacts, assess
from marketplace.models import (
    ACTIVE_STAGES,
    Bid,
    Capability,
    Credential,
    Enrolment,
    InvitationStatus,
    Lot,
    MatchResult,
    OrganisationProfile,
    Party,
    PartyKind,
    PartyStatus,
    ServiceArea,
    StandingFlag,
    Tender,
    TenderInvitation,
    TenderStatus,
    utcnow,
)
from marketplace.tenders.eligibility import requirements_for

from .market import Market, current_market

# Beneficiaries a year implied by a lot's quantity, by pricing unit (person-days are spread over
# stays of about two weeks; posts serve about a hundred people a year).
VOLUME_PER_UNIT = {"person_day": 1 / 15, "person_month": 1 / 3, "post_year": 100, "session": 1 / 4}


# Who the matcher ranks: organisations, except those suspended or rejected by an administrator and groups
# still in incubation (they enter the market when they graduate; until then the forecast lists those close
# to readiness as emerging candidates).
IN_MARKET = (Party.kind == PartyKind.ORGANISATION) \
    & Party.status.notin_([PartyStatus.SUSPENDED, PartyStatus.REJECTED]) \
    & Party.id.notin_(select(Enrolment.party_id).where(Enrolment.stage.in_(ACTIVE_STAGES)))


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
        .where(IN_MARKET), OrganisationProfile.party_id)).all()
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


def _result_row(tender_id: int, lot_id: int, match: scoring.Match, now) -> dict:
    return {
        "tender_id": tender_id, "lot_id": lot_id, "party_id": match.provider_id, "rank": match.rank,
        "score": round(match.score, 4), "eligible": match.eligible, "unmet": len(match.assessment.unmet),
        "components": {k: round(v, 4) for k, v in match.components.items()}, "reasons": match.reasons,
        "findings": [{"rule": f.rule, "met": f.met, "code": f.code, "params": f.params}
                     for f in match.assessment.findings],
        "matcher_version": scoring.MATCHER_VERSION, "computed_at": now}


def rank_tender(tender: Tender, *, on: date | None = None, market: Market | None = None) -> dict:
    """Rank the market for each lot of the tender and replace its stored shortlists.

    Stored per lot: every eligible organisation and the best ``MATCHER_NEAR_ELIGIBLE_KEPT`` near-eligible ones
    (one rule unmet), with their ranks in the full ranking; the rest are counted, not stored.
    """
    from marketplace.organisations.jobs import local_today

    on = on or local_today()
    market = market or current_market()
    providers = market.profiles
    near_limit = current_app.config["MATCHER_NEAR_ELIGIBLE_KEPT"]
    summary = {}
    now = utcnow()
    for lot in tender.lots:
        matches = scoring.rank(lot_query(lot), providers, on=on, weights=weights(), index=market.index,
                               limit=len(providers), near_limit=near_limit)
        db.session.execute(delete(MatchResult).where(MatchResult.lot_id == lot.id))
        if matches:
            db.session.execute(insert(MatchResult), [_result_row(tender.id, lot.id, m, now) for m in matches])
        eligible = sum(m.eligible for m in matches)
        summary[lot.number] = {"ranked": len(providers), "eligible": eligible, "near_eligible": len(matches) - eligible}
    return summary


def rerank_organisation(party_id: int, *, on: date | None = None, market: Market | None = None) -> dict:
    """Update one organisation's place on every open lot's shortlist, without re-ranking anyone else.

    Its match is computed against each open lot with the market's index, so its score is the one a full
    ranking would give; lots where it is (or was) eligible or near-eligible get its row replaced and their
    ranks renumbered.
    """
    from marketplace.organisations.jobs import local_today

    on = on or local_today()
    market = market or current_market(changed={party_id})
    provider = market.providers.get(party_id)
    lots = db.session.scalars(select(Lot).join(Tender, Tender.id == Lot.tender_id)
                              .where(Tender.status == TenderStatus.PUBLISHED)
                              .options(selectinload(Lot.tender))).all()
    lot_ids = [lot.id for lot in lots]
    stored = set(db.session.scalars(select(MatchResult.lot_id).where(
        MatchResult.party_id == party_id, MatchResult.lot_id.in_(lot_ids))))
    kept = current_app.config["MATCHER_NEAR_ELIGIBLE_KEPT"]
    # Per lot, the near-eligible rows stored and the lowest of their scores: a near-eligible match below a
    # full list's lowest would be dropped at once, so the lot is left alone (most of a national market is
    # one rule, the region, away from most lots).
    near_floor = {lot_id: (count, lowest) for lot_id, count, lowest in db.session.execute(
        select(MatchResult.lot_id, func.count(), func.min(MatchResult.score))
        .where(MatchResult.lot_id.in_(lot_ids), MatchResult.unmet == 1).group_by(MatchResult.lot_id))}
    matches: dict[int, scoring.Match] = {}
    if provider is not None:  # scored only where it is eligible or one rule short
        candidates = [(lot, query) for lot, query in ((lot, lot_query(lot)) for lot in lots)
                      if len(assess(query.requirements, provider.facts, on).unmet) <= 1]
        found = scoring.score_provider([query for _lot, query in candidates], provider, on=on, weights=weights(),
                                       index=market.index)
        matches = {lot.id: match for (lot, _query), match in zip(candidates, found, strict=True)}
    now, touched = utcnow(), []
    for lot in lots:
        match = matches.get(lot.id)
        if match is not None and not match.eligible:
            count, lowest = near_floor.get(lot.id, (0, None))
            if count >= kept and round(match.score, 4) < lowest:
                match = None
        if match is None and lot.id not in stored:
            continue
        db.session.execute(delete(MatchResult).where(MatchResult.lot_id == lot.id, MatchResult.party_id == party_id))
        if match is not None:
            db.session.execute(insert(MatchResult), [_result_row(lot.tender_id, lot.id, match, now)])
        touched.append(lot.id)
    for lot_id in touched:
        _renumber(lot_id, near_kept=kept)
    return {"lots": touched}


def _renumber(lot_id: int, *, near_kept: int) -> None:
    """Ranks 1..n in the matcher's order (fewest unmet rules, then score, then id) after one row changed.

    Near-eligible rows beyond the kept number are dropped. One that leaves the kept ones is not replaced
    by the next best until the lot is ranked again in full.
    """
    rows = db.session.execute(select(MatchResult.id, MatchResult.rank, MatchResult.unmet, MatchResult.score,
                                     MatchResult.party_id).where(MatchResult.lot_id == lot_id)).all()
    ordered = sorted(rows, key=lambda row: (row.unmet, -row.score, row.party_id))
    eligible = sum(row.unmet == 0 for row in ordered)
    surplus = [row.id for row in ordered[eligible + near_kept:]]
    if surplus:
        db.session.execute(delete(MatchResult).where(MatchResult.id.in_(surplus)))
    changes = [{"id": row.id, "rank": position}
               for position, row in enumerate(ordered[:eligible + near_kept], start=1) if row.rank != position]
    if changes:
        db.session.execute(update(MatchResult), changes)


def shortlist(lot: Lot, *, limit: int = 50) -> tuple[list[MatchResult], list[MatchResult]]:
    """Eligible candidates and near-eligible ones (one unmet rule), best first."""
    eligible = db.session.scalars(select(MatchResult).where(MatchResult.lot_id == lot.id, MatchResult.eligible)
                                  .order_by(MatchResult.rank).limit(limit)).all()
    near = db.session.scalars(select(MatchResult).where(MatchResult.lot_id == lot.id, MatchResult.unmet == 1)
                              .order_by(MatchResult.rank).limit(limit)).all()
    return eligible, near


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
