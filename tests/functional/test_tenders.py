"""Tenders and bids through the web pages: drafting, publishing, sealed bidding, opening, award."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Bid, BidStatus, PartyKind, PartyStatus, Tender, TenderStatus, utcnow
from marketplace.tenders import services
from marketplace.tenders.views import to_local

from ..conftest import csrf_token, post_form
from ..factories import UserFactory, organisation, party_admin

EN = {"Accept-Language": "en"}


def draft_form(**changes) -> dict:
    deadline = to_local(utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    questions = to_local(utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "救助站受助人员短期托养服务", "description": "为受助人员提供短期托养、生活照料和康复护理。",
            "category_code": "elderly.short_stay", "procurement_method": "open_tender",
            "service_start": "2027-01-01", "service_end": "2027-12-31", "evaluation_method": "comprehensive",
            "price_weight": "30", "deadline": deadline, "clarification_deadline": questions, "objection_days": "3",
            "lots-0-title": "短期托养", "lots-0-regions": "610300", "lots-0-pricing_unit": "person_day",
            "lots-0-quantity": "3000", "lots-0-ceiling_unit_price": "50", "lots-0-min_grade": "",
            "lots-0-no_bad_standing": "y", "criteria-0-name": "服务方案", "criteria-0-weight": "40",
            "criteria-1-name": "团队与经验", "criteria-1-weight": "30"}
    for n in range(1, 5):
        data[f"lots-{n}-pricing_unit"] = "person_day"
        data[f"lots-{n}-min_grade"] = ""
    return data | changes


def test_agency_drafts_and_publishes(client, login):
    user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    login(user)
    url = f"/tenders/new?agency={agency.id}"
    response = post_form(client, url, draft_form(**{"criteria-1-weight": "20"}), token_from=url, headers=EN)
    assert response.status_code == 400 and "must total 100" in response.get_data(as_text=True)
    assert db.session.scalar(select(Tender)) is None
    response = post_form(client, url, draft_form(), token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    tender = db.session.scalar(select(Tender))
    assert tender.status == TenderStatus.DRAFT and tender.lots[0].ceiling_total == 150000
    assert client.get(f"/tenders/{tender.id}", headers=EN).status_code == 200
    # Drafts are private to the agency.
    from flask import current_app

    assert current_app.test_client().get(f"/tenders/{tender.id}").status_code == 404
    post_form(client, f"/tenders/{tender.id}/publish", token_from=f"/tenders/{tender.id}/manage")
    assert db.session.get(Tender, tender.id).status == TenderStatus.PUBLISHED
    page = current_app.test_client().get("/tenders/", headers=EN).get_data(as_text=True)
    assert "救助站受助人员短期托养服务" in page


def test_deadline_in_the_past_is_refused(client, login):
    user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    login(user)
    url = f"/tenders/new?agency={agency.id}"
    past = to_local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    post_form(client, url, draft_form(deadline=past, clarification_deadline=""), token_from=url)
    tender = db.session.scalar(select(Tender))
    response = post_form(client, f"/tenders/{tender.id}/publish", token_from=f"/tenders/{tender.id}/manage",
                         headers=EN, follow_redirects=True)
    assert "at least one hour from now" in response.get_data(as_text=True)
    assert db.session.get(Tender, tender.id).status == TenderStatus.DRAFT


def published_tender() -> Tender:
    user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    from .. import factories  # noqa: F401

    tender = services.create_draft(agency, services.TenderInput(
        title="儿童保护服务", description="困境儿童保护", category_code="minors.protection",
        procurement_method=services.ProcurementMethod.OPEN_TENDER, service_start=utcnow().date(),
        service_end=utcnow().date() + timedelta(days=365), evaluation_method=services.EvaluationMethod.COMPREHENSIVE,
        deadline=utcnow() + timedelta(days=10), price_weight=30),
        [services.LotInput(title="全市", pricing_unit=services.PricingUnit.LUMP_SUM, quantity=1,
                           ceiling_unit_price=200000, regions=["610300"])],
        [services.CriterionInput("方案", 70)], by=user)
    services.publish(tender, by=user)
    db.session.commit()
    tender.agency_user = user
    return tender


def bid_data(tender, price="180000") -> dict:
    return {"party": "", "unit_price": price, f"proposal-{tender.criteria[0].id}": "我们的方案", "team": "5人",
            "implementation_plan": "分三阶段", "action": "submit"}


def test_sealed_bidding_and_receipt(app, client, login):
    tender = published_tender()
    lot = tender.lots[0]
    user = UserFactory()
    party = organisation("宝鸡市阳光儿童保护中心", categories=("minors.protection",), areas=("610300",), admin=user,
                         serial=71)
    login(user)
    url = f"/tenders/{tender.id}/lots/{lot.id}/bid?party={party.id}"
    response = post_form(client, url, bid_data(tender, "200000.01"), token_from=url, headers=EN)
    assert response.status_code == 400 and "above the ceiling" in response.get_data(as_text=True)
    response = post_form(client, url, bid_data(tender), token_from=url)
    assert response.status_code == 302
    page = client.get(url, headers=EN).get_data(as_text=True)
    bid = db.session.scalar(select(Bid))
    assert bid.status == BidStatus.SUBMITTED and bid.receipt_hash in page

    # The agency sees the count, never the content, before the deadline.
    agency_client = login(tender.agency_user, test_client=app.test_client())
    manage = agency_client.get(f"/tenders/{tender.id}/manage", headers=EN).get_data(as_text=True)
    assert "Bids received: 1" in manage and "宝鸡市阳光儿童保护中心" not in manage and "180" not in manage
    assert agency_client.get(url).status_code == 403

    # Two submits from the same stale page: the second is refused, nothing changes.
    token = csrf_token(client, url)
    stale = bid_data(tender, "170000") | {"csrf_token": token, "version": str(bid.version)}
    assert client.post(url, data=stale).status_code == 302
    response = client.post(url, data=stale | {"unit_price": "160000"}, headers=EN)
    assert response.status_code == 400 and "changed in another window" in response.get_data(as_text=True)
    assert db.session.get(Bid, bid.id).unit_price == 170000


def test_bid_after_the_deadline_is_refused(app, client, login):
    tender = published_tender()
    user = UserFactory()
    party = organisation(admin=user, serial=72, categories=("minors.protection",))
    login(user)
    tender.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    url = f"/tenders/{tender.id}/lots/{tender.lots[0].id}/bid?party={party.id}"
    response = post_form(client, url, bid_data(tender), token_from=url, headers=EN)
    assert response.status_code == 400 and "deadline" in response.get_data(as_text=True)
    assert db.session.scalar(select(Bid)) is None


def test_organisation_cannot_manage_or_score(app, client, login):
    tender = published_tender()
    user = UserFactory()
    organisation(admin=user, serial=73)
    login(user)
    assert client.get(f"/tenders/{tender.id}/manage").status_code == 403
    assert post_form(client, f"/tenders/{tender.id}/publish").status_code == 403


def test_published_tender_cannot_be_edited_around_amendments(client, login):
    tender = published_tender()
    login(tender.agency_user)
    response = client.get(f"/tenders/{tender.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tenders/{tender.id}/amend")
    url = f"/tenders/{tender.id}/edit"
    post_form(client, url, draft_form(title="偷偷修改"), token_from=f"/tenders/{tender.id}/manage")
    assert db.session.get(Tender, tender.id).title == "儿童保护服务"


def test_attachments_public_for_tenders_sealed_for_bids(app, client, login):
    import io

    tender = published_tender()
    user = UserFactory()
    party = organisation(admin=user, serial=74, categories=("minors.protection",))
    login(user)
    url = f"/tenders/{tender.id}/lots/{tender.lots[0].id}/bid?party={party.id}"
    post_form(client, url, bid_data(tender), token_from=url)
    bid = db.session.scalar(select(Bid))
    response = client.post(f"/bids/{bid.id}/attachments", data={
        "csrf_token": csrf_token(client, url), "document": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "plan.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    from marketplace.models import Attachment

    item = db.session.scalar(select(Attachment))
    own = client.get(f"/tenders/attachments/{item.id}")
    own.close()
    assert own.status_code == 200
    agency_client = login(tender.agency_user, test_client=app.test_client())
    assert agency_client.get(f"/tenders/attachments/{item.id}").status_code == 403  # sealed
    assert app.test_client().get(f"/tenders/attachments/{item.id}").status_code == 403
