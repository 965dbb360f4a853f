"""The demo's incubation programme: every stage, mentoring, support, a graduate that bid, emerging candidates."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts import services as accounts
from marketplace.audit.services import verify_chain
from marketplace.demo import DEMO_PASSWORD, load_demo
from marketplace.demo_incubation import GRADUATE_EMAIL, MENTOR_EMAIL
from marketplace.extensions import db
from marketplace.incubation import checklist, queries, services
from marketplace.models import (
    LADDER,
    Bid,
    BidStatus,
    MemberRole,
    Programme,
    Stage,
    SupportKind,
    Tender,
    TenderStatus,
)
from marketplace.organisations.jobs import local_today
from marketplace.shortlists.forecast import forecast
from marketplace.tenders.eligibility import assess_for_lot


def test_the_demo_seeds_a_baoji_incubation_programme_for_the_thin_markets():
    assert load_demo()
    db.session.flush()
    db.session.expire_all()
    today = local_today()
    programme = db.session.scalar(select(Programme))
    assert programme.incubator.name == "宝鸡市社会组织孵化基地"
    assert programme.focus_regions == ["610300"]
    assert "relief.vagrant_relief" in programme.focus_categories
    assert any(code.startswith("minors.") for code in programme.focus_categories)
    enrolments = programme.enrolments

    # One group at every rung of the ladder, and one that withdrew; each got there through the checklist gates.
    assert {e.stage for e in enrolments} == {*LADDER, Stage.WITHDRAWN}
    for enrolment in enrolments:
        done = {item.key for item in enrolment.checklist if item.done}
        gate = enrolment.moves[-2].to_stage if enrolment.stage == Stage.WITHDRAWN else enrolment.stage
        assert {item.key for item in checklist.needed_to_enter(gate)} <= done, enrolment.party.name
        assert all(m.moved_on <= today for m in enrolment.moves)
    # The readiness history has points on several days for the groups that climbed.
    climbed = [e for e in enrolments if e.stage not in (Stage.GRASSROOTS, Stage.WITHDRAWN)]
    assert all(len({s.taken_at.date() for s in e.readiness}) >= 3 for e in climbed)
    assert len(queries.readiness_trend([e.id for e in enrolments])) >= 4

    # Mentors: the incubator's staff and an outside expert who joined with the mentor role.
    mentor = accounts.find_user_by_email(MENTOR_EMAIL)
    assert mentor.membership_in(programme.incubator_id).role == MemberRole.MENTOR
    assert {m.user.email for m in programme.mentors} == {"incubator@demo.example", MENTOR_EMAIL}
    assert accounts.authenticate(MENTOR_EMAIL, DEMO_PASSWORD) == mentor

    # Mentoring histories: 2-4 sessions a group with actions, most done, one or two overdue.
    for enrolment in enrolments:
        assert 2 <= len(enrolment.sessions) <= 4, enrolment.party.name
        assert all(session.topics and session.notes for session in enrolment.sessions)
        assert any(session.actions for session in enrolment.sessions)
    actions = [a for e in enrolments for s in e.sessions for a in s.actions]
    assert sum(1 for a in actions if a.done_on) > len(actions) / 2
    assert 1 <= len(queries.overdue_actions([e.id for e in enrolments], today)) <= 2

    # The support ledger: every kind of help, within the budget.
    kinds = {entry.kind for e in enrolments for entry in e.support}
    assert {SupportKind.SPACE, SupportKind.EQUIPMENT, SupportKind.SEED_FUNDING, SupportKind.TRAINING} <= kinds
    assert 0 < services.spent(programme) <= programme.budget

    # The graduate is eligible for the re-run of the failed vagrant-relief tender and has bid on it.
    graduate = next(e for e in enrolments if e.stage == Stage.GRADUATED)
    rerun = db.session.scalar(select(Tender).where(Tender.category_code == "relief.vagrant_relief",
                                                   Tender.status == TenderStatus.PUBLISHED))
    bid = db.session.scalar(select(Bid).where(Bid.party_id == graduate.party_id))
    assert bid.status == BidStatus.SUBMITTED and bid.tender_id == rerun.id and bid.receipt_hash
    assert bid.unit_price <= bid.lot.ceiling_unit_price
    assert assess_for_lot(graduate.party, bid.lot, today).eligible
    assert [(o.bids, o.first_bid) for o in queries.outcomes(enrolments)] == [(1, bid)]
    assert queries.incubated_by([graduate.party_id]) == {graduate.party_id: "宝鸡市社会组织孵化基地"}
    owner = accounts.find_user_by_email(GRADUATE_EMAIL)
    assert owner.membership_in(graduate.party_id).role == MemberRole.ADMIN

    # The re-run is still thin (high risk), and the groups close to readiness show as emerging candidates.
    (lot_forecast,) = forecast(rerun)
    assert lot_forecast.risk == "high"
    emerging = {c.enrolment.stage for c in lot_forecast.emerging}
    assert {Stage.PILOT_DELIVERY, Stage.MARKET_READY} <= emerging

    # Everything went through the services: the audit trail records it and its chain holds.
    assert verify_chain().ok
