"""The market the matcher ranks against: every organisation's profile and the relevance index of their statements.

Loading 100,000 profiles and fitting the index takes tens of seconds, so a process keeps one Market per
database in memory (``current_market``) and refreshes it rather than reloading it:

- organisations changed since it was loaded are reloaded, and their index columns replaced using the fitted
  vocabulary (``RelevanceIndex.with_documents``). Every change to an organisation queues the re-rank job,
  which records a ``RerankRequest`` before it ranks, so any process sees the change on its next use;
- it is loaded afresh when older than ``MATCHER_MARKET_MAX_AGE`` seconds (awards, bids and invitations move
  prices and response rates slowly; a fresh load also refits the vocabulary), or when the number of
  organisations changed in a way the requests do not explain.

With ``MATCHER_MARKET_MAX_AGE = 0`` every use loads afresh (the tests, and small installations).
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.matching.relevance import RelevanceIndex
from marketplace.matching.scoring import ProviderProfile
from marketplace.models import OrganisationProfile, Party, RerankRequest, utcnow


@dataclass
class Market:
    providers: dict[int, ProviderProfile]  # by party id
    index: RelevanceIndex
    loaded_at: datetime
    checked_at: datetime = field(default_factory=utcnow)
    _listed: list[ProviderProfile] | None = None

    @classmethod
    def load(cls) -> Market:
        from .services import provider_profiles

        started = utcnow()
        providers = {p.provider_id: p for p in provider_profiles()}
        index = RelevanceIndex.build({pid: p.statements for pid, p in providers.items()})
        # Millions of long-lived objects: move them out of the garbage collector's sight, or every full
        # collection triggered while ranking walks them all (about a second at 100,000 organisations).
        gc.collect()
        gc.freeze()
        return cls(providers, index, loaded_at=started, checked_at=started)

    @property
    def profiles(self) -> list[ProviderProfile]:
        if self._listed is None:
            self._listed = list(self.providers.values())
        return self._listed

    def refresh(self, party_ids: set[int]) -> None:
        """Reload these organisations (one dropped from the registry leaves the market) and update the index."""
        from .services import provider_profiles

        if not party_ids:
            return
        fresh = {p.provider_id: p for p in provider_profiles(sorted(party_ids))}
        for party_id in party_ids - fresh.keys():
            self.providers.pop(party_id, None)
        self.providers.update(fresh)
        self.index = self.index.with_documents(
            {pid: (fresh[pid].statements if pid in fresh else "") for pid in party_ids})
        self._listed = None


_markets: dict[str, Market] = {}
_lock = threading.Lock()


def current_market(*, changed: set[int] = frozenset()) -> Market:
    """This process's market for the app's database, refreshed; `changed` names organisations known to have changed."""
    max_age = current_app.config["MATCHER_MARKET_MAX_AGE"]
    if max_age <= 0:
        return Market.load()
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    with _lock:
        market = _markets.get(key)
        now = utcnow()
        if market is None or now - market.loaded_at > timedelta(seconds=max_age):
            market = _markets[key] = Market.load()
            return market
        since = market.checked_at
        requested = set(db.session.scalars(select(RerankRequest.party_id).where(RerankRequest.requested_at >= since)))
        market.refresh(requested | set(changed))
        market.checked_at = now
        from .services import IN_MARKET

        registered = db.session.scalar(select(func.count()).select_from(OrganisationProfile)
                                       .join(Party, Party.id == OrganisationProfile.party_id).where(IN_MARKET))
        if registered != len(market.providers):
            market = _markets[key] = Market.load()
        return market


def forget_markets() -> None:
    """Drop every cached market (tests, and after bulk imports that bypass the re-rank requests)."""
    with _lock:
        _markets.clear()
