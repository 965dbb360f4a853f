"""Read models of the incubation track: dashboards, programme outcomes, emerging candidates, "incubated by"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace import catalogue, regions
from marketplace.extensions import db
from marketplace.matching.eligibility import Requirements, assess
from marketplace.models import (
    ACTIVE_STAGES,
    LADDER,
    ActionItem,
    Bid,
    BidStatus,
    Enrolment,
    Lot,
    MentoringSession,
    Party,
    Programme,
    ReadinessSnapshot,
    Stage,
    SupportEntry,
    Tender,
)
from marketplace.tenders.eligibility import provider_facts


@dataclass
class Outcome:
    """What a graduate did in the market after graduating: the programme's result."""

    enrolment: Enrolment
    bids: int = 0
    awards: int = 0
    first_bid: Bid | None = None
    first_award: Bid | None = None


@dataclass
class IncubatorDashboard:
    programmes: list[Programme]
    by_stage: dict[Stage, int]
    overdue: list[ActionItem]
    trend: list[tuple[date, float]]  # mean latest readiness of active groups, by month
    budget: Decimal
    spent: Decimal
    outcomes: list[Outcome] = field(default_factory=list)


def programmes_of(incubator_id: int) -> list[Programme]:
    return list(db.session.scalars(select(Programme).where(Programme.incubator_id == incubator_id)
                                   .options(selectinload(Programme.enrolments)).order_by(Programme.starts_on.desc())))


def spent_by_enrolment(programme: Programme) -> dict[int, Decimal]:
    return dict(db.session.execute(
        select(SupportEntry.enrolment_id, func.sum(SupportEntry.amount))
        .join(Enrolment, Enrolment.id == SupportEntry.enrolment_id)
        .where(Enrolment.programme_id == programme.id).group_by(SupportEntry.enrolment_id)).all())


def spent_by_kind(enrolment_ids: list[int]) -> dict[str, Decimal]:
    rows = db.session.execute(select(SupportEntry.kind, func.sum(SupportEntry.amount))
                              .where(SupportEntry.enrolment_id.in_(enrolment_ids)).group_by(SupportEntry.kind))
    return {kind.value: total for kind, total in rows}


def overdue_actions(enrolment_ids: list[int], today: date) -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem).join(MentoringSession, MentoringSession.id == ActionItem.session_id)
        .where(MentoringSession.enrolment_id.in_(enrolment_ids), ActionItem.done_on.is_(None),
               ActionItem.due_on < today).order_by(ActionItem.due_on)))


def open_actions(enrolment: Enrolment) -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem).join(MentoringSession, MentoringSession.id == ActionItem.session_id)
        .where(MentoringSession.enrolment_id == enrolment.id, ActionItem.done_on.is_(None))
        .order_by(ActionItem.due_on)))


def outcomes(enrolments: list[Enrolment]) -> list[Outcome]:
    """Each graduate's bids and awards since it graduated."""
    graduates = [e for e in enrolments if e.stage == Stage.GRADUATED and e.graduated_on]
    results = []
    for enrolment in graduates:
        bids = list(db.session.scalars(select(Bid).where(
            Bid.party_id == enrolment.party_id, Bid.status == BidStatus.SUBMITTED,
            func.date(Bid.submitted_at) >= enrolment.graduated_on).order_by(Bid.submitted_at)))
        awards = [bid for bid in bids if bid.awarded]
        results.append(Outcome(enrolment, len(bids), len(awards), bids[0] if bids else None,
                               awards[0] if awards else None))
    return results


def readiness_trend(enrolment_ids: list[int]) -> list[tuple[date, float]]:
    """The mean of each group's last readiness score in each month, over the groups measured by then."""
    latest: dict[tuple[date, int], float] = {}
    for enrolment_id, taken_at, score in db.session.execute(
            select(ReadinessSnapshot.enrolment_id, ReadinessSnapshot.taken_at, ReadinessSnapshot.score)
            .where(ReadinessSnapshot.enrolment_id.in_(enrolment_ids)).order_by(ReadinessSnapshot.taken_at)):
        latest[(taken_at.date().replace(day=1), enrolment_id)] = score
    months = sorted({month for month, _ in latest})
    carried: dict[int, float] = {}
    trend = []
    for month in months:
        carried.update({eid: score for (m, eid), score in latest.items() if m == month})
        trend.append((month, round(sum(carried.values()) / len(carried), 1)))
    return trend


def incubator_dashboard(incubator_id: int, today: date) -> IncubatorDashboard:
    from .services import spent

    programmes = programmes_of(incubator_id)
    enrolments = [e for p in programmes for e in p.enrolments]
    ids = [e.id for e in enrolments]
    by_stage = Counter(e.stage for e in enrolments)
    return IncubatorDashboard(
        programmes=programmes, by_stage={stage: by_stage.get(stage, 0) for stage in (*LADDER, Stage.WITHDRAWN)},
        overdue=overdue_actions(ids, today), trend=readiness_trend(ids),
        budget=sum((p.budget for p in programmes), Decimal(0)),
        spent=sum((Decimal(spent(p)) for p in programmes), Decimal(0)), outcomes=outcomes(enrolments))


def enrolments_of_party(party_id: int) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(Enrolment.party_id == party_id)
                                   .order_by(Enrolment.enrolled_on.desc())))


def incubated_by(party_ids: list[int]) -> dict[int, str]:
    """{graduate's party id: the incubator's name}: the "incubated by" mark on shortlists and profiles."""
    if not party_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.party_id, Party.name).join(Programme, Programme.id == Enrolment.programme_id)
        .join(Party, Party.id == Programme.incubator_id)
        .where(Enrolment.party_id.in_(party_ids), Enrolment.stage == Stage.GRADUATED))
    return dict(rows.all())


@dataclass
class EmergingCandidate:
    enrolment: Enrolment
    score: float | None
    unmet: list  # the lot's rules it does not meet yet (Findings)


def emerging_candidates(tender: Tender, lot: Lot, requirements: Requirements, on: date) -> list[EmergingCandidate]:
    """Groups in incubation close to readiness that could bid for this lot: at the pilot stage or beyond, or
    with a readiness score of at least ``INCUBATION_EMERGING_SCORE``, in a programme focused on the tender's
    field (its service or another of its group) and regions. Listed with what they still lack; not eligible
    unless they are."""
    threshold = current_app.config["INCUBATION_EMERGING_SCORE"]
    group = catalogue.group_of(tender.category_code)
    group_codes = {service.code for service in group.services} if group is not None else set()
    later = LADDER[LADDER.index(Stage.PILOT_DELIVERY):-1]
    found = []
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.stage.in_(ACTIVE_STAGES))
                                        .options(selectinload(Enrolment.programme))):
        programme = enrolment.programme
        same_field = tender.category_code in programme.focus_categories or (
            group is not None and any(code in group_codes for code in programme.focus_categories))
        in_focus = same_field and (not lot.regions or any(
            regions.covers(area, code) or regions.covers(code, area)
            for area in programme.focus_regions for code in lot.regions))
        score = enrolment.readiness[-1].score if enrolment.readiness else None
        if not in_focus or (enrolment.stage not in later and (score or 0) < threshold):
            continue
        facts = provider_facts(enrolment.party)
        unmet = list(assess(requirements, facts, on).unmet) if facts is not None else []
        found.append(EmergingCandidate(enrolment, score, unmet))
    return sorted(found, key=lambda c: (len(c.unmet), -(c.score or 0)))
