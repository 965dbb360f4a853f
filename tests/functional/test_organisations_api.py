"""The registry through the JSON API."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from marketplace.accounts import tokens
from marketplace.extensions import db
from marketplace.models import Capability, Credential, OrganisationProfile, PartyKind, PartyStatus, RerankRequest
from marketplace.organisations import credit_code

from ..factories import organisation, party_admin


def bearer(user) -> dict:
    _token, plain = tokens.create_token(user, "test", None)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}", "Accept-Language": "en"}


def test_directory_and_profile_are_public(client):
    party = organisation(serial=41)
    body = client.get("/api/v1/organisations?region=610302&category=elderly").json
    assert body["total"] == 1 and body["items"][0]["id"] == party.id
    detail = client.get(f"/api/v1/organisations/{party.id}").json
    assert detail["grade"] == "3A" and "contact" not in detail
    assert client.get("/api/v1/organisations?region=999999").status_code == 400


def test_verifier_sees_contact(client):
    party = organisation(serial=42)
    agency_user, _agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    detail = client.get(f"/api/v1/organisations/{party.id}", headers=bearer(agency_user)).json
    assert detail["contact"]["phone"] == "0917-1234567"


def test_member_updates_profile_areas_capabilities(client, run_jobs):
    user, party = party_admin()
    headers = bearer(user)
    code = credit_code.make("foundation", "310114", 88)
    response = client.put(f"/api/v1/organisations/{party.id}/profile", headers=headers, json={
        "legal_form": "foundation", "credit_code": code, "registered_on": "2018-04-01", "home_region": "310114",
        "headcount": 9, "full_time_staff": 5, "grade": "4A", "grade_awarded_on": "2024-05-01"})
    assert response.status_code == 200, response.json
    assert db.session.get(OrganisationProfile, party.id).credit_code == code
    response = client.put(f"/api/v1/organisations/{party.id}/areas", headers=headers,
                          json={"regions": ["310114", "310000"]})
    assert response.json == {"regions": ["310000"]}
    response = client.post(f"/api/v1/organisations/{party.id}/capabilities", headers=headers, json={
        "category": "disability.rehabilitation", "statement": "为残疾儿童提供康复训练、家长培训和社区融合活动。",
        "years": 4})
    assert response.status_code == 201
    capability_id = response.json["id"]
    response = client.put(f"/api/v1/capabilities/{capability_id}", headers=headers, json={
        "category": "disability.rehabilitation",
        "statement": "为残疾儿童提供康复训练、家长培训、辅具适配和社区融合活动。", "years": 5})
    assert response.status_code == 200 and response.json["years"] == 5
    run_jobs()
    assert db.session.scalar(select(func.count(RerankRequest.id))) >= 1


def test_bad_profile_is_a_400_with_fields(client):
    user, party = party_admin()
    response = client.put(f"/api/v1/organisations/{party.id}/profile", headers=bearer(user), json={
        "legal_form": "social_group", "credit_code": "51610302MJX000000A", "home_region": "999999",
        "headcount": -1})
    assert response.status_code == 400
    assert "headcount" in response.json["error"]["fields"]
    response = client.put(f"/api/v1/organisations/{party.id}/profile", headers=bearer(user), json={
        "legal_form": "social_group", "credit_code": "51610302MJX000000A", "home_region": "999999"})
    fields = response.json["error"]["fields"]
    assert "credit_code" in fields and "home_region" in fields
    assert db.session.get(OrganisationProfile, party.id) is None


def test_credential_upload_through_the_api(client):
    user, party = party_admin()
    headers = bearer(user)
    response = client.post(f"/api/v1/organisations/{party.id}/credentials", headers=headers, data={
        "type": "annual_audit_report", "number": "审字2025第12号", "issuer": "宝鸡某会计师事务所",
        "issued_on": "2025-04-01", "document": (io.BytesIO(b"%PDF-1.5\n%%EOF\n"), "audit.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["status"] == "pending"
    response = client.post(f"/api/v1/organisations/{party.id}/credentials", headers=headers, data={
        "type": "insurance", "number": "1", "issuer": "x", "issued_on": "2025-04-01",
        "document": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 50), "policy.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "document" in response.json["error"]["fields"]
    assert db.session.scalar(select(func.count(Credential.id))) == 1
    listed = client.get(f"/api/v1/organisations/{party.id}/credentials", headers=headers).json["credentials"]
    assert listed[0]["counts_for_eligibility"] is False


def test_other_organisation_is_forbidden(client):
    user, _party = party_admin()
    other = organisation(serial=43)
    headers = bearer(user)
    assert client.put(f"/api/v1/organisations/{other.id}/areas", headers=headers,
                      json={"regions": ["610300"]}).status_code == 403
    capability = db.session.scalar(select(Capability).where(Capability.party_id == other.id))
    assert client.delete(f"/api/v1/capabilities/{capability.id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/organisations/{other.id}/credentials", headers=headers).status_code == 403
    assert client.get(f"/api/v1/organisations/{other.id}/members", headers=headers).status_code == 403


def test_categories_and_regions(client):
    groups = client.get("/api/v1/categories").json["groups"]
    assert any(s["code"] == "elderly.short_stay" for g in groups for s in g["services"])
    cities = client.get("/api/v1/regions?parent=610000").json["regions"]
    assert any(r["code"] == "610300" and r["name_zh"] == "宝鸡市" for r in cities)
