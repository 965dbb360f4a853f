"""The matcher's ranking of providers for one tender lot: eligible or not, then a 0..1 score with its parts.

Eligibility is decided by the hard rules (``eligibility.assess``) and always comes first: an ineligible
provider is never ranked above an eligible one, however good its text. Among eligible providers the
order is the score (highest first), then the provider id; ineligible providers follow, fewest unmet
rules first, then score, then id. Ranks run 1..n over everyone.

The score is a weighted mean of eight components, each in [0, 1] and each with a reason dict so the
buyer can see why a provider is where it is:

=================  ================================================================================
relevance          cosine of the lot's text and the provider's capability statements (``relevance``)
category           1.0 the lot's service is one of the provider's, 0.5 a service of the same group
proximity          1.0 based inside a lot region, 0.75 same city, 0.5 same province, 0.25 serves the
                   region through a service area only, else 0 (best over the lot's regions)
experience         years and projects in the lot's service, each saturating (1 - exp(-x / scale))
past_performance   mean rating of delivered contracts; 0.5 (neutral) with none, so newcomers are not
                   pushed down for having no history
capacity           headroom (capacity minus commitments) against the lot's yearly volume; 0.5 unknown
price              median past unit price in this service and unit against the lot's ceiling
responsiveness     bids when invited, Laplace-smoothed: (bids + 1) / (invitations + 2)
=================  ================================================================================

``rank`` is the production path and ``rank_naive`` the benchmark baseline; both share the component
functions below, so they agree on every component but relevance (see ``rank_naive``).

How ``rank`` stays fast (index build excluded; figures for a synthetic 100,000-provider market):

- Relevance: one sparse product against a prebuilt ``RelevanceIndex`` (about 10 ms).
- Components: each is a function of a few plain facts (years and projects, headroom, prices...),
  memoised on them, so a market costs about one dictionary look-up per provider and component.
- The weighted sum is one matrix product and the ordering one ``numpy.lexsort``.
- Eligibility is the expensive part: ``eligibility.assess`` takes a few microseconds a provider. Without
  ``limit`` every provider is assessed, and the whole list of Matches costs a few seconds at 100,000.
- ``limit=N`` returns the top N eligible and the top N (or ``near_limit``) near-eligible (exactly one rule
  unmet): the shortlist and the "nearly there" list a buyer looks at. A cheap screen, ``unmet_lower_bound``, first
  counts rules each provider certainly fails; those at two or more can be neither, and are dropped
  before ``assess`` and scoring. Everyone else is assessed with ``assess`` itself, so every returned
  Match carries ``assess``'s own Assessment, and ranks are positions in the full ranking (a
  near-eligible provider's rank counts every eligible one). This is the path for large markets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any

import numpy as np

from marketplace import catalogue, regions
from marketplace.matching import eligibility
from marketplace.matching.eligibility import Assessment, ProviderFacts, Requirements
from marketplace.matching.relevance import RelevanceIndex, normalise

__all__ = [
    "COMPONENTS",
    "MATCHER_VERSION",
    "LotQuery",
    "Match",
    "ProviderProfile",
    "Weights",
    "in_field",
    "rank",
    "rank_naive",
    "score_provider",
    "unmet_lower_bound",
]

MATCHER_VERSION = "1.0.0"  # stored with each set of results; bump when scores or ordering change

COMPONENTS = ("relevance", "category", "proximity", "experience", "past_performance", "capacity", "price",
              "responsiveness")

EXPERIENCE_YEARS_SCALE = 5.0  # 5 years in the service give 0.63 of the years half, 10 years 0.86
EXPERIENCE_PROJECTS_SCALE = 3.0  # 3 projects give 0.63 of the projects half, 6 projects 0.86
NEUTRAL = 0.5  # a component whose facts are unknown neither helps nor hurts


# -- inputs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """How much each component counts. ``rank`` divides by the sum, so any non-negative mix works."""

    relevance: float = 0.30  # what the provider says it does, read against what the lot asks: the richest signal
    category: float = 0.15  # the services it registered for: coarse, but declared and hard to get wrong
    proximity: float = 0.15  # local providers know the place and the people; buyers favour them in practice
    experience: float = 0.10  # years and projects in this service; saturates, so incumbents do not lock it up
    past_performance: float = 0.10  # delivered-contract ratings; neutral without any, not a penalty for newcomers
    capacity: float = 0.08  # room beyond the hard minimum for the lot's volume
    price: float = 0.07  # past prices within the ceiling; small, as the bid's own price is judged in evaluation
    responsiveness: float = 0.05  # whether invitations get bids: a silent invitee costs one of three needed bids

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"weight {name} must be a finite number, not {value!r}")
            if value < 0:
                raise ValueError(f"weight {name} must not be negative")
        if self.total <= 0:
            raise ValueError("weights must not all be zero")

    @property
    def total(self) -> float:
        return math.fsum(getattr(self, name) for name in COMPONENTS)

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> Weights:
        """Weights from e.g. stored settings, normalised to sum to 1. A component left out weighs 0.

        Raises ValueError for an unknown name, a negative or non-finite weight, or weights summing to 0.
        """
        unknown = set(values) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown weights: {sorted(unknown)}")
        return cls(**{name: values.get(name, 0.0) for name in COMPONENTS}).normalised()

    def normalised(self) -> Weights:
        total = self.total
        return Weights(**{name: getattr(self, name) / total for name in COMPONENTS})

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


@dataclass(frozen=True)
class LotQuery:
    """One lot of a tender as the matcher sees it."""

    lot_id: int
    category_code: str  # catalogue service code (a group code matches every service of the group)
    text: str  # title, description and deliverables, any language
    regions: tuple[str, ...]  # division codes the lot is delivered in
    quantity: float
    pricing_unit: str  # one of catalogue.UNITS
    ceiling_unit_price: float  # CNY per unit; 0 or less: no ceiling known
    requirements: Requirements = field(default_factory=Requirements)
    annual_volume: float | None = None  # beneficiaries a year the lot implies; None: unknown

    def __post_init__(self) -> None:
        object.__setattr__(self, "regions", tuple(dict.fromkeys(self.regions)))


@dataclass(frozen=True)
class ProviderProfile:
    """What the matcher knows about one organisation, built by the caller from the registry and history."""

    provider_id: int
    name: str
    facts: ProviderFacts
    categories: tuple[str, ...] = ()  # service codes it has capability statements for
    statements: str = ""  # all its capability statements, Chinese and English, joined
    experience_years: dict[str, int] = field(default_factory=dict)  # per service code
    projects: dict[str, int] = field(default_factory=dict)  # projects delivered, per service code
    past_ratings: tuple[float, ...] = ()  # 0..1, one per delivered and rated contract
    past_unit_prices: dict[str, tuple[float, ...]] = field(default_factory=dict)  # "service:unit" -> prices
    invitations: int = 0
    bids_when_invited: int = 0
    incubating: bool = False  # in a cultivation programme; shown with the experience reason

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "past_ratings", tuple(self.past_ratings))
        object.__setattr__(self, "past_unit_prices",
                           {key: tuple(prices) for key, prices in self.past_unit_prices.items()})


@dataclass(frozen=True)
class Match:
    provider_id: int
    eligible: bool
    assessment: Assessment
    score: float  # weighted mean of the components, 0..1
    components: dict[str, float]
    reasons: dict[str, dict]
    rank: int  # 1 is best; positions in the full ranking, also when ``limit`` left some out

    @property
    def unmet(self) -> int:
        return len(self.assessment.unmet)

    @property
    def near_eligible(self) -> bool:
        return self.assessment.near_eligible


# -- the lot, prepared once ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lot:
    category: str
    is_group: bool  # the lot names a whole group
    group_services: frozenset[str]  # services (and the group code) of the lot's group; empty if unknown
    regions: tuple[tuple[str, str | None, str | None], ...]  # (code, its city, its province)
    price_key: str
    ceiling: float
    volume: float | None

    @classmethod
    def of(cls, query: LotQuery) -> _Lot:
        group = catalogue.group_of(query.category_code)
        services = frozenset() if group is None else frozenset({group.code, *(s.code for s in group.services)})
        places = []
        for code in query.regions:
            chain_ = regions.path(code)
            places.append((code, _level(chain_, "city"), _level(chain_, "province")))
        return cls(
            category=query.category_code,
            is_group=group is not None and group.code == query.category_code,
            group_services=services,
            regions=tuple(places),
            price_key=f"{query.category_code}:{query.pricing_unit}",
            ceiling=float(query.ceiling_unit_price or 0.0),
            volume=None if query.annual_volume is None else float(query.annual_volume),
        )


def _level(chain_: Sequence[regions.Region], level: str) -> str | None:
    return next((region.code for region in chain_ if region.level == level), None)


# -- components: plain facts in, (value in [0, 1], reason) out -------------------------------------------

Component = tuple[float, dict[str, Any]]


def _category(lot: _Lot, categories: tuple[str, ...]) -> Component:
    if lot.category in categories:
        return 1.0, {"match": "exact", "service": lot.category}
    same_group = next((code for code in categories if code in lot.group_services), None)
    if same_group is None:
        return 0.0, {"match": "none", "service": lot.category}
    if lot.is_group:  # the lot asks for any service of the group
        return 1.0, {"match": "in_group", "service": lot.category, "provider_service": same_group}
    return 0.5, {"match": "group", "service": lot.category, "provider_service": same_group}


def in_field(query: LotQuery, providers: Iterable[ProviderProfile]) -> list[ProviderProfile]:
    """The providers working in the lot's field: its service, or another service of the same group.

    Eligibility does not look at declared services (an agency may not exclude on them), but a provider
    outside the field will not bid; the competition forecast counts only providers in the field.
    """
    lot = _Lot.of(query)
    return [provider for provider in providers if _category(lot, provider.categories)[0] > 0]


_PROXIMITY_LEVELS = (("inside", 1.0), ("same_city", 0.75), ("same_province", 0.5), ("service_area", 0.25))


def _proximity(lot: _Lot, home: str | None, areas: tuple[str, ...]) -> Component:
    """Best over the lot's regions: home inside one (1.0), in its city (0.75), its province (0.5); else a
    service area covering one (0.25); else 0. No lot region: neutral."""
    if not lot.regions:
        return NEUTRAL, {"level": "no_lot_region"}
    home_chain = regions.chain(home) if home else ()
    home_codes = {region.code for region in home_chain}
    home_city, home_province = _level(home_chain, "city"), _level(home_chain, "province")
    best: Component = (0.0, {"level": "none", "home": home})
    for code, city, province in lot.regions:
        if code in home_codes:
            return 1.0, {"level": "inside", "region": code, "home": home}
        if city is not None and city == home_city:
            found: Component = (0.75, {"level": "same_city", "region": code, "home": home})
        elif province is not None and province == home_province:
            found = (0.5, {"level": "same_province", "region": code, "home": home})
        else:
            continue
        if found[0] > best[0]:
            best = found
    if best[0] >= 0.25:
        return best
    for code, _city, _province in lot.regions:
        area = next((area for area in areas if regions.covers(area, code)), None)
        if area is not None:
            return 0.25, {"level": "service_area", "region": code, "area": area, "home": home}
    return best


def _experience(years: float, projects: float, incubating: bool) -> Component:
    years, projects = max(years, 0), max(projects, 0)
    value = 0.5 * (1.0 - math.exp(-years / EXPERIENCE_YEARS_SCALE)) \
        + 0.5 * (1.0 - math.exp(-projects / EXPERIENCE_PROJECTS_SCALE))
    return value, {"years": years, "projects": projects, "incubating": incubating}


def _past_performance(ratings: tuple[float, ...]) -> Component:
    if not ratings:
        return NEUTRAL, {"ratings": 0, "mean": None}
    mean = math.fsum(ratings) / len(ratings)
    return min(max(mean, 0.0), 1.0), {"ratings": len(ratings), "mean": mean}


def _capacity(annual_capacity: int | None, commitments: int | None, volume: float | None) -> Component:
    if annual_capacity is None or volume is None:
        return NEUTRAL, {"headroom": None, "annual_volume": volume}
    headroom = annual_capacity - (commitments or 0)
    value = 1.0 if volume <= 0 else min(max(headroom / volume, 0.0), 1.0)
    return value, {"headroom": headroom, "annual_volume": volume}


def _median(values: tuple[float, ...]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _price(prices: tuple[float, ...] | None, ceiling: float, key: str) -> Component:
    """1.0 when the median past price is within the ceiling, falling linearly to 0 at twice the ceiling."""
    if not prices:
        return NEUTRAL, {"key": key, "prices": 0, "median": None, "ceiling": ceiling}
    median = _median(prices)
    reason = {"key": key, "prices": len(prices), "median": median, "ceiling": ceiling}
    if ceiling <= 0:
        return NEUTRAL, reason
    return (1.0 if median <= ceiling else max(0.0, 2.0 - median / ceiling)), reason


def _responsiveness(bids: int, invitations: int) -> Component:
    invitations = max(invitations, 0)
    bids = min(max(bids, 0), invitations)
    return (bids + 1) / (invitations + 2), {"invitations": invitations, "bids": bids}


def _years_in(lot: _Lot, counts: dict[str, int]) -> int:
    """Years or projects in the lot's service; for a group lot, the most in any service of the group."""
    if not lot.is_group:
        return counts.get(lot.category, 0)
    return max((n for code, n in counts.items() if code in lot.group_services), default=0)


def _components(lot: _Lot, provider: ProviderProfile) -> dict[str, Component]:
    """Every component but relevance, for one provider (the baseline's path, and the reference)."""
    facts = provider.facts
    return {
        "category": _category(lot, provider.categories),
        "proximity": _proximity(lot, facts.home_region, facts.service_areas),
        "experience": _experience(_years_in(lot, provider.experience_years), _years_in(lot, provider.projects),
                                  provider.incubating),
        "past_performance": _past_performance(provider.past_ratings),
        "capacity": _capacity(facts.annual_capacity, facts.current_commitments, lot.volume),
        "price": _price(provider.past_unit_prices.get(lot.price_key), lot.ceiling, lot.price_key),
        "responsiveness": _responsiveness(provider.bids_when_invited, provider.invitations),
    }


# -- memoised columns ------------------------------------------------------------------------------------


class _Memo(dict):
    """A dict that computes a missing key's value as ``function(key)``: one C-level look-up on a hit."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.function(key)
        return value


def _column(function: Callable[[Any], Any], keys: Iterable[Any]) -> list:
    """`function` of each key, computed once per distinct key (markets repeat grades, regions, headcounts...)."""
    memo = _Memo(function)
    return [memo[key] for key in keys]


def _component_columns(lot: _Lot, providers: list[ProviderProfile]) -> dict[str, list[Component]]:
    """Every component but relevance for each provider, as ``_components`` gives them, memoised on their inputs."""
    facts = [provider.facts for provider in providers]
    if lot.is_group:
        years = [_years_in(lot, p.experience_years) for p in providers]
        projects = [_years_in(lot, p.projects) for p in providers]
    else:
        years = [p.experience_years.get(lot.category, 0) for p in providers]
        projects = [p.projects.get(lot.category, 0) for p in providers]
    key = lot.price_key
    return {
        "category": _column(partial(_category, lot), map(attrgetter("categories"), providers)),
        "proximity": _column(lambda place: _proximity(lot, *place),
                             map(attrgetter("home_region", "service_areas"), facts)),
        "experience": _column(lambda k: _experience(*k),
                              zip(years, projects, map(attrgetter("incubating"), providers), strict=True)),
        "past_performance": _column(_past_performance, map(attrgetter("past_ratings"), providers)),
        "capacity": _column(lambda k: _capacity(k[0], k[1], lot.volume),
                            map(attrgetter("annual_capacity", "current_commitments"), facts)),
        "price": _column(lambda prices: _price(prices, lot.ceiling, key),
                         (p.past_unit_prices.get(key) for p in providers)),
        "responsiveness": _column(lambda k: _responsiveness(*k),
                                  map(attrgetter("bids_when_invited", "invitations"), providers)),
    }


# -- eligibility screen ----------------------------------------------------------------------------------------


def unmet_lower_bound(requirements: Requirements, facts: Sequence[ProviderFacts], on: date) -> np.ndarray:
    """For each provider, how many rules it certainly fails: exact when 0 or 1; 2 means two or more.

    A cheap screen for ``rank(..., limit=N)``: whoever it puts at two or more unmet rules can be neither
    eligible nor near-eligible, so is neither assessed nor scored. It mirrors each rule of ``eligibility``
    (the tests check it against ``assess``); a rule it did not know would simply not be counted, which
    keeps it a lower bound. Rules are checked most selective first, and a provider already at two unmet
    rules is not checked further, so most of a large market is looked at for one or two rules only.
    """
    req = requirements
    unmet = np.zeros(len(facts), dtype=np.int64)
    alive = np.arange(len(facts))  # providers still at 0 or 1 unmet

    def check(unmet_of: Callable[[list[ProviderFacts]], Iterable[int]]) -> None:
        nonlocal alive
        if not len(alive):
            return
        subset = facts if len(alive) == len(facts) else [facts[i] for i in alive.tolist()]
        unmet[alive] += np.fromiter(unmet_of(subset), dtype=np.int64, count=len(subset))
        alive = alive[unmet[alive] <= 1]

    def memoised(function: Callable[[Any], int], key: Callable[[ProviderFacts], Any]):
        return lambda subset: _column(function, map(key, subset))

    if req.serves_regions:  # regions first: a lot's regions rule out most of a national market
        covering = [frozenset(regions.covering_codes(t)) for t in req.serves_regions]  # what covers each target
        check(memoised(lambda areas: sum(covers.isdisjoint(areas) for covers in covering),
                       attrgetter("service_areas")))
    if req.based_in is not None:
        area = req.based_in
        check(memoised(lambda home: int(home is None or not regions.covers(area, home)), attrgetter("home_region")))
    if req.min_grade is not None:
        lowest = eligibility.GRADES.index(req.min_grade)

        def grade_unmet(key: tuple[str | None, date | None]) -> int:
            grade, awarded_on = key
            if grade not in eligibility.GRADES:
                return 1
            expires = eligibility.grade_expires_on(awarded_on)
            return int((expires is not None and expires < on) or eligibility.GRADES.index(grade) < lowest)

        check(memoised(grade_unmet, attrgetter("grade", "grade_awarded_on")))
    if req.required_credentials:  # each type verified, and in force from `on` to the end of the service
        until = req.credentials_needed_until
        need = on if until is None else max(on, until)

        def missing(subset: list[ProviderFacts]) -> Iterable[int]:
            for f in subset:
                held = {c.type for c in f.credentials
                        if c.verified and (c.expires_on is None or c.expires_on >= need)}
                yield sum(kind not in held for kind in req.required_credentials)

        check(missing)
    if req.min_years_registered is not None:
        years = req.min_years_registered
        check(memoised(lambda since: int(since is None or eligibility.full_years(since, on) < years),
                       attrgetter("registered_on")))
    if req.min_social_workers is not None:
        workers = req.min_social_workers
        check(lambda subset: (f.certified_social_workers < workers for f in subset))
    if req.min_annual_capacity is not None:
        volume = req.min_annual_capacity
        check(lambda subset: (f.annual_capacity is None or f.annual_capacity - (f.current_commitments or 0) < volume
                              for f in subset))
    if req.no_bad_standing:
        check(lambda subset: (bool(f.active_flags) for f in subset))
    return unmet


# -- ranking ------------------------------------------------------------------------------------------------


def _weight_vector(weights: Weights) -> np.ndarray:
    vector = np.array([getattr(weights, name) for name in COMPONENTS], dtype=np.float64)
    return vector / vector.sum()


def rank(query: LotQuery, providers: Sequence[ProviderProfile], *, on: date, weights: Weights,
         index: RelevanceIndex | None = None, limit: int | None = None, near_limit: int | None = None
         ) -> list[Match]:
    """Every provider for the lot, best first, as Matches ranked 1..n (see the module docstring for the order).

    `on` is the day eligibility is checked. `index` should be built once over the market's statements
    (``RelevanceIndex.build``); without one, an index is built here from the providers' statements and the
    lot's text. A provider missing from a given index has relevance 0.

    `limit=N` returns only the first N eligible and the first `near_limit` (default N) near-eligible providers
    (one rule unmet), each with the rank it has in the full ranking. Providers that ``unmet_lower_bound`` shows
    to fail two or more rules are then not assessed; the rest are scored in bulk, every possibly eligible one
    is assessed (a lot's regions keep them few), and possibly near-eligible ones only in score order until
    `near_limit` are found: in a national market nearly everyone outside the lot's regions is one rule short.
    Without a limit every provider is assessed with ``eligibility.assess`` (a few microseconds each) and returned.
    """
    if (limit is not None and limit < 0) or (near_limit is not None and near_limit < 0):
        raise ValueError("limit must not be negative")
    if near_limit is not None and limit is None:
        raise ValueError("near_limit goes with limit")
    near_limit = limit if near_limit is None else near_limit
    providers = list(providers)
    lot = _Lot.of(query)
    requirements = query.requirements
    ids = np.fromiter(map(attrgetter("provider_id"), providers), dtype=np.int64, count=len(providers))

    if limit is None:
        candidates = np.arange(len(providers))
    else:  # only who can be eligible or near-eligible
        bound = unmet_lower_bound(requirements, list(map(attrgetter("facts"), providers)), on)
        candidates = np.flatnonzero(bound <= 1)
    chosen = [providers[i] for i in candidates.tolist()]
    if index is None:
        index = RelevanceIndex.build({p.provider_id: p.statements for p in providers}, extra_texts=(query.text,))
    columns = _component_columns(lot, chosen)
    values = np.empty((len(chosen), len(COMPONENTS)), dtype=np.float64)
    values[:, 0] = index.score_array(query.text, ids[candidates])
    for j, name in enumerate(COMPONENTS[1:], start=1):
        values[:, j] = np.fromiter((entry[0] for entry in columns[name]), dtype=np.float64, count=len(chosen))
    scores = np.clip(values @ _weight_vector(weights), 0.0, 1.0)

    assessed: dict[int, Assessment] = {}

    def assessment(k: int) -> Assessment:
        if k not in assessed:
            assessed[k] = eligibility.assess(requirements, chosen[k].facts, on)
        return assessed[k]

    if limit is None:
        unmet = np.fromiter((len(assessment(k).unmet) for k in range(len(chosen))), dtype=np.int64,
                            count=len(chosen))
        # Fewest unmet rules first (so every eligible provider before any ineligible one), then score, then id.
        selected = list(enumerate(np.lexsort((ids[candidates], -scores, unmet)).tolist()))
    else:
        screened = bound[candidates].tolist()
        by_score = np.lexsort((ids[candidates], -scores)).tolist()
        eligible = [k for k in by_score if screened[k] == 0 and not assessment(k).unmet]
        near: list[int] = []
        for k in by_score if near_limit else ():
            if len(assessment(k).unmet) == 1:
                near.append(k)
                if len(near) == near_limit:
                    break
        # Eligible providers come first in the full ranking, so a near-eligible one's rank counts them all.
        selected = list(enumerate(eligible[:limit])) + [(len(eligible) + n, k) for n, k in enumerate(near)]

    named = list(columns.items())
    matches = []
    for position, k in selected:
        row = values[k].tolist()
        reasons = {"relevance": {"cosine": row[0], "method": "tfidf_char_wb_2_3"}}
        for name, column in named:
            reasons[name] = dict(column[k][1])  # a copy: memoised reasons are shared between providers
        found = assessment(k)
        matches.append(Match(chosen[k].provider_id, found.eligible, found, float(scores[k]),
                             dict(zip(COMPONENTS, row, strict=True)), reasons, position + 1))
    return matches


def score_provider(queries: Sequence[LotQuery], provider: ProviderProfile, *, on: date, weights: Weights,
                   index: RelevanceIndex) -> list[Match]:
    """One provider against many lots (an organisation changed): in each, the Match ``rank`` gives it, but with
    rank 0, as its place among the others is for the caller to set. The lots' texts are vectorised in one go."""
    provider_id = provider.provider_id
    relevance = index.score_many([query.text for query in queries], candidates=[provider_id])
    vector = _weight_vector(weights)
    matches = []
    for query, cosines in zip(queries, relevance, strict=True):
        parts = {"relevance": (cosines[provider_id], {"cosine": cosines[provider_id], "method": "tfidf_char_wb_2_3"})}
        parts.update(_components(_Lot.of(query), provider))
        values = np.array([parts[name][0] for name in COMPONENTS], dtype=np.float64)
        assessment = eligibility.assess(query.requirements, provider.facts, on)
        matches.append(Match(provider_id, assessment.eligible, assessment, float(np.clip(values @ vector, 0.0, 1.0)),
                             dict(zip(COMPONENTS, values.tolist(), strict=True)),
                             {name: dict(parts[name][1]) for name in COMPONENTS}, 0))
    return matches


# -- the benchmark baseline ----------------------------------------------------------------------------------


def _bigrams(text: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in normalise(text).split():
        grams.update(word[i:i + 2] for i in range(max(len(word) - 1, 1)))
    return frozenset(grams)


def _bigram_overlap(query: frozenset[str], text: str) -> float:
    """Shared character bigrams over the geometric mean of both sets' sizes (Ochiai), 0..1."""
    grams = _bigrams(text)
    if not query or not grams:
        return 0.0
    return len(query & grams) / math.sqrt(len(query) * len(grams))


def rank_naive(query: LotQuery, providers: Sequence[ProviderProfile], *, on: date, weights: Weights) -> list[Match]:
    """The benchmark baseline: one provider at a time in plain Python, no index, no memo, no numpy.

    ``eligibility.assess`` per provider, the same component functions as ``rank``, and for relevance a
    simple character-bigram overlap instead of TF-IDF (so relevance, hence scores, differ from ``rank``'s;
    eligibility, the other components and the ordering rules are the same). Not for production use.
    """
    lot = _Lot.of(query)
    query_grams = _bigrams(query.text)
    total = weights.total
    scored = []
    for provider in providers:
        assessment = eligibility.assess(query.requirements, provider.facts, on)
        parts = {"relevance": (_bigram_overlap(query_grams, provider.statements), {"method": "bigram_overlap"})}
        parts.update(_components(lot, provider))
        components = {name: parts[name][0] for name in COMPONENTS}
        score = min(max(sum(getattr(weights, name) * components[name] for name in COMPONENTS) / total, 0.0), 1.0)
        scored.append((provider, assessment, score, components, {name: parts[name][1] for name in COMPONENTS}))
    scored.sort(key=lambda item: (len(item[1].unmet), -item[2], item[0].provider_id))
    return [
        Match(provider.provider_id, assessment.eligible, assessment, score, components, reasons, position)
        for position, (provider, assessment, score, components, reasons) in enumerate(scored, start=1)
    ]
