"""The JSON API: token authentication, object-level checks, JSON errors and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from marketplace.accounts import tokens
from marketplace.api.openapi import _openapi_path
from marketplace.extensions import db
from marketplace.models import ApiToken, utcnow

from ..conftest import post_form
from ..factories import UserFactory, party_admin


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}", "Accept-Language": "en"}


@pytest.fixture
def token_of():
    def make(user, days=None):
        _token, plain = tokens.create_token(user, "test", days)
        db.session.commit()
        return plain

    return make


def test_me_needs_a_token(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["error"]["status"] == 401


def test_me_with_token(client, token_of):
    user, party = party_admin()
    response = client.get("/api/v1/me", headers=bearer(token_of(user)))
    assert response.status_code == 200
    body = response.json
    assert body["email"] == user.email
    assert body["parties"] == [{"id": party.id, "kind": "organisation", "name": party.name,
                                "name_en": party.name_en, "status": "approved", "role": "admin"}]


def test_session_cookie_is_not_accepted_by_the_api(client, login):
    login(UserFactory())
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_and_expired_tokens_stop_working(client, token_of):
    user = UserFactory()
    plain = token_of(user)
    token = db.session.scalar(select(ApiToken))
    tokens.revoke_token(token)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 401
    expiring = token_of(user, days=1)
    row = db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(expiring)).status_code == 401


def test_token_is_stored_only_as_a_hash(token_of):
    plain = token_of(UserFactory())
    row = db.session.scalar(select(ApiToken))
    assert plain.startswith("ssm_") and plain not in (row.token_hash, row.prefix)


def test_another_partys_object_is_forbidden(client, token_of):
    user, _party = party_admin()
    _other, other_party = party_admin()
    response = client.get(f"/api/v1/parties/{other_party.id}", headers=bearer(token_of(user)))
    assert response.status_code == 403
    assert response.json["error"]["message"] == "You do not have permission to see or change this."


def test_missing_object_is_json_404(client, token_of):
    response = client.get("/api/v1/parties/9999", headers=bearer(token_of(UserFactory())))
    assert response.status_code == 404 and response.json["error"]["status"] == 404
    assert client.get("/api/v1/no-such-endpoint").json["error"]["status"] == 404


def test_party_members_only_for_its_admins(client, token_of):
    admin, party = party_admin()
    body = client.get(f"/api/v1/parties/{party.id}", headers=bearer(token_of(admin))).json
    assert body["members"][0]["email"] == admin.email


def test_tokens_are_created_and_revoked_in_the_ui(client, login):
    user = UserFactory()
    login(user)
    response = post_form(client, "/account/tokens", {"name": "bureau sync", "expires_in_days": "30"},
                         token_from="/account/tokens")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="new-token"' in page
    row = db.session.scalar(select(ApiToken))
    assert row.user_id == user.id and row.expires_at is not None
    assert post_form(client, f"/account/tokens/{row.id}/revoke").status_code == 302
    assert db.session.get(ApiToken, row.id).revoked_at is not None


def test_cannot_revoke_another_users_token(client, login, token_of):
    token_of(UserFactory())
    victim_token = db.session.scalar(select(ApiToken))
    login(UserFactory())
    assert post_form(client, f"/account/tokens/{victim_token.id}/revoke").status_code == 403
    assert db.session.get(ApiToken, victim_token.id).revoked_at is None


def test_token_form_errors_are_field_level(client, login):
    login(UserFactory())
    response = post_form(client, "/account/tokens", {"name": "", "expires_in_days": "0"},
                         token_from="/account/tokens", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give the token a name." in page and "Choose between 1 and 3650 days." in page
    assert db.session.scalar(select(ApiToken)) is None


def test_openapi_document_is_valid_and_covers_every_endpoint(app, client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    documented = set(document["paths"])
    routes = {_openapi_path(rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == documented
    assert "/me" in documented and "/jobs/{job_id}" in documented


def test_changes_through_the_api_are_audited_as_the_token_user(client, token_of):
    from marketplace.models import AuditEvent, PartyKind, PartyStatus

    user, incubator = party_admin(PartyKind.INCUBATOR, PartyStatus.APPROVED)
    response = client.post("/api/v1/incubation/programmes", headers=bearer(token_of(user)), json={
        "incubator_id": incubator.id, "name": "培育计划", "focus_categories": ["minors.protection"],
        "focus_regions": ["610300"], "starts_on": "2026-12-01", "ends_on": "2027-11-30", "capacity": 3,
        "budget": "1000.00"})
    assert response.status_code == 201, response.json
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "incubation.programme_create"))
    assert event.actor_user_id == user.id and event.actor_label == user.email
