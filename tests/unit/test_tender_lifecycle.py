"""The tender lifecycle and bidding rules at the service level."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.bids import services as bidding
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    BidStatus,
    EvaluationMethod,
    MemberRole,
    Notification,
    PartyKind,
    PartyStatus,
    PricingUnit,
    ProcurementMethod,
    TenderStatus,
)
from marketplace.tenders import services
from marketplace.tenders.eligibility import assess_for_lot

from ..factories import MembershipFactory, UserFactory, organisation, party_admin

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=20)


def tender_input(**changes) -> services.TenderInput:
    values = dict(title="宝鸡市救助管理站短期托养服务", description="为受助人员提供短期托养",
                  category_code="elderly.short_stay",
                  procurement_method=ProcurementMethod.OPEN_TENDER, service_start=date(2027, 1, 1),
                  service_end=date(2027, 12, 31), evaluation_method=EvaluationMethod.COMPREHENSIVE,
                  deadline=DEADLINE, clarification_deadline=DEADLINE - timedelta(days=5), price_weight=30)
    return services.TenderInput(**(values | changes))


def lot_input(**changes) -> services.LotInput:
    values = dict(title="短期托养", pricing_unit=PricingUnit.PERSON_DAY, quantity=Decimal("3000"),
                  ceiling_unit_price=Decimal("50"), regions=["610300"], min_grade="3A",
                  required_credentials=["registration_certificate"])
    return services.LotInput(**(values | changes))


CRITERIA = [services.CriterionInput("服务方案", 40, "方案完整、可行"), services.CriterionInput("团队与经验", 30)]


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (outside a request the default language is Chinese)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def agency():
    user, party = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    return user, party


def published(agency, **changes):
    user, party = agency
    tender = services.create_draft(party, tender_input(**changes), [lot_input()], CRITERIA, by=user)
    services.publish(tender, by=user, now=NOW)
    db.session.commit()
    return tender


def bidder(serial: int):
    user = UserFactory()
    party = organisation(f"投标组织{serial}", serial=serial, areas=("610300",), admin=user)
    return user, party


def full_bid(tender, price="45") -> bidding.BidInput:
    return bidding.BidInput(unit_price=Decimal(price), proposals={str(c.id): "详细方案" for c in tender.criteria},
                            team="社工5名", implementation_plan="分三阶段实施")


def test_weights_must_total_100(agency):
    user, party = agency
    with pytest.raises(DomainError, match="total 90"):
        services.create_draft(party, tender_input(), [lot_input()], CRITERIA[:1] + [services.CriterionInput("x", 20)],
                              by=user)
    with pytest.raises(DomainError, match="between 10 and 30"):
        services.create_draft(party, tender_input(price_weight=50), [lot_input()],
                              [services.CriterionInput("x", 50)], by=user)


def test_publish_needs_approved_agency_and_future_deadline(agency):
    user, party = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    tender = services.create_draft(party, tender_input(), [lot_input()], CRITERIA, by=user)
    with pytest.raises(DomainError, match="approved"):
        services.publish(tender, by=user, now=NOW)
    user, party = agency
    tender = services.create_draft(party, tender_input(deadline=NOW - timedelta(minutes=1),
                                                       clarification_deadline=None), [lot_input()], CRITERIA, by=user)
    with pytest.raises(DomainError, match="deadline"):
        services.publish(tender, by=user, now=NOW)
    assert tender.status == TenderStatus.DRAFT


def test_published_tender_changes_only_by_amendment(agency):
    user, _party = agency
    tender = published(agency)
    with pytest.raises(DomainError, match="amendment"):
        services.update_draft(tender, tender_input(title="changed"), [lot_input()], CRITERIA)
    with pytest.raises(DomainError, match="at least 5 days"):
        services.amend(tender, {"description": "新的说明"}, summary="更新", material=True, by=user,
                       now=DEADLINE - timedelta(days=2))
    amendment = services.amend(tender, {"description": "新的说明", "deadline": DEADLINE + timedelta(days=7)},
                               summary="延长截止时间", material=True, by=user, now=DEADLINE - timedelta(days=2))
    assert amendment.number == 1 and tender.deadline == DEADLINE + timedelta(days=7)


def test_bids_are_checked_against_ceiling_and_deadline(agency):
    tender = published(agency)
    lot = tender.lots[0]
    user, party = bidder(1)
    with pytest.raises(DomainError, match="above the ceiling"):
        bidding.submit(lot, party, full_bid(tender, "50.01"), by=user, now=NOW)
    with pytest.raises(DomainError, match="deadline"):
        bidding.submit(lot, party, full_bid(tender), by=user, now=DEADLINE + timedelta(seconds=1))
    bid = bidding.submit(lot, party, full_bid(tender), by=user, now=DEADLINE - timedelta(seconds=1))
    assert bid.status == BidStatus.SUBMITTED and len(bid.receipt_hash) == 64
    assert bid.total_price == Decimal("135000.00")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bid.submit"))
    assert "45" not in str(event.summary)  # sealed: the audit trail holds only the receipt


def test_stale_submission_is_refused(agency):
    tender = published(agency)
    user, party = bidder(2)
    bid = bidding.submit(tender.lots[0], party, full_bid(tender), by=user, now=NOW)
    db.session.commit()
    seen = bid.version
    bidding.submit(tender.lots[0], party, full_bid(tender, "44"), by=user, expected_version=seen, now=NOW)
    db.session.commit()
    with pytest.raises(bidding.StaleBid):
        bidding.submit(tender.lots[0], party, full_bid(tender, "43"), by=user, expected_version=seen, now=NOW)


def test_full_lifecycle_to_award(agency, run_jobs):
    agency_user, _party = agency
    tender = published(agency)
    bids = []
    for serial, price in ((11, "45"), (12, "40"), (13, "48")):
        user, party = bidder(serial)
        bids.append(bidding.submit(tender.lots[0], party, full_bid(tender, price), by=user, now=NOW))
    db.session.commit()
    assert services.close_and_open(tender, now=DEADLINE - timedelta(seconds=1)) is False
    assert services.close_and_open(tender, now=DEADLINE)
    assert tender.status == TenderStatus.QUALIFICATION
    assert len(services.opening_record(tender)) == 3
    for bid in bids:
        services.qualify(bid, qualified=True, reason=None, by=agency_user)
    services.finish_qualification(tender, by=agency_user)
    assert tender.status == TenderStatus.SCORING
    with pytest.raises(DomainError, match="Score every criterion"):
        services.propose_award(tender, by=agency_user)
    for bid, points in zip(bids, (60, 50, 65), strict=True):
        services.score(bid, tender.criteria[0], Decimal(points * 40 // 70), None, scorer=agency_user)
        services.score(bid, tender.criteria[1], Decimal(points * 30 // 70), None, scorer=agency_user)
    with pytest.raises(DomainError, match="between 0 and 40"):
        services.score(bids[0], tender.criteria[0], Decimal(41), None, scorer=agency_user)
    services.propose_award(tender, by=agency_user)
    lowest = bids[1]
    assert lowest.price_score == Decimal("30.00")
    assert bids[0].price_score == (Decimal("120000") / Decimal("135000") * 30).quantize(Decimal("0.01"))
    winner = [bid for bid in bids if bid.awarded]
    assert len(winner) == 1 and winner[0].rank == 1
    services.publish_award(tender, by=agency_user, now=DEADLINE + timedelta(days=1))
    assert tender.status == TenderStatus.AWARD_NOTICE
    assert services.finalise_award(tender, now=tender.objection_ends_at - timedelta(seconds=1)) is False
    assert services.finalise_award(tender, now=tender.objection_ends_at)
    assert tender.status == TenderStatus.AWARDED
    db.session.commit()
    assert db.session.scalar(select(Notification).where(Notification.kind == "tender.awarded")) is not None


def test_too_few_bids_fail_and_rerun(agency):
    agency_user, _party = agency
    tender = published(agency)
    user, party = bidder(21)
    bidding.submit(tender.lots[0], party, full_bid(tender), by=user, now=NOW)
    services.close_and_open(tender, now=DEADLINE)
    assert tender.status == TenderStatus.FAILED and "minimum of 3" in tender.failure_reason
    with pytest.raises(DomainError, match="justification"):
        services.rerun(tender, by=agency_user, method=ProcurementMethod.COMPETITIVE_CONSULTATION)
    new = services.rerun(tender, by=agency_user, method=ProcurementMethod.COMPETITIVE_CONSULTATION,
                         justification="公开招标仅一家响应，改为竞争性磋商")
    assert new.status == TenderStatus.DRAFT and new.previous_round_id == tender.id and new.min_bids == 2


def test_cancel_before_deadline_only(agency):
    agency_user, _party = agency
    tender = published(agency)
    with pytest.raises(DomainError, match="reason"):
        services.cancel(tender, " ", by=agency_user, now=NOW)
    services.cancel(tender, "预算调整", by=agency_user, now=NOW)
    assert tender.status == TenderStatus.CANCELLED
    with pytest.raises(DomainError, match="not possible"):
        services.cancel(tender, "again", by=agency_user, now=NOW)


def test_eligibility_for_a_lot(agency):
    tender = published(agency)
    _user, party = bidder(31)
    assessment = assess_for_lot(party, tender.lots[0], date(2026, 11, 23))
    assert not assessment.eligible  # no verified registration certificate yet
    assert [f.code for f in assessment.unmet] == ["credential_missing"]
    assert assessment.near_eligible


def test_questions_and_answers(agency):
    agency_user, _party = agency
    tender = published(agency)
    user, party = bidder(41)
    item = services.ask(tender, party, user, "是否接受联合体投标？", now=NOW)
    services.answer(item, "不接受联合体投标。", by=agency_user)
    with pytest.raises(DomainError, match="closed"):
        services.ask(tender, party, user, "later", now=DEADLINE - timedelta(days=1))
    MembershipFactory(user=UserFactory(), party=party, role=MemberRole.MEMBER)
    assert item.answer == "不接受联合体投标。"


def test_a_bid_that_arrived_in_time_is_accepted_while_processed_late(agency):
    """Deadlines are judged by arrival time; the close waits for bids being written (row lock)."""
    tender = published(agency)
    user, party = bidder(51)
    arrived = DEADLINE - timedelta(milliseconds=10)
    bid = bidding.submit(tender.lots[0], party, full_bid(tender), by=user, now=arrived)
    assert bid.submitted_at == arrived
    assert not services.close_and_open(tender, now=DEADLINE - timedelta(milliseconds=1))
    assert services.close_and_open(tender, now=DEADLINE)
    assert len(services.opening_record(tender)) == 1
