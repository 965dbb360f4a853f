"""Competition forecast: before publishing, and on every open tender.

How many organisations working in the lot's field (its service or another of the same group) are
eligible per lot, how many bids to expect, the risk of too little competition, and remedies computed
from the data, each with its effect ("accept grade 2A: +4"). Uses the pure eligibility rules only, so it is
fast enough to run on every page view of a draft.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select

from marketplace import regions
from marketplace.extensions import db
from marketplace.incubation.queries import emerging_candidates
from marketplace.matching.eligibility import GRADES, assess
from marketplace.matching.scoring import ProviderProfile, in_field
from marketplace.models import Bid, Lot, Tender, TenderStatus, utcnow

from .market import current_market
from .services import lot_query


@dataclass(frozen=True)
class Remedy:
    key: str  # what to change, e.g. "min_grade=2A"
    rule: str  # the lot field it relaxes
    value: object  # the new value (None removes the rule)
    gain: int  # how many more organisations become eligible
    label_params: dict = field(default_factory=dict)
    applicable: bool = True  # can be applied to the draft in one step


@dataclass
class LotForecast:
    lot: Lot
    eligible: int
    expected_bids: float
    risk: str  # "high", "medium", "low"
    remedies: list[Remedy]
    near_eligible: list[tuple[str, str]]  # (name, the one unmet rule code)
    reference_range: tuple[float, float, int] | None  # p25, p75, number of awards
    ceiling_below_reference: bool
    emerging: list = field(default_factory=list)  # groups in incubation close to readiness (high risk only)


def _eligible_ids(requirements, providers: list[ProviderProfile], on: date) -> set[int]:
    return {p.provider_id for p in providers if assess(requirements, p.facts, on).eligible}


def reference_range(category: str, unit: str) -> tuple[float, float, int] | None:
    """The 25th-75th percentile of awarded unit prices in this category and unit, and how many awards."""
    prices = [float(price) for price in db.session.scalars(
        select(Bid.unit_price).join(Lot, Lot.id == Bid.lot_id).join(Tender, Tender.id == Bid.tender_id)
        .where(Bid.awarded.is_(True), Tender.category_code == category, Lot.pricing_unit == unit,
               Tender.status.in_([TenderStatus.AWARDED, TenderStatus.AWARD_NOTICE])))]
    if len(prices) < 2:
        return (prices[0], prices[0], 1) if prices else None
    quartiles = statistics.quantiles(prices, n=4, method="inclusive")
    return quartiles[0], quartiles[2], len(prices)


def forecast(tender: Tender, *, on: date | None = None, providers: list[ProviderProfile] | None = None
             ) -> list[LotForecast]:
    from marketplace.organisations.jobs import local_today

    on = on or local_today()
    market = providers if providers is not None else current_market().profiles
    result = []
    for lot in tender.lots:
        query = lot_query(lot)
        requirements = query.requirements
        providers = in_field(query, market)
        assessments = {p.provider_id: assess(requirements, p.facts, on) for p in providers}
        eligible = {pid for pid, a in assessments.items() if a.eligible}
        by_id = {p.provider_id: p for p in providers}
        expected = sum((by_id[pid].bids_when_invited + 1) / (by_id[pid].invitations + 2) for pid in eligible)
        minimum = tender.min_bids
        risk = "high" if len(eligible) < minimum else "medium" if len(eligible) < 2 * minimum else "low"
        remedies = _remedies(lot, requirements, providers, on, eligible)
        # Those one step from eligible, the ones missing only the lot's region last (they work elsewhere).
        near = sorted(((by_id[pid].name, a.unmet[0].code) for pid, a in assessments.items() if len(a.unmet) == 1),
                      key=lambda item: (item[1] == "does_not_serve_region", item[0]))[:20]
        prices = reference_range(tender.category_code, lot.pricing_unit.value)
        below = bool(prices) and float(lot.ceiling_unit_price) < prices[0]
        emerging = emerging_candidates(tender, lot, requirements, on) if risk == "high" else []
        result.append(LotForecast(lot, len(eligible), round(expected, 1), risk, remedies, near, prices, below,
                                  emerging))
    return result


def _remedies(lot: Lot, requirements, providers, on: date, eligible: set[int]) -> list[Remedy]:
    found: list[Remedy] = []

    def gain(**changes) -> int:
        return len(_eligible_ids(replace(requirements, **changes), providers, on) - eligible)

    if requirements.min_grade:
        position = GRADES.index(requirements.min_grade)
        if position > 0:
            lower = GRADES[position - 1]
            found.append(Remedy(f"min_grade={lower}", "min_grade", lower, gain(min_grade=lower), {"grade": lower}))
        found.append(Remedy("min_grade=", "min_grade", None, gain(min_grade=None)))
    for credential in requirements.required_credentials:
        remaining = [c for c in requirements.required_credentials if c != credential]
        found.append(Remedy(f"required_credentials-{credential}", "required_credentials", remaining,
                            gain(required_credentials=tuple(remaining)), {"credential": credential}))
    for rule in ("min_years_registered", "min_social_workers", "min_annual_capacity"):
        value = getattr(requirements, rule)
        if value:
            half = value // 2 or None
            found.append(Remedy(f"{rule}={half or ''}", rule, half, gain(**{rule: half}), {"value": half or 0}))
    if requirements.based_in:
        parent = regions.get(requirements.based_in)
        wider = parent.parent_code if parent else None
        if wider:
            found.append(Remedy(f"based_in={wider}", "based_in", wider, gain(based_in=wider), {"region": wider}))
        found.append(Remedy("based_in=", "based_in", None, gain(based_in=None)))
    wider_regions = []
    for code in requirements.serves_regions:
        region = regions.get(code)
        wider_regions.append(region.parent_code if region and region.level == "county" else code)
    if tuple(dict.fromkeys(wider_regions)) != requirements.serves_regions:
        found.append(Remedy("regions=" + ",".join(dict.fromkeys(wider_regions)), "regions",
                            list(dict.fromkeys(wider_regions)),
                            gain(serves_regions=tuple(dict.fromkeys(wider_regions))),
                            {"region": ",".join(dict.fromkeys(wider_regions))}))
    parts = split_regions(requirements.serves_regions)
    if len(parts) > 1:
        reachable = set().union(*(_eligible_ids(replace(requirements, serves_regions=(code,)), providers, on)
                                  for code in parts))
        found.append(Remedy("split=" + ",".join(parts), "split", parts, len(reachable - eligible),
                            {"lots": len(parts)}))
    deadline = lot.tender.deadline
    if deadline is not None and (deadline - utcnow()).days < 20:
        found.append(Remedy("longer_period", "deadline", None, 0, applicable=False))
    return sorted((r for r in found if r.gain > 0 or not r.applicable), key=lambda r: -r.gain)


MAX_SPLIT = 20  # lots one split may create


def split_regions(codes: tuple[str, ...]) -> list[str]:
    """The regions of the lots a split would create: each listed region, or the parts of a single city or province.

    A provider must serve every region of a lot, so a lot over a whole city shuts out the county-based
    providers; one lot per county lets each bid where it works.
    """
    if len(codes) > 1:
        return list(codes)
    if len(codes) == 1:
        parts = [region.code for region in regions.children(codes[0])]
        if 1 < len(parts) <= MAX_SPLIT:
            return parts
    return []


RELAXABLE = {"split", "min_grade", "required_credentials", "min_years_registered", "min_social_workers",
             "min_annual_capacity", "based_in", "regions"}


def apply_remedy(lot: Lot, rule: str, value) -> dict:
    """Apply one remedy to a draft's lot; returns the change for the audit trail."""
    from flask_babel import lazy_gettext as _l

    from marketplace.errors import DomainError

    if lot.tender.status != TenderStatus.DRAFT:
        raise DomainError(_l("Remedies are applied to drafts; a published tender changes by amendment."))
    if rule not in RELAXABLE:
        raise DomainError(_l("This remedy cannot be applied automatically."))
    if rule == "split":
        return _split(lot, list(value))
    old = getattr(lot, rule)
    setattr(lot, rule, value)
    db.session.flush()
    return {rule: [old, value]}


def _split(lot: Lot, parts: list[str]) -> dict:
    """One lot per region, the quantity shared out (the last lot takes the remainder); other fields copied."""
    tender, extra = lot.tender, len(parts) - 1
    for later in sorted((other for other in tender.lots if other.number > lot.number), key=lambda o: -o.number):
        later.number += extra
        db.session.flush()  # one at a time: (tender, number) is unique
    copied = {column.key: getattr(lot, column.key) for column in Lot.__table__.columns
              if column.key not in ("id", "tender_id", "number", "title", "regions", "quantity", "result")}
    share = (lot.quantity / len(parts)).quantize(Decimal("1") if lot.quantity == lot.quantity.to_integral()
                                                 else Decimal("0.01"), rounding=ROUND_DOWN)
    title, total = lot.title, lot.quantity
    for position, code in enumerate(parts):
        quantity = share if position < extra else total - share * extra
        region = regions.get(code)
        name = f"{title}（{region.name('zh_Hans') if region else code}）"[:200]
        if position == 0:
            lot.title, lot.regions, lot.quantity = name, [code], quantity
        else:
            tender.lots.append(Lot(number=lot.number + position, title=name, regions=[code], quantity=quantity,
                                   **copied))
    db.session.flush()
    return {"split": [lot.number, parts]}
