"""Ranking on publish, the shortlist, invitations and the competition forecast."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace import regions
from marketplace.extensions import db
from marketplace.models import (
    BackgroundJob,
    InvitationStatus,
    JobStatus,
    Lot,
    MatchResult,
    Notification,
    PartyKind,
    PartyStatus,
    TenderInvitation,
    utcnow,
)
from marketplace.shortlists.forecast import forecast
from marketplace.tenders import services

from ..conftest import post_form
from ..factories import UserFactory, organisation, party_admin

EN = {"Accept-Language": "en"}


def market(n: int = 5):
    """n Baoji elderly-care providers (3A) and a Shanghai distractor."""
    users = []
    for serial in range(1, n + 1):
        user = UserFactory()
        organisation(f"宝鸡养老服务中心{serial}", areas=("610300",), categories=("elderly.short_stay",), admin=user,
                     serial=100 + serial, grade="3A")
        users.append(user)
    organisation("上海文艺团体", home_region="310114", areas=("310114",), categories=("community.neighbourhood",),
                 serial=199)
    return users


def draft(agency_user, agency, **lot_rules):
    return services.create_draft(agency, services.TenderInput(
        title="短期托养服务", description="为受助老人提供短期托养与照料", category_code="elderly.short_stay",
        procurement_method=services.ProcurementMethod.OPEN_TENDER, service_start=utcnow().date(),
        service_end=utcnow().date() + timedelta(days=365), evaluation_method=services.EvaluationMethod.COMPREHENSIVE,
        deadline=utcnow() + timedelta(days=25), price_weight=30),
        [services.LotInput(title="托养", pricing_unit=services.PricingUnit.PERSON_DAY, quantity=Decimal(1000),
                           ceiling_unit_price=Decimal(50), regions=["610300"], **lot_rules)],
        [services.CriterionInput("方案", 70)], by=agency_user)


def test_publishing_ranks_and_the_agency_invites_the_top(app, client, login, run_jobs):
    users = market()
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency)
    services.publish(tender, by=agency_user)
    run_jobs()
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.func_name == "shortlists.rank_tender"))
    assert job.status == JobStatus.FINISHED
    results = db.session.scalars(select(MatchResult).order_by(MatchResult.rank)).all()
    assert len(results) == 6 and results[-1].party.name == "上海文艺团体" and not results[-1].eligible
    assert all(r.eligible for r in results[:5]) and results[0].components["relevance"] > 0
    login(agency_user)
    page = client.get(f"/tenders/{tender.id}/shortlist", headers=EN).get_data(as_text=True)
    assert "宝鸡养老服务中心1" in page and "Category fit" in page
    response = post_form(client, f"/tenders/{tender.id}/invitations", {"top": "3"},
                         token_from=f"/tenders/{tender.id}/shortlist")
    assert response.status_code == 302
    sent = db.session.scalars(select(TenderInvitation)).all()
    assert len(sent) == 3 and all(i.status == InvitationStatus.SENT for i in sent)
    run_jobs()
    assert db.session.scalar(select(Notification).where(Notification.kind == "tender.invitation")) is not None

    # An invited organisation views the tender and declines with a structured reason.
    invited = sent[0]
    member = next(u for u in users if u.membership_in(invited.party_id))
    org_client = login(member, test_client=app.test_client())
    org_client.get(f"/tenders/{tender.id}")
    assert db.session.get(TenderInvitation, invited.id).status == InvitationStatus.VIEWED
    post_form(org_client, f"/invitations/tender/{invited.id}/decline", {"reason": "capacity"},
              token_from=f"/tenders/{tender.id}")
    assert db.session.get(TenderInvitation, invited.id).decline_reason.value == "capacity"
    page = client.get(f"/tenders/{tender.id}/shortlist", headers=EN).get_data(as_text=True)
    assert "No capacity 1" in page


def test_forecast_and_remedy_on_a_draft(client, login):
    market(4)
    organisation("宝鸡二级养老机构", areas=("610300",), categories=("elderly.short_stay",), grade="2A", serial=150)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency, min_grade="4A")
    [lot_forecast] = forecast(tender)
    assert lot_forecast.eligible == 0 and lot_forecast.risk == "high"
    remedy = next(r for r in lot_forecast.remedies if r.key == "min_grade=3A")
    assert remedy.gain == 4
    login(agency_user)
    page = client.get(f"/tenders/{tender.id}/manage", headers=EN).get_data(as_text=True)
    assert "High risk" in page and "accept grade 3A" in page
    response = post_form(client, f"/lots/{tender.lots[0].id}/remedy", {"key": "min_grade=3A"},
                         token_from=f"/tenders/{tender.id}/manage")
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.lots[0].min_grade == "3A"
    assert forecast(tender)[0].eligible == 4


def test_splitting_a_city_wide_lot_by_county_lets_county_providers_bid(client, login):
    for serial, county in enumerate(("610302", "610303", "610304"), start=1):  # Weibin, Jintai, Chencang
        organisation(f"区县养老服务社{serial}", home_region=county, areas=(county,), serial=400 + serial)
    organisation("全市养老服务中心", areas=("610300",), serial=410)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency)
    [lot_forecast] = forecast(tender)
    assert lot_forecast.eligible == 1 and lot_forecast.risk == "high"
    split = next(r for r in lot_forecast.remedies if r.rule == "split")
    assert split.gain == 3 and len(split.value) == len(regions.children("610300"))
    login(agency_user)
    assert "split into 12 lots" in client.get(f"/tenders/{tender.id}/manage", headers=EN).get_data(as_text=True)
    response = post_form(client, f"/lots/{tender.lots[0].id}/remedy", {"key": split.key},
                         token_from=f"/tenders/{tender.id}/manage")
    assert response.status_code == 302
    db.session.expire_all()
    lots = tender.lots
    assert [lot.number for lot in lots] == list(range(1, 13)) and sum(lot.quantity for lot in lots) == 1000
    assert lots[0].regions == ["610302"] and lots[0].title == "托养（渭滨区）" and lots[0].ceiling_unit_price == 50
    weibin = forecast(tender)[0]
    assert weibin.eligible == 2  # the Weibin provider and the city-wide one


def test_tender_whose_rules_exclude_everyone(client, login):
    market(2)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency, min_social_workers=500)
    [lot_forecast] = forecast(tender)
    assert lot_forecast.eligible == 0 and any(r.rule == "min_social_workers" for r in lot_forecast.remedies) is False
    login(agency_user)
    assert client.get(f"/tenders/{tender.id}/manage", headers=EN).status_code == 200


def _stored(tender) -> list[tuple[int, int, bool, float]]:
    return [(r.party_id, r.rank, r.eligible, r.score) for r in db.session.scalars(
        select(MatchResult).where(MatchResult.tender_id == tender.id).order_by(MatchResult.rank))]


def test_organisation_change_updates_only_its_place_and_agrees_with_a_full_ranking(run_jobs):
    from marketplace.models import Capability, OrganisationProfile
    from marketplace.shortlists import services as shortlists
    from marketplace.shortlists.jobs import request_rerank_for_organisation

    market(4)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency, min_grade="3A")
    services.publish(tender, by=agency_user)
    run_jobs()
    before = {r.party_id: r for r in db.session.scalars(select(MatchResult))}
    top_id = min(before.values(), key=lambda r: r.rank).party_id
    untouched = {pid: r.computed_at for pid, r in before.items() if pid != top_id}

    # The best provider loses its grade: one rule unmet, it drops below every eligible provider.
    db.session.get(OrganisationProfile, top_id).grade = "2A"
    capability = db.session.scalar(select(Capability).where(Capability.party_id == top_id))
    capability.statement = "文艺演出"
    request_rerank_for_organisation(top_id, "profile")
    run_jobs()
    moved = db.session.scalar(select(MatchResult).where(MatchResult.party_id == top_id))
    assert not moved.eligible and moved.unmet == 1 and moved.rank == 4  # after the three eligible providers
    assert all(r.computed_at == untouched[r.party_id] for r in db.session.scalars(
        select(MatchResult).where(MatchResult.party_id != top_id)))
    incremental = _stored(tender)
    shortlists.rank_tender(tender)
    assert incremental == _stored(tender)


def test_a_worker_keeps_the_market_and_refreshes_changed_organisations(app, run_jobs):
    from marketplace.models import Capability
    from marketplace.shortlists import market as markets
    from marketplace.shortlists.jobs import request_rerank_for_organisation

    market(2)
    app.config["MATCHER_MARKET_MAX_AGE"] = 600
    try:
        markets.forget_markets()
        cached = markets.current_market()
        assert markets.current_market() is cached and len(cached.providers) == 3
        party_id = next(iter(cached.providers))
        db.session.scalar(select(Capability).where(Capability.party_id == party_id)).statement = "困境儿童个案辅导"
        request_rerank_for_organisation(party_id, "capabilities")
        run_jobs()
        refreshed = markets.current_market()
        assert refreshed is cached and "困境儿童" in refreshed.providers[party_id].statements
        assert refreshed.index.score("困境儿童个案")[party_id] > 0.5
        organisation("新登记的机构", serial=300)  # a newcomer not announced by a re-rank request
        assert len(markets.current_market().providers) == 4
    finally:
        app.config["MATCHER_MARKET_MAX_AGE"] = 0
        markets.forget_markets()


def test_recommendations_forecast_and_reference_prices_through_pages_and_api(client, login, run_jobs):
    from marketplace.accounts import tokens

    users = market(3)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency)
    services.publish(tender, by=agency_user)
    run_jobs()
    member = users[0]
    party_id = member.memberships[0].party_id
    login(member)
    page = client.get("/tenders/for-you", headers=EN).get_data(as_text=True)
    assert "短期托养服务" in page and "Eligible" in page
    _token, plain = tokens.create_token(member, "t", None)
    agency_token = tokens.create_token(agency_user, "t", None)[1]
    db.session.commit()
    body = client.get(f"/api/v1/organisations/{party_id}/recommendations",
                      headers={"Authorization": f"Bearer {plain}"}).json
    assert body["tenders"][0]["tender_id"] == tender.id
    assert client.get(f"/api/v1/tenders/{tender.id}/forecast",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 403
    forecast_body = client.get(f"/api/v1/tenders/{tender.id}/forecast",
                               headers={"Authorization": f"Bearer {agency_token}"}).json
    assert forecast_body["lots"][0]["eligible"] == 3 and forecast_body["lots"][0]["risk"] == "medium"
    shortlist_body = client.get(f"/api/v1/tenders/{tender.id}/shortlist",
                                headers={"Authorization": f"Bearer {agency_token}"}).json
    assert len(shortlist_body["lots"][0]["eligible"]) == 3
    invited = client.post(f"/api/v1/tenders/{tender.id}/invitations", json={"top": 2},
                          headers={"Authorization": f"Bearer {agency_token}"}).json
    assert len(invited["invited"]) == 2
    assert client.get("/api/v1/reference-prices").json == {"prices": []}
    assert client.get("/reference-prices", headers=EN).status_code == 200


def test_two_ranking_requests_share_one_run_and_a_failed_run_keeps_the_old_shortlist(run_jobs, monkeypatch):
    from marketplace.matching import scoring
    from marketplace.shortlists.jobs import request_ranking

    market(3)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tender = draft(agency_user, agency)
    tender.lots.append(Lot(number=2, title="第二包", regions=["610300"],
                                    pricing_unit=services.PricingUnit.PERSON_DAY, quantity=Decimal(500),
                                    ceiling_unit_price=Decimal(50), required_credentials=[]))
    services.publish(tender, by=agency_user)
    request_ranking(tender, "again")  # while the first run waits: the same run
    runs = db.session.scalars(select(BackgroundJob).where(BackgroundJob.func_name == "shortlists.rank_tender")).all()
    assert len(runs) == 1
    run_jobs()
    before = {(r.lot_id, r.party_id): r.computed_at for r in db.session.scalars(select(MatchResult))}
    assert len(before) == 8  # 4 organisations x 2 lots

    real_rank = scoring.rank
    calls = []

    def fail_on_second_lot(query, *args, **kwargs):
        calls.append(query.lot_id)
        if len(calls) % 2 == 0:
            raise RuntimeError("matcher crashed halfway")
        return real_rank(query, *args, **kwargs)

    monkeypatch.setattr(scoring, "rank", fail_on_second_lot)
    request_ranking(tender, "will fail")
    run_jobs()
    failed = db.session.scalars(select(BackgroundJob).where(BackgroundJob.func_name == "shortlists.rank_tender")
                                .order_by(BackgroundJob.id.desc())).first()
    assert failed.status == JobStatus.FAILED and failed.attempts == failed.max_attempts
    after = {(r.lot_id, r.party_id): r.computed_at for r in db.session.scalars(select(MatchResult))}
    assert after == before  # nothing half-written: the first lot's new results were rolled back
