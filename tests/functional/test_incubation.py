"""The incubation track: programmes, enrolment, the stage ladder, readiness, mentoring, support, graduation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.incubation import gapmap, queries, readiness, services
from marketplace.models import (
    MatchResult,
    MemberRole,
    Notification,
    PartyKind,
    PartyStatus,
    Stage,
    SupportKind,
)
from marketplace.tenders import services as tenders

from ..conftest import csrf_token, post_form
from ..factories import MembershipFactory, UserFactory, organisation, party_admin
from .test_shortlists import draft, market

EN = {"Accept-Language": "en"}
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


def incubator():
    staff, party = party_admin(PartyKind.INCUBATOR, PartyStatus.APPROVED)
    return staff, party


def programme(staff, party, **changes):
    data = services.ProgrammeInput(
        name="宝鸡未成年人保护培育计划", focus_categories=["minors.protection", "elderly.short_stay"],
        focus_regions=["610300"], starts_on=TODAY, ends_on=TODAY + timedelta(days=365), capacity=5,
        budget=Decimal(100_000), support_offered="办公场地、种子资金、督导")
    for key, value in changes.items():
        setattr(data, key, value)
    return services.create_programme(party, data, by=staff)


def group(staff, prog, name="渭滨区护苗志愿队"):
    return services.create_group(prog, name, "610302", by=staff, on=TODAY, intake_assessment="骨干5人，有意愿登记。")


def tick(staff, enrolment, *keys):
    for key in keys:
        services.set_item(enrolment, key, True, by=staff, on=TODAY)


def test_a_group_climbs_the_ladder_gated_by_its_checklist_and_graduates_into_the_market(run_jobs):
    staff, party = incubator()
    prog = programme(staff, party)
    enrolment = group(staff, prog)
    assert enrolment.stage == Stage.GRASSROOTS and len(enrolment.checklist) == 8
    with pytest.raises(DomainError, match="Charter and board"):
        services.move(enrolment, Stage.REGISTERING, by=staff, on=TODAY)
    with pytest.raises(DomainError, match="one stage at a time"):
        services.move(enrolment, Stage.PILOT_DELIVERY, by=staff, on=TODAY)
    ladder = [(Stage.REGISTERING, ["charter_board"]), (Stage.BUILDING_CAPACITY, ["registration", "bank_bookkeeping"]),
              (Stage.PILOT_DELIVERY, ["trained_staff", "social_worker"]),
              (Stage.MARKET_READY, ["first_pilot", "insurance"]), (Stage.GRADUATED, ["evaluation_grade"])]
    for stage, items in ladder:
        tick(staff, enrolment, *items)
        services.move(enrolment, stage, by=staff, on=TODAY)
    assert enrolment.stage == Stage.GRADUATED and enrolment.graduated_on == TODAY
    assert [m.to_stage for m in enrolment.moves][-1] == Stage.GRADUATED and len(enrolment.moves) == 6
    assert enrolment.readiness[-1].score == 100  # every item done, no tender to measure against
    assert queries.incubated_by([enrolment.party_id]) == {enrolment.party_id: party.name}


def test_groups_in_incubation_are_emerging_candidates_not_providers_until_they_graduate(run_jobs):
    market(1)
    staff, party = incubator()
    prog = programme(staff, party)
    enrolment = group(staff, prog)
    profile = enrolment.party.organisation
    profile.grade, profile.grade_awarded_on = "3A", date(2025, 1, 1)
    from marketplace.models import ServiceArea
    db.session.add(ServiceArea(party_id=enrolment.party_id, region_code="610300"))
    tick(staff, enrolment, "charter_board", "registration", "bank_bookkeeping", "trained_staff", "social_worker")
    for stage in (Stage.REGISTERING, Stage.BUILDING_CAPACITY, Stage.PILOT_DELIVERY):
        services.move(enrolment, stage, by=staff, on=TODAY)
    db.session.commit()
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency)
    from marketplace.shortlists.forecast import forecast

    [lot_forecast] = forecast(tender)
    assert lot_forecast.risk == "high" and lot_forecast.eligible == 1
    assert [c.enrolment.party.name for c in lot_forecast.emerging] == ["渭滨区护苗志愿队"]
    tenders.publish(tender, by=agency_user)
    run_jobs()
    ranked = {r.party_id for r in db.session.scalars(select(MatchResult))}
    assert enrolment.party_id not in ranked

    tick(staff, enrolment, "first_pilot", "insurance", "evaluation_grade")
    services.move(enrolment, Stage.MARKET_READY, by=staff, on=TODAY)
    services.move(enrolment, Stage.GRADUATED, by=staff, on=TODAY)
    db.session.commit()
    run_jobs()
    graduate = db.session.scalar(select(MatchResult).where(MatchResult.party_id == enrolment.party_id))
    assert graduate is not None  # the graduate now appears in the open tender's shortlist


def test_bad_input_is_refused_clearly():
    staff, party = incubator()
    prog = programme(staff, party, capacity=2)
    with pytest.raises(DomainError, match="end after it starts"):
        programme(staff, party, ends_on=TODAY)
    org = organisation("已登记的机构", serial=77)
    services.enrol(prog, org, "有基础", by=staff, on=TODAY)
    overlapping = programme(staff, party, name="另一期", starts_on=TODAY + timedelta(days=100),
                            ends_on=TODAY + timedelta(days=400))
    with pytest.raises(DomainError, match="already enrolled in 宝鸡未成年人保护培育计划"):
        services.enrol(overlapping, org, "再次报名", by=staff, on=TODAY)
    later = programme(staff, party, name="下一期", starts_on=TODAY + timedelta(days=400),
                      ends_on=TODAY + timedelta(days=700))
    services.enrol(later, org, "下一期报名", by=staff, on=TODAY)  # no overlap: allowed
    group(staff, prog, "第二个团队")
    with pytest.raises(DomainError, match="full"):
        group(staff, prog, "第三个团队")
    enrolment = prog.enrolments[0]
    mentor = UserFactory()
    with pytest.raises(DomainError, match="before the session"):
        services.record_session(enrolment, staff, services.SessionInput(
            held_on=TODAY, topics="财务制度",
            actions=[services.ActionInput("建账", "会计", TODAY - timedelta(days=1))]))
    with pytest.raises(DomainError, match="programme's mentors"):
        services.record_session(enrolment, mentor, services.SessionInput(held_on=TODAY, topics="x"))
    services.add_support(enrolment, SupportKind.SEED_FUNDING, "种子资金", Decimal(90_000), given_on=TODAY, by=staff)
    with pytest.raises(DomainError, match="over its budget"):
        services.add_support(enrolment, SupportKind.TRAINING, "培训", Decimal(20_000), given_on=TODAY, by=staff)
    entry = services.add_support(enrolment, SupportKind.TRAINING, "培训", Decimal(20_000), given_on=TODAY, by=staff,
                                 confirm_over_budget=True)
    assert entry.over_budget_confirmed and services.spent(prog) == Decimal(110_000)


def test_gap_analysis_counts_the_lots_each_missing_item_blocks():
    market(2)
    staff, party = incubator()
    prog = programme(staff, party)
    enrolment = group(staff, prog)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    for workers in (None, 2, 3):
        tender = draft(agency_user, agency, min_social_workers=workers, required_credentials=["insurance"])
        tenders.publish(tender, by=agency_user)
    analysis = readiness.analyse(enrolment)
    assert analysis.considered == 3 and analysis.eligible == 0
    blockers = {key: count for key, _item, count in analysis.blockers}
    assert blockers["insurance"] == 3 and blockers["social_worker"] == 2 and blockers["rule:serves_region"] == 3


def test_mentor_notes_are_seen_by_the_incubator_the_programmes_mentors_and_the_group_only(client, login):
    staff, party = incubator()
    prog = programme(staff, party)
    other = programme(staff, party, name="另一个计划")
    expert, outsider_mentor = UserFactory(), UserFactory()
    MembershipFactory(user=expert, party=party, role=MemberRole.MENTOR)
    MembershipFactory(user=outsider_mentor, party=party, role=MemberRole.MENTOR)
    services.add_mentor(prog, expert)
    services.add_mentor(other, outsider_mentor)
    enrolment = group(staff, prog)
    leader = UserFactory()
    MembershipFactory(user=leader, party=enrolment.party, role=MemberRole.ADMIN)
    services.record_session(enrolment, expert, services.SessionInput(
        held_on=TODAY, topics="章程起草", notes="理事会成员之间有分歧，需要单独沟通。",
        actions=[services.ActionInput("起草章程", "负责人", TODAY + timedelta(days=7))]))
    db.session.commit()
    for user, status in ((staff, 200), (expert, 200), (leader, 200), (outsider_mentor, 403), (UserFactory(), 403)):
        login(user)
        response = client.get(f"/incubation/enrolments/{enrolment.id}", headers=EN)
        assert response.status_code == status, user
        assert ("理事会成员之间有分歧" in response.get_data(as_text=True)) == (status == 200)
        post_form(client, "/logout", token_from="/dashboard")


def test_overdue_actions_are_reminded_once_a_week(run_jobs):
    from marketplace.incubation.jobs import remind_overdue_actions

    staff, party = incubator()
    enrolment = group(staff, programme(staff, party))
    leader = UserFactory()
    MembershipFactory(user=leader, party=enrolment.party, role=MemberRole.ADMIN)
    services.record_session(enrolment, staff, services.SessionInput(
        held_on=TODAY, topics="建账",
        actions=[services.ActionInput("开立银行账户", "负责人", TODAY + timedelta(days=3))]))
    db.session.commit()
    day = TODAY + timedelta(days=5)
    assert remind_overdue_actions(day.isoformat())["reminded"] == 1
    assert remind_overdue_actions((day + timedelta(days=1)).isoformat())["reminded"] == 0
    assert remind_overdue_actions((day + timedelta(days=7)).isoformat())["reminded"] == 1
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.kind == "incubation.action_overdue")).all()
    assert {n.user_id for n in notes} == {staff.id, leader.id}


def test_pages_take_an_incubator_from_the_gap_map_to_a_programme_and_a_group(client, login):
    market(1)
    staff, party = incubator()
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tenders.publish(draft(agency_user, agency), by=agency_user)
    db.session.commit()
    login(staff)
    page = client.get("/incubation/gaps?region=610300&by=service", headers=EN).get_data(as_text=True)
    assert "Supply gaps" in page and "Start a programme here" in page
    csv = client.get("/incubation/gaps?region=610300&format=csv", headers=EN)
    assert csv.status_code == 200 and "610302" in csv.get_data(as_text=True)
    csv.close()
    response = post_form(client, "/incubation/programmes/new", {
        "name": "护苗计划", "focus_categories": "elderly.short_stay", "focus_regions": "610300",
        "starts_on": "2026-12-01", "ends_on": "2026-11-01", "capacity": "4", "budget": "50000"},
        token_from="/incubation/programmes/new?category=elderly.short_stay&region=610300")
    assert response.status_code == 400 and "The programme must end after it starts." in response.get_data(as_text=True)
    response = post_form(client, "/incubation/programmes/new", {
        "name": "护苗计划", "focus_categories": "elderly.short_stay", "focus_regions": "610300",
        "starts_on": "2026-12-01", "ends_on": "2027-11-30", "capacity": "4", "budget": "50000"},
        token_from="/incubation/programmes/new")
    assert response.status_code == 302
    programme_url = response.headers["Location"]
    fields = {"name": "金台区邻里互助队", "home_region": "610303", "intake_assessment": "社区骨干3人",
              "claim_email": "leader@example.org", "csrf_token": csrf_token(client, programme_url)}
    response = client.post(programme_url + "/groups", data={f"group-{k}": v for k, v in fields.items()})
    assert response.status_code == 302
    enrolment_page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Readiness checklist" in enrolment_page and "Grassroots group" in enrolment_page
    assert "Supply-gap map" in client.get("/incubation/", headers=EN).get_data(as_text=True)


def test_gap_map_marks_thin_and_empty_markets():
    for serial in (1, 2):
        organisation(f"渭滨养老服务社{serial}", areas=("610302",), serial=500 + serial)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tenders.publish(draft(agency_user, agency), by=agency_user)
    gap = gapmap.build(parent="610300", by_group=False)
    weibin = gap.cell("elderly.short_stay", "610302")
    assert weibin.open_tenders == 1 and weibin.providers == 2 and weibin.level(gap.min_bids) == "thin"
    assert gap.cell("elderly.short_stay", "610331").level(gap.min_bids) == "zero"  # Taibai: demand, no provider
    country = gapmap.build(by_group=True)
    assert country.cell("elderly", "610000").providers == 2 and country.cell("elderly", "310000").demand == 0
