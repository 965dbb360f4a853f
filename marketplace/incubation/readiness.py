"""Readiness: how close an enrolled group is to bidding, measured against real tenders.

The gap analysis takes the open and recent tenders (closed within ``INCUBATION_RECENT_DAYS``) in the
programme's focus services and assesses the group against each lot with the matcher's own eligibility
rules (``matching.eligibility.assess``, the service the bidding screen uses). Every unmet rule is traced to
the checklist item that would satisfy it, so the incubator sees which missing item blocks the most lots
("certified social worker: blocks 7 of 12").

The readiness score (0-100) weighs what the group has against what the market asks:
60 × the share of checklist items done + 40 × the share of those lots it is eligible for. With no lot to
measure against, the checklist alone counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.matching.eligibility import Assessment, assess
from marketplace.models import Enrolment, Lot, ReadinessSnapshot, Tender, TenderStatus, utcnow
from marketplace.tenders.eligibility import provider_facts, requirements_for

from . import checklist

CLOSED = (TenderStatus.QUALIFICATION, TenderStatus.SCORING, TenderStatus.AWARD_PROPOSED, TenderStatus.AWARD_NOTICE,
          TenderStatus.AWARDED, TenderStatus.FAILED)


@dataclass
class GapAnalysis:
    considered: int = 0  # lots measured against
    eligible: int = 0
    blockers: list[tuple[str, str | None, int]] = field(default_factory=list)  # (item key or rule, item?, lots)
    closest: list[tuple[Lot, Assessment]] = field(default_factory=list)  # fewest unmet rules first
    score: float = 0.0


def market_lots(categories: list[str], *, on: date | None = None) -> list[Lot]:
    """Lots of open tenders, and of tenders closed within ``INCUBATION_RECENT_DAYS``, in these services."""
    if not categories:
        return []
    since = utcnow() - timedelta(days=current_app.config["INCUBATION_RECENT_DAYS"])
    return list(db.session.scalars(
        select(Lot).join(Tender, Tender.id == Lot.tender_id).options(selectinload(Lot.tender))
        .where(Tender.category_code.in_(categories),
               (Tender.status == TenderStatus.PUBLISHED) | (Tender.status.in_(CLOSED) & (Tender.deadline >= since)))
        .order_by(Tender.deadline.desc(), Lot.number)))


def analyse(enrolment: Enrolment, *, on: date | None = None) -> GapAnalysis:
    from marketplace.organisations.jobs import local_today

    on = on or local_today()
    result = GapAnalysis()
    items = checklist.template()
    done = {item.key for item in enrolment.checklist if item.done}
    share_done = len(done & {item.key for item in items}) / len(items) if items else 0.0
    facts = provider_facts(enrolment.party)
    lots = market_lots(enrolment.programme.focus_categories, on=on) if facts is not None else []
    blocked: Counter[str] = Counter()
    assessed = []
    for lot in lots:
        assessment = assess(requirements_for(lot), facts, on)
        assessed.append((lot, assessment))
        result.eligible += assessment.eligible
        for finding in assessment.unmet:
            answer = checklist.answering(finding.rule, finding.params)
            blocked[answer.key if answer else f"rule:{finding.rule}"] += 1
    result.considered = len(lots)
    result.blockers = [(key, checklist.item(key) if not key.startswith("rule:") else None, count)
                       for key, count in blocked.most_common()]
    result.closest = sorted(assessed, key=lambda pair: len(pair[1].unmet))[:10]
    market_share = result.eligible / result.considered if result.considered else None
    score = 100 * share_done if market_share is None else 60 * share_done + 40 * market_share
    result.score = round(score, 1)
    return result


def record(enrolment: Enrolment) -> ReadinessSnapshot:
    """Store today's readiness for the history chart (one point per change)."""
    analysis = analyse(enrolment)
    snapshot = ReadinessSnapshot(enrolment_id=enrolment.id, score=analysis.score, eligible_lots=analysis.eligible,
                                 considered_lots=analysis.considered)
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def latest_score(enrolment: Enrolment) -> float | None:
    return enrolment.readiness[-1].score if enrolment.readiness else None
