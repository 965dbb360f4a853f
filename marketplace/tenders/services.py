"""The tender lifecycle. Every transition is guarded, audited and announced.

draft -> published -> (deadline) qualification -> scoring -> award_proposed -> award_notice
-> (objection period) awarded; published -> cancelled; qualification -> failed (too few valid
bids) -> re-run as a new round or switched to another procedure with a published justification.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import catalogue, regions
from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    GRADES,
    Amendment,
    Bid,
    BidStatus,
    Clarification,
    CredentialType,
    EvaluationCriterion,
    EvaluationMethod,
    Lot,
    Party,
    PartyKind,
    PricingUnit,
    ProcurementMethod,
    Tender,
    TenderStatus,
    User,
    utcnow,
)
from marketplace.shortlists.jobs import request_ranking

from . import notices


class IllegalTransition(DomainError):
    """Not possible in the tender's current state (HTTP 409)."""

    status = 409


@dataclass
class TenderInput:
    title: str
    description: str
    category_code: str
    procurement_method: ProcurementMethod
    service_start: date
    service_end: date
    evaluation_method: EvaluationMethod
    deadline: datetime | None = None
    clarification_deadline: datetime | None = None
    beneficiaries: str | None = None
    beneficiaries_count: int | None = None
    deliverables: str | None = None
    outcome_indicators: str | None = None
    price_weight: int = 30
    objection_days: int | None = None


@dataclass
class LotInput:
    title: str
    pricing_unit: PricingUnit
    quantity: Decimal
    ceiling_unit_price: Decimal
    regions: list[str] = field(default_factory=list)
    post_qualification: str | None = None
    place_of_work: str | None = None
    required_credentials: list[str] = field(default_factory=list)
    min_grade: str | None = None
    min_years_registered: int | None = None
    min_social_workers: int | None = None
    min_annual_capacity: int | None = None
    based_in: str | None = None
    no_bad_standing: bool = True


@dataclass
class CriterionInput:
    name: str
    weight: int
    guidance: str | None = None


def _require(tender: Tender, *allowed: TenderStatus, action) -> None:
    if tender.status not in allowed:
        raise IllegalTransition(_l("%(action)s is not possible while the tender is %(status)s.", action=action,
                                   status=str(STATUS_LABELS[tender.status])))


STATUS_LABELS = {
    TenderStatus.DRAFT: _l("a draft"),
    TenderStatus.PUBLISHED: _l("open for bids"),
    TenderStatus.QUALIFICATION: _l("in qualification"),
    TenderStatus.SCORING: _l("being scored"),
    TenderStatus.AWARD_PROPOSED: _l("awaiting its award notice"),
    TenderStatus.AWARD_NOTICE: _l("in its objection period"),
    TenderStatus.AWARDED: _l("awarded"),
    TenderStatus.CANCELLED: _l("cancelled"),
    TenderStatus.FAILED: _l("failed"),
}


# --- Validation ------------------------------------------------------------------------

def problems(data: TenderInput, lots: list[LotInput], criteria: list[CriterionInput]) -> list[tuple[str, object]]:
    config = current_app.config
    found: list[tuple[str, object]] = []
    if not catalogue.is_service(data.category_code):
        found.append(("category_code", _l("Choose a service from the catalogue.")))
    if data.service_end < data.service_start:
        found.append(("service_end", _l("The service cannot end before it starts.")))
    if data.deadline and data.clarification_deadline and data.clarification_deadline >= data.deadline:
        found.append(("clarification_deadline", _l("Questions must close before the bid deadline.")))
    if data.evaluation_method == EvaluationMethod.COMPREHENSIVE:
        low, high = config["PRICE_WEIGHT_MIN"], config["PRICE_WEIGHT_MAX"]
        if not low <= data.price_weight <= high:
            found.append(("price_weight", _l("The price weight must be between %(low)d and %(high)d.", low=low,
                                             high=high)))
        if not criteria:
            found.append(("criteria", _l("Comprehensive scoring needs at least one criterion besides price.")))
        total = data.price_weight + sum(c.weight for c in criteria)
        if total != 100:
            found.append(("criteria", _l("The weights total %(total)d; with the price weight they must total 100.",
                                         total=total)))
        if any(c.weight <= 0 for c in criteria):
            found.append(("criteria", _l("Every criterion needs a weight above 0.")))
    if not lots:
        found.append(("lots", _l("A tender needs at least one lot.")))
    for number, lot in enumerate(lots, start=1):
        if lot.quantity <= 0 or lot.ceiling_unit_price <= 0:
            found.append(("lots", _l("Lot %(n)d: quantity and ceiling price must be above 0.", n=number)))
        bad = [code for code in lot.regions if not regions.is_valid(code)]
        if not lot.regions:
            found.append(("lots", _l("Lot %(n)d: name the regions served.", n=number)))
        if bad or (lot.based_in and not regions.is_valid(lot.based_in)):
            found.append(("lots", _l("Lot %(n)d: not division codes: %(codes)s", n=number,
                                     codes=", ".join(bad + ([lot.based_in] if lot.based_in and not
                                                            regions.is_valid(lot.based_in) else [])))))
        if lot.min_grade and lot.min_grade not in GRADES:
            found.append(("lots", _l("Lot %(n)d: the minimum grade is one of 1A to 5A.", n=number)))
        unknown = [t for t in lot.required_credentials if t not in CredentialType._value2member_map_]
        if unknown:
            found.append(("lots", _l("Lot %(n)d: unknown credential types: %(types)s", n=number,
                                     types=", ".join(unknown))))
        if data.procurement_method == ProcurementMethod.POST_PURCHASE and lot.pricing_unit != PricingUnit.POST_YEAR:
            found.append(("lots", _l("Lot %(n)d: a post purchase is priced per post-year.", n=number)))
    return found


def _check(data: TenderInput, lots: list[LotInput], criteria: list[CriterionInput]) -> None:
    found = problems(data, lots, criteria)
    if found:
        error = DomainError(found[0][1], field=found[0][0])
        error.problems = found
        raise error


def min_bids_for(method: ProcurementMethod) -> int:
    config = current_app.config
    if method in (ProcurementMethod.SINGLE_SOURCE, ProcurementMethod.ENTRUSTMENT):
        return 1
    if method == ProcurementMethod.COMPETITIVE_CONSULTATION:
        return config["MIN_BIDS_COMPETITIVE_CONSULTATION"]
    return config["MIN_BIDS"]


# --- Drafting --------------------------------------------------------------------------

def _next_reference() -> str:
    year = utcnow().year
    count = db.session.scalar(select(func.count(Tender.id)).where(Tender.reference.like(f"SSM-{year}-%"))) or 0
    return f"SSM-{year}-{count + 1:04d}"


def create_draft(agency: Party, data: TenderInput, lots: list[LotInput], criteria: list[CriterionInput], *,
                 by: User | None, previous_round: Tender | None = None,
                 justification: str | None = None) -> Tender:
    if agency.kind != PartyKind.AGENCY:
        raise DomainError(_l("Only an agency can draft a tender."))
    _check(data, lots, criteria)
    values = asdict(data)
    values["objection_days"] = data.objection_days or current_app.config["OBJECTION_PERIOD_DAYS"]
    tender = Tender(agency_party_id=agency.id, reference=_next_reference(), status=TenderStatus.DRAFT,
                    min_bids=min_bids_for(data.procurement_method), created_by_id=by.id if by else None,
                    previous_round_id=previous_round.id if previous_round else None,
                    procedure_change_justification=justification, **values)
    _replace_parts(tender, lots, criteria)
    db.session.add(tender)
    db.session.flush()
    audit.record("tender.create", tender, summary={"title": tender.title, "reference": tender.reference,
                                                   "previous_round": previous_round.id if previous_round else None})
    return tender


def _replace_parts(tender: Tender, lots: list[LotInput], criteria: list[CriterionInput]) -> None:
    tender.lots = [Lot(number=n, **asdict(lot)) for n, lot in enumerate(lots, start=1)]
    tender.criteria = [EvaluationCriterion(position=n, **asdict(c)) for n, c in enumerate(criteria, start=1)]


def update_draft(tender: Tender, data: TenderInput, lots: list[LotInput], criteria: list[CriterionInput]) -> None:
    if tender.status != TenderStatus.DRAFT:
        raise IllegalTransition(_l("A published tender can only be changed by an amendment."))
    _check(data, lots, criteria)
    for name, value in asdict(data).items():
        if name != "objection_days" or value:
            setattr(tender, name, value)
    tender.min_bids = min_bids_for(data.procurement_method)
    _replace_parts(tender, lots, criteria)
    db.session.flush()
    audit.record("tender.update", tender, summary={"title": tender.title})


def publish(tender: Tender, *, by: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    _require(tender, TenderStatus.DRAFT, action=_l("Publishing"))
    if not tender.agency.is_approved:
        raise DomainError(_l("Your agency must be approved by a platform administrator before it can publish."))
    if tender.deadline is None or tender.deadline <= now + timedelta(hours=1):
        raise DomainError(_l("Set a bid deadline at least one hour from now."), field="deadline")
    if tender.clarification_deadline and tender.clarification_deadline <= now:
        raise DomainError(_l("The question deadline has passed; set a later one."), field="clarification_deadline")
    tender.status = TenderStatus.PUBLISHED
    tender.published_at = now
    db.session.flush()
    audit.record("tender.publish", tender, summary={"deadline": tender.deadline, "reference": tender.reference})
    schedule_close(tender)
    request_ranking(tender, "published")
    notices.tender_published(tender)


def schedule_close(tender: Tender) -> None:
    from marketplace.jobs import enqueue

    from .jobs import close_tender

    grace = timedelta(seconds=current_app.config["CLOSE_GRACE_SECONDS"])
    enqueue(close_tender, tender.id, description=f"Close and open {tender.reference} at its deadline",
            key=f"{tender.id}-{tender.deadline.isoformat()}", at=tender.deadline + grace)


# --- Amendments and clarifications -----------------------------------------------------------

AMENDABLE = ("description", "deliverables", "outcome_indicators", "deadline", "clarification_deadline",
             "service_start", "service_end", "beneficiaries", "beneficiaries_count")


def amend(tender: Tender, changes: dict, *, summary: str, material: bool, by: User,
          now: datetime | None = None) -> Amendment:
    now = now or utcnow()
    _require(tender, TenderStatus.PUBLISHED, action=_l("Amending"))
    if now >= tender.deadline:
        raise IllegalTransition(_l("The deadline has passed; the tender can no longer be amended."))
    if not summary.strip():
        raise DomainError(_l("Summarise the amendment for bidders."), field="summary")
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise DomainError(_l("These fields cannot be amended: %(fields)s", fields=", ".join(sorted(unknown))))
    recorded = {name: [getattr(tender, name), value] for name, value in changes.items()
                if getattr(tender, name) != value}
    if not recorded:
        raise DomainError(_l("The amendment changes nothing."))
    new_deadline = changes.get("deadline", tender.deadline)
    if new_deadline < tender.deadline:
        raise DomainError(_l("An amendment may extend the deadline, not bring it forward."), field="deadline")
    minimum = timedelta(days=current_app.config["AMENDMENT_MIN_DAYS_BEFORE_DEADLINE"])
    if material and new_deadline - now < minimum:
        raise DomainError(_l("A material amendment must leave at least %(days)d days before the deadline: extend "
                             "the deadline.", days=minimum.days), field="deadline")
    for name, value in changes.items():
        setattr(tender, name, value)
    number = (db.session.scalar(select(func.max(Amendment.number)).where(Amendment.tender_id == tender.id)) or 0) + 1
    amendment = Amendment(tender_id=tender.id, number=number, summary=summary.strip(), material=material,
                          changes=_jsonable(recorded), created_by_id=by.id)
    db.session.add(amendment)
    db.session.flush()
    audit.record("tender.amend", tender, summary={"amendment": number, "material": material,
                                                  "changes": _jsonable(recorded)})
    if "deadline" in recorded:
        schedule_close(tender)
    request_ranking(tender, f"amendment {number}")
    notices.tender_amended(tender, amendment)
    return amendment


def _jsonable(changes: dict) -> dict:
    return {name: [v.isoformat() if hasattr(v, "isoformat") else v for v in pair] for name, pair in changes.items()}


def ask(tender: Tender, party: Party, user: User, question: str, *, now: datetime | None = None) -> Clarification:
    now = now or utcnow()
    _require(tender, TenderStatus.PUBLISHED, action=_l("Asking a question"))
    closes = tender.clarification_deadline or tender.deadline
    if now >= closes:
        raise DomainError(_l("Questions closed on %(when)s.", when=closes.isoformat(timespec="minutes")))
    if party.kind != PartyKind.ORGANISATION:
        raise DomainError(_l("Only organisations ask questions about a tender."))
    if not question.strip():
        raise DomainError(_l("Write your question."), field="question")
    item = Clarification(tender_id=tender.id, asked_by_party_id=party.id, asked_by_user_id=user.id,
                         question=question.strip())
    db.session.add(item)
    db.session.flush()
    audit.record("tender.question", tender, summary={"clarification": item.id})
    notices.question_asked(tender, item)
    return item


def answer(item: Clarification, text: str, *, by: User) -> None:
    tender = db.session.get(Tender, item.tender_id)
    _require(tender, TenderStatus.PUBLISHED, action=_l("Answering"))
    if item.answer:
        raise DomainError(_l("This question has already been answered."))
    if not text.strip():
        raise DomainError(_l("Write the answer."), field="answer")
    item.answer = text.strip()
    item.answered_at = utcnow()
    item.answered_by_id = by.id
    db.session.flush()
    audit.record("tender.answer", tender, summary={"clarification": item.id})
    notices.question_answered(tender, item)


# --- Cancel, close and open ---------------------------------------------------------------

def cancel(tender: Tender, reason: str, *, by: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    _require(tender, TenderStatus.DRAFT, TenderStatus.PUBLISHED, action=_l("Cancelling"))
    if tender.status == TenderStatus.PUBLISHED and now >= tender.deadline:
        raise IllegalTransition(_l("The deadline has passed: the tender can no longer be cancelled."))
    if not reason.strip():
        raise DomainError(_l("Give the reason; it is published with the notice."), field="reason")
    tender.status = TenderStatus.CANCELLED
    tender.cancelled_at = now
    tender.cancellation_reason = reason.strip()
    db.session.flush()
    audit.record("tender.cancel", tender, summary={"reason": tender.cancellation_reason})
    notices.tender_cancelled(tender)


def submitted_bids(tender: Tender) -> list[Bid]:
    return list(db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.status == BidStatus.SUBMITTED)
                                   .order_by(Bid.lot_id, Bid.submitted_at)))


def close_and_open(tender: Tender, *, now: datetime | None = None) -> bool:
    """At the deadline: stop bidding and open the bids. Returns False when it is not yet time."""
    from marketplace.bids.services import _lock_tender

    now = now or utcnow()
    if tender.status != TenderStatus.PUBLISHED or now < tender.deadline:
        return False
    tender = _lock_tender(tender.id, exclusive=True)  # waits for bids being written right now
    if tender.status != TenderStatus.PUBLISHED:
        return False
    bids = submitted_bids(tender)
    tender.opened_at = now
    tender.status = TenderStatus.QUALIFICATION
    for lot in tender.lots:
        if sum(1 for bid in bids if bid.lot_id == lot.id) < tender.min_bids:
            lot.result = "failed"
    db.session.flush()
    audit.record("tender.open", tender, summary={"bids": len(bids), "opening": opening_record(tender)})
    notices.bids_opened(tender, bids)
    if all(lot.result == "failed" for lot in tender.lots):
        fail(tender, str(_l("Fewer bids than the minimum of %(n)d were received.", n=tender.min_bids)),
             now=now)
    return True


def opening_record(tender: Tender) -> list[dict]:
    """Bidders and prices per lot, as read out at the opening."""
    return [{"lot": bid.lot.number, "bidder": bid.party.name, "unit_price": bid.unit_price,
             "total_price": bid.total_price, "submitted_at": bid.submitted_at}
            for bid in submitted_bids(tender)]


def fail(tender: Tender, reason: str, *, now: datetime | None = None) -> None:
    tender.status = TenderStatus.FAILED
    tender.failed_at = now or utcnow()
    tender.failure_reason = reason
    db.session.flush()
    audit.record("tender.fail", tender, summary={"reason": reason})
    notices.tender_failed(tender)


# --- Qualification, scoring, award ------------------------------------------------------------

def qualify(bid: Bid, *, qualified: bool, reason: str | None, by: User) -> None:
    _require(bid.tender, TenderStatus.QUALIFICATION, action=_l("Qualification"))
    if bid.status != BidStatus.SUBMITTED:
        raise DomainError(_l("Only submitted bids are qualified."))
    if not qualified and not (reason or "").strip():
        raise DomainError(_l("Give the reason for disqualifying this bid."), field="reason")
    bid.qualified = qualified
    bid.qualification_reason = (reason or "").strip() or None
    bid.qualified_at = utcnow()
    db.session.flush()
    audit.record("bid.qualify" if qualified else "bid.disqualify", bid,
                 summary={"tender": bid.tender_id, "reason": bid.qualification_reason})


def finish_qualification(tender: Tender, *, by: User) -> None:
    _require(tender, TenderStatus.QUALIFICATION, action=_l("Finishing qualification"))
    bids = submitted_bids(tender)
    undecided = [bid for bid in bids if bid.qualified is None and bid.lot.result != "failed"]
    if undecided:
        raise DomainError(_l("Decide every bid first: %(n)d still undecided.", n=len(undecided)))
    for lot in tender.lots:
        valid = [bid for bid in bids if bid.lot_id == lot.id and bid.qualified]
        if lot.result != "failed" and len(valid) < tender.min_bids:
            lot.result = "failed"
    db.session.flush()
    audit.record("tender.qualified", tender, summary={"valid_bids": sum(1 for b in bids if b.qualified)})
    if all(lot.result == "failed" for lot in tender.lots):
        fail(tender, str(_l("Fewer valid bids than the minimum of %(n)d.", n=tender.min_bids)))
        return
    tender.status = TenderStatus.SCORING
    if tender.evaluation_method == EvaluationMethod.LOWEST_PRICE:
        rank(tender)


def score(bid: Bid, criterion: EvaluationCriterion, points: Decimal, comment: str | None, *, scorer: User) -> None:
    from marketplace.models import BidScore

    _require(bid.tender, TenderStatus.SCORING, action=_l("Scoring"))
    if not bid.qualified:
        raise DomainError(_l("Only qualified bids are scored."))
    if criterion.tender_id != bid.tender_id:
        raise DomainError(_l("This criterion belongs to another tender."))
    if not 0 <= points <= criterion.weight:
        raise DomainError(_l("Give between 0 and %(max)d points.", max=criterion.weight), field="score")
    row = db.session.scalar(select(BidScore).where(BidScore.bid_id == bid.id, BidScore.criterion_id == criterion.id,
                                                   BidScore.scorer_id == scorer.id))
    if row is None:
        row = BidScore(bid_id=bid.id, criterion_id=criterion.id, scorer_id=scorer.id, score=points)
        db.session.add(row)
    row.score = points
    row.comment = (comment or "").strip() or None
    db.session.flush()
    audit.record("bid.score", bid, summary={"criterion": criterion.id, "score": str(points)})


def rank(tender: Tender) -> None:
    """Price score = lowest valid price / bid price x price weight; quality = mean over scorers."""
    from marketplace.models import BidScore

    bids = [bid for bid in submitted_bids(tender) if bid.qualified and bid.lot.result != "failed"]
    for lot in tender.lots:
        lot_bids = [bid for bid in bids if bid.lot_id == lot.id]
        if not lot_bids:
            continue
        lowest = min(bid.total_price for bid in lot_bids)
        for bid in lot_bids:
            if tender.evaluation_method == EvaluationMethod.LOWEST_PRICE:
                bid.price_score, bid.quality_score, bid.total_score = None, None, None
                continue
            bid.price_score = (lowest / bid.total_price * tender.price_weight).quantize(Decimal("0.01"))
            rows = db.session.execute(select(BidScore.scorer_id, func.sum(BidScore.score))
                                      .where(BidScore.bid_id == bid.id).group_by(BidScore.scorer_id)).all()
            quality = sum((Decimal(total) for _scorer, total in rows), Decimal(0)) / len(rows) if rows else Decimal(0)
            bid.quality_score = quality.quantize(Decimal("0.01"))
            bid.total_score = bid.price_score + bid.quality_score
        if tender.evaluation_method == EvaluationMethod.LOWEST_PRICE:
            ordered = sorted(lot_bids, key=lambda b: (b.total_price, b.submitted_at))
        else:
            ordered = sorted(lot_bids, key=lambda b: (-b.total_score, b.total_price, b.submitted_at))
        for position, bid in enumerate(ordered, start=1):
            bid.rank = position
    db.session.flush()


def propose_award(tender: Tender, *, by: User) -> None:
    _require(tender, TenderStatus.SCORING, action=_l("Proposing the award"))
    if tender.evaluation_method == EvaluationMethod.COMPREHENSIVE:
        from marketplace.models import BidScore

        expected = len(tender.criteria)
        for bid in submitted_bids(tender):
            if bid.qualified and bid.lot.result != "failed":
                count = db.session.scalar(select(func.count(func.distinct(BidScore.criterion_id)))
                                          .where(BidScore.bid_id == bid.id)) or 0
                if count < expected:
                    raise DomainError(_l("Score every criterion of every qualified bid first."))
    rank(tender)
    winners = []
    for bid in submitted_bids(tender):
        bid.awarded = bid.rank == 1 and bid.qualified and bid.lot.result != "failed"
        if bid.awarded:
            winners.append(bid)
    tender.status = TenderStatus.AWARD_PROPOSED
    db.session.flush()
    audit.record("tender.award_propose", tender, summary={"winners": [[w.lot.number, w.party_id] for w in winners]})


def publish_award(tender: Tender, *, by: User, now: datetime | None = None) -> None:
    from marketplace.jobs import enqueue

    from .jobs import finalise_award

    now = now or utcnow()
    _require(tender, TenderStatus.AWARD_PROPOSED, action=_l("Publishing the award notice"))
    tender.status = TenderStatus.AWARD_NOTICE
    tender.award_published_at = now
    tender.objection_ends_at = now + timedelta(days=tender.objection_days)
    db.session.flush()
    audit.record("tender.award_publish", tender, summary={"objection_ends_at": tender.objection_ends_at})
    enqueue(finalise_award, tender.id, description=f"Finalise the award of {tender.reference}",
            key=tender.id, at=tender.objection_ends_at)
    notices.award_published(tender)


def finalise_award(tender: Tender, *, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if tender.status != TenderStatus.AWARD_NOTICE or now < tender.objection_ends_at:
        return False
    tender.status = TenderStatus.AWARDED
    tender.awarded_at = now
    for lot in tender.lots:
        if lot.result != "failed":
            lot.result = "awarded"
    db.session.flush()
    audit.record("tender.award", tender, summary={"awarded_at": now})
    notices.tender_awarded(tender)
    return True


# --- After a failure ---------------------------------------------------------------------

def _copy_inputs(tender: Tender) -> tuple[TenderInput, list[LotInput], list[CriterionInput]]:
    data = TenderInput(**{name: getattr(tender, name) for name in TenderInput.__dataclass_fields__})
    data.deadline = data.clarification_deadline = None
    lots = [LotInput(**{name: getattr(lot, name) for name in LotInput.__dataclass_fields__}) for lot in tender.lots]
    criteria = [CriterionInput(name=c.name, weight=c.weight, guidance=c.guidance) for c in tender.criteria]
    return data, lots, criteria


def rerun(tender: Tender, *, by: User, method: ProcurementMethod | None = None,
          justification: str | None = None) -> Tender:
    """A new round of a failed tender (a draft to adjust and publish), optionally under another procedure."""
    _require(tender, TenderStatus.FAILED, action=_l("A new round"))
    if method is not None and method != tender.procurement_method and not (justification or "").strip():
        raise DomainError(_l("Switching to another procedure needs a written justification; it is published."),
                          field="justification")
    data, lots, criteria = _copy_inputs(tender)
    if method is not None:
        data.procurement_method = method
        if method == ProcurementMethod.POST_PURCHASE:
            for lot in lots:
                lot.pricing_unit = PricingUnit.POST_YEAR
    new = create_draft(tender.agency, data, lots, criteria, by=by, previous_round=tender,
                       justification=(justification or "").strip() or None)
    audit.record("tender.rerun", tender, summary={"new_round": new.id, "method": new.procurement_method.value})
    return new
