"""The supply-gap map: demand for each service (or service group) in each region against the supply of providers.

Regions are the divisions one level below the chosen one (the provinces for the whole country, a province's
cities, a city's counties). A lot or an organisation counts in every cell region it touches: a lot over a
city counts in each of its counties, a county lot in its city; an organisation serving a county counts in
that county and its city.

- demand: open tenders, tenders closed in the last ``INCUBATION_RECENT_DAYS`` and their budget (ceiling ×
  quantity of their lots), and how many of them failed;
- supply: organisations in the market (those the matcher ranks) offering the service and touching the
  region, and the mean number of bids on the tenders already opened there.

A cell is ``zero`` when there is demand and no provider at all, ``thin`` when providers are fewer than the
minimum number of bids or the opened tenders drew fewer, or a tender failed; ``watch`` below twice the
minimum; ``ok`` otherwise; ``idle`` without demand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from marketplace import catalogue, regions
from marketplace.extensions import db
from marketplace.models import (
    Bid,
    BidStatus,
    Capability,
    Lot,
    OrganisationProfile,
    Party,
    ServiceArea,
    Tender,
    TenderStatus,
    utcnow,
)

LEVELS = ("zero", "thin", "watch", "ok", "idle")


@dataclass
class Cell:
    category: str
    region: str
    open_tenders: int = 0
    recent_tenders: int = 0
    failed_tenders: int = 0
    budget: Decimal = Decimal(0)
    providers: int = 0
    bids: int = 0
    opened_tenders: int = 0

    @property
    def demand(self) -> int:
        return self.open_tenders + self.recent_tenders

    @property
    def bids_per_tender(self) -> float | None:
        return round(self.bids / self.opened_tenders, 1) if self.opened_tenders else None

    def level(self, min_bids: int) -> str:
        if not self.demand:
            return "idle"
        if not self.providers:
            return "zero"
        drew_few = self.bids_per_tender is not None and self.bids_per_tender < min_bids
        if self.providers < min_bids or drew_few or self.failed_tenders:
            return "thin"
        return "watch" if self.providers < 2 * min_bids else "ok"


@dataclass
class GapMap:
    parent: str | None  # the region whose parts are the rows (None: the whole country)
    by_group: bool  # columns are service groups (else services)
    regions: list[str]
    categories: list[str]
    cells: dict[tuple[str, str], Cell]  # (category, region)
    min_bids: int

    def cell(self, category: str, region: str) -> Cell:
        return self.cells.get((category, region)) or Cell(category, region)

    def rows(self, *, thin_only: bool = False) -> list[Cell]:
        """Every cell with demand or supply, thinnest first (then by demand)."""
        cells = [c for c in self.cells.values() if c.demand or c.providers]
        if thin_only:
            cells = [c for c in cells if c.level(self.min_bids) in ("zero", "thin")]
        return sorted(cells, key=lambda c: (LEVELS.index(c.level(self.min_bids)), -c.demand, c.region, c.category))


def _parts(parent: str | None) -> list[str]:
    if parent is None:
        return [region.code for region in regions.provinces()]
    return [region.code for region in regions.children(parent)]


def _cells_touched(code: str, parent: str | None, parts: set[str]) -> set[str]:
    """The rows a lot region or service area touches: the part it lies in, or every part when it covers them."""
    chain = [region.code for region in regions.chain(code)]  # province first, the code itself last
    if not chain:
        return set()
    if parent is None:
        return {chain[0]} & parts
    if parent in chain:
        below = chain.index(parent) + 1
        return set(parts) if below == len(chain) else {chain[below]} & parts
    above = code in [region.code for region in regions.chain(parent)]
    return set(parts) if above else set()


def _column(code: str, by_group: bool) -> str | None:
    if not by_group:
        return code
    group = catalogue.group_of(code)
    return group.code if group else None


def build(*, parent: str | None = None, by_group: bool = True, categories: list[str] | None = None) -> GapMap:
    from marketplace.shortlists.services import IN_MARKET

    parts = _parts(parent)
    part_set = set(parts)
    wanted = set(categories or ())
    cells: dict[tuple[str, str], Cell] = {}

    def cell(category: str, region: str) -> Cell:
        key = (category, region)
        if key not in cells:
            cells[key] = Cell(category, region)
        return cells[key]

    touched_cache: dict[str, set[str]] = {}

    def touched(code: str) -> set[str]:
        if code not in touched_cache:
            touched_cache[code] = _cells_touched(code, parent, part_set)
        return touched_cache[code]

    # Supply: organisations in the market, their services and the regions they touch.
    in_market = select(OrganisationProfile.party_id).join(Party, Party.id == OrganisationProfile.party_id) \
        .where(IN_MARKET)
    offered: dict[int, set[str]] = defaultdict(set)
    for party_id, code in db.session.execute(select(Capability.party_id, Capability.category_code)
                                             .where(Capability.party_id.in_(in_market))):
        column = _column(code, by_group)
        if column and (not wanted or column in wanted):
            offered[party_id].add(column)
    reach: dict[int, set[str]] = defaultdict(set)
    for party_id, code in db.session.execute(select(ServiceArea.party_id, ServiceArea.region_code)
                                             .where(ServiceArea.party_id.in_(in_market))):
        if party_id in offered:
            reach[party_id] |= touched(code)
    for party_id, columns in offered.items():
        for region in reach.get(party_id, ()):
            for column in columns:
                cell(column, region).providers += 1

    # Demand: open tenders and those closed recently, with their lots' budgets, failures and bids.
    since = utcnow() - timedelta(days=current_app.config["INCUBATION_RECENT_DAYS"])
    closed = [TenderStatus.QUALIFICATION, TenderStatus.SCORING, TenderStatus.AWARD_PROPOSED,
              TenderStatus.AWARD_NOTICE, TenderStatus.AWARDED, TenderStatus.FAILED]
    tenders = select(Tender.id).where((Tender.status == TenderStatus.PUBLISHED)
                                      | (Tender.status.in_(closed) & (Tender.deadline >= since)))
    bids = dict(db.session.execute(select(Bid.tender_id, func.count(Bid.id)).where(
        Bid.tender_id.in_(tenders), Bid.status == BidStatus.SUBMITTED).group_by(Bid.tender_id)).all())
    seen: set[tuple[str, str, int]] = set()
    for tender_id, category, status, opened_at, lot_regions, quantity, ceiling in db.session.execute(
            select(Tender.id, Tender.category_code, Tender.status, Tender.opened_at, Lot.regions, Lot.quantity,
                   Lot.ceiling_unit_price).join(Lot, Lot.tender_id == Tender.id).where(Tender.id.in_(tenders))):
        column = _column(category, by_group)
        if not column or (wanted and column not in wanted):
            continue
        regions_of_lot = set().union(*(touched(code) for code in lot_regions or ())) if lot_regions else set()
        for region in regions_of_lot:
            target = cell(column, region)
            target.budget += quantity * ceiling
            if (column, region, tender_id) in seen:
                continue
            seen.add((column, region, tender_id))
            if status == TenderStatus.PUBLISHED:
                target.open_tenders += 1
            else:
                target.recent_tenders += 1
                target.failed_tenders += status == TenderStatus.FAILED
            if opened_at is not None:
                target.opened_tenders += 1
                target.bids += bids.get(tender_id, 0)
    columns = sorted({c.category for c in cells.values()} | wanted)
    return GapMap(parent, by_group, parts, columns, cells, current_app.config["MIN_BIDS"])
