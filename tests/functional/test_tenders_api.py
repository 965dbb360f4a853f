"""Tenders and bids through the API, with the sealed-bid rule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts import tokens
from marketplace.extensions import db
from marketplace.models import Bid, PartyKind, PartyStatus, Tender, TenderStatus, utcnow
from marketplace.tenders import services

from ..factories import UserFactory, organisation, party_admin


def bearer(user) -> dict:
    _token, plain = tokens.create_token(user, "t", None)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}", "Accept-Language": "en"}


def tender_body(agency_id: int, **changes) -> dict:
    return {"agency_id": agency_id, "title": "嘉定区重度残疾人居家托养服务", "description": "居家托养",
            "category": "disability.severe_home_care", "procurement_method": "open_tender",
            "evaluation_method": "comprehensive", "price_weight": 30, "service_start": "2027-01-01",
            "service_end": "2027-12-31", "deadline": (utcnow() + timedelta(days=15)).isoformat(),
            "lots": [{"title": "安亭镇", "pricing_unit": "person_month", "quantity": "600",
                      "ceiling_unit_price": "1500", "regions": ["310114"]}],
            "criteria": [{"name": "服务方案", "weight": 70}]} | changes


def test_agency_drafts_and_publishes_through_the_api(client):
    user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    headers = bearer(user)
    response = client.post("/api/v1/tenders", headers=headers, json=tender_body(agency.id, price_weight=20))
    assert response.status_code == 400 and "criteria" in response.json["error"]["fields"]
    response = client.post("/api/v1/tenders", headers=headers,
                           json=tender_body(agency.id, deadline=(utcnow() + timedelta(days=15)).replace(
                               tzinfo=None).isoformat()))
    assert response.status_code == 400 and "offset" in response.json["error"]["message"]
    response = client.post("/api/v1/tenders", headers=headers, json=tender_body(agency.id))
    assert response.status_code == 201
    tender_id = response.json["id"]
    assert client.get(f"/api/v1/tenders/{tender_id}").status_code == 404  # a draft, to the public
    response = client.post(f"/api/v1/tenders/{tender_id}/publish", headers=headers)
    assert response.status_code == 200 and response.json["status"] == "published"
    assert client.post(f"/api/v1/tenders/{tender_id}/publish", headers=headers).status_code == 409
    assert client.get(f"/api/v1/tenders/{tender_id}").json["lots"][0]["ceiling_total"] == "900000.00"


def test_sealed_bid_through_the_api(client):
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    agency_headers = bearer(agency_user)
    tender_id = client.post("/api/v1/tenders", headers=agency_headers, json=tender_body(agency.id)).json["id"]
    client.post(f"/api/v1/tenders/{tender_id}/publish", headers=agency_headers)
    tender = db.session.get(Tender, tender_id)
    lot, criterion = tender.lots[0], tender.criteria[0]
    bidder = UserFactory()
    party = organisation("上海嘉馨社会工作服务社", home_region="310114", areas=("310114",),
                         categories=("disability.severe_home_care",), admin=bidder, serial=81)
    headers = bearer(bidder)
    body = {"party_id": party.id, "unit_price": "1400", "proposals": {str(criterion.id): "方案"},
            "implementation_plan": "计划", "submit": True}
    assert client.put(f"/api/v1/lots/{lot.id}/bid", headers=headers,
                      json=body | {"unit_price": "1600"}).status_code == 400
    response = client.put(f"/api/v1/lots/{lot.id}/bid", headers=headers, json=body)
    assert response.status_code == 200 and len(response.json["receipt_hash"]) == 64
    bid_id, version = response.json["id"], response.json["version"]
    eligibility = client.get(f"/api/v1/lots/{lot.id}/eligibility?party_id={party.id}", headers=headers).json
    assert eligibility["total"] >= 1

    # Nobody else reads it before the opening: not the agency, not a platform administrator.
    assert client.get(f"/api/v1/bids/{bid_id}", headers=agency_headers).status_code == 403
    assert client.get(f"/api/v1/tenders/{tender_id}/opening", headers=agency_headers).status_code == 403
    assert client.get(f"/api/v1/bids/{bid_id}", headers=headers).status_code == 200
    # The organisation cannot qualify or score anything.
    assert client.post(f"/api/v1/bids/{bid_id}/qualify", headers=headers).status_code == 403
    # A stale version is refused.
    client.put(f"/api/v1/lots/{lot.id}/bid", headers=headers, json=body | {"version": version})
    stale = client.put(f"/api/v1/lots/{lot.id}/bid", headers=headers, json=body | {"version": version,
                                                                                    "unit_price": "1300"})
    assert stale.status_code == 400 and db.session.get(Bid, bid_id).unit_price == 1400

    # After the deadline: refused by server time; the opening shows the bidder to the agency.
    tender.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.put(f"/api/v1/lots/{lot.id}/bid", headers=headers, json=body).status_code == 400
    services.close_and_open(tender)
    db.session.commit()
    assert db.session.get(Tender, tender_id).status == TenderStatus.FAILED  # one bid < 3
    record = client.get(f"/api/v1/tenders/{tender_id}/opening", headers=agency_headers).json
    assert record["bids"][0]["bidder"] == "上海嘉馨社会工作服务社"
    assert client.get(f"/api/v1/bids/{bid_id}", headers=agency_headers).status_code == 200
    assert db.session.scalar(select(Bid)).status.value == "submitted"


def test_full_cycle_through_the_api(client):
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    agency_headers = bearer(agency_user)
    tender_id = client.post("/api/v1/tenders", headers=agency_headers, json=tender_body(agency.id)).json["id"]
    assert client.post(f"/api/v1/tenders/{tender_id}/publish", headers=agency_headers).status_code == 200
    tender = db.session.get(Tender, tender_id)
    lot, criterion = tender.lots[0], tender.criteria[0]
    bid_ids = []
    for serial, price in ((91, "1400"), (92, "1300"), (93, "1450")):
        user = UserFactory()
        party = organisation(f"上海助残组织{serial}", home_region="310114", areas=("310114",),
                             categories=("disability.severe_home_care",), admin=user, serial=serial)
        headers = bearer(user)
        if serial == 91:
            question = client.post(f"/api/v1/tenders/{tender_id}/questions", headers=headers,
                                   json={"party_id": party.id, "question": "是否需要护理员持证？"})
            assert question.status_code == 201
            answered = client.post(f"/api/v1/questions/{question.json['id']}/answer", headers=agency_headers,
                                   json={"answer": "需要持有养老护理员证书。"})
            assert answered.json["answers"][0]["answer"] == "需要持有养老护理员证书。"
        response = client.put(f"/api/v1/lots/{lot.id}/bid", headers=headers, json={
            "party_id": party.id, "unit_price": price, "proposals": {str(criterion.id): "方案"},
            "implementation_plan": "计划", "submit": True})
        assert response.status_code == 200
        bid_ids.append(response.json["id"])
    tender.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    services.close_and_open(tender)
    db.session.commit()
    for bid_id in bid_ids:
        assert client.post(f"/api/v1/bids/{bid_id}/qualify", headers=agency_headers).status_code == 200
    assert client.post(f"/api/v1/tenders/{tender_id}/finish-qualification",
                       headers=agency_headers).json["status"] == "scoring"
    for bid_id, points in zip(bid_ids, (60, 55, 65), strict=True):
        response = client.post(f"/api/v1/bids/{bid_id}/scores", headers=agency_headers,
                               json={"scores": [{"criterion_id": criterion.id, "score": points}]})
        assert response.status_code == 200
    assert client.post(f"/api/v1/bids/{bid_ids[0]}/scores", headers=agency_headers, json={
        "scores": [{"criterion_id": criterion.id, "score": 71}]}).status_code == 400
    assert client.post(f"/api/v1/tenders/{tender_id}/propose-award", headers=agency_headers).status_code == 200
    published = client.post(f"/api/v1/tenders/{tender_id}/publish-award", headers=agency_headers).json
    assert published["status"] == "award_notice" and len(published["awards"]) == 1
    assert client.post(f"/api/v1/tenders/{tender_id}/publish", headers=agency_headers).status_code == 409
