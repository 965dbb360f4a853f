"""The incubation track through the API: programmes, enrolment, the ladder, mentoring, support, the gap map."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.accounts import tokens
from marketplace.extensions import db
from marketplace.models import (
    Enrolment,
    Invitation,
    MemberRole,
    MentoringSession,
    Party,
    PartyKind,
    PartyStatus,
    Programme,
    Stage,
    StageMove,
    SupportEntry,
)
from marketplace.organisations.jobs import local_today
from marketplace.tenders import services as tenders

from ..factories import MembershipFactory, UserFactory, organisation, party_admin
from .test_shortlists import draft

API = "/api/v1/incubation"
LADDER = [("registering", ["charter_board"]), ("building_capacity", ["registration", "bank_bookkeeping"]),
          ("pilot_delivery", ["trained_staff", "social_worker"]), ("market_ready", ["first_pilot", "insurance"]),
          ("graduated", ["evaluation_grade"])]


def bearer(user) -> dict:
    _token, plain = tokens.create_token(user, "t", None)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}", "Accept-Language": "en"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def programme_body(incubator_id: int, **changes) -> dict:
    today = local_today()
    return {"incubator_id": incubator_id, "name": "宝鸡未成年人保护培育计划",
            "focus_categories": ["minors.protection", "elderly.short_stay"], "focus_regions": ["610300"],
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=365)).isoformat(), "capacity": 5,
            "budget": "100000", "support_offered": "办公场地、种子资金、督导"} | changes


def incubator_with_programme(client, **changes):
    staff, incubator = party_admin(PartyKind.INCUBATOR, PartyStatus.APPROVED)
    headers = bearer(staff)
    response = client.post(f"{API}/programmes", headers=headers, json=programme_body(incubator.id, **changes))
    assert response.status_code == 201, response.json
    return staff, incubator, headers, response.json["id"]


def new_group(client, headers, programme_id: int, name: str = "渭滨区护苗志愿队", **extra) -> dict:
    response = client.post(f"{API}/programmes/{programme_id}/enrolments", headers=headers, json={
        "name": name, "home_region": "610302", "intake_assessment": "骨干5人，有意愿登记。", **extra})
    assert response.status_code == 201, response.json
    return response.json


def error_fields(response) -> dict:
    return response.json["error"].get("fields") or {}


def test_a_group_goes_through_the_whole_programme_by_api(client):
    staff, incubator, headers, programme_id = incubator_with_programme(client)
    today = local_today()
    programme = client.get(f"{API}/programmes/{programme_id}", headers=headers).json
    assert programme["budget"] == "100000.00" and programme["spent"] == "0.00" and programme["enrolled"] == 0
    assert programme["incubator"]["id"] == incubator.id and programme["starts_on"] == today.isoformat()
    listed = client.get(f"{API}/programmes", headers=headers).json["programmes"]
    assert [p["id"] for p in listed] == [programme_id]

    enrolment = new_group(client, headers, programme_id, contact_name="王队长", contact_phone="13800000000",
                          claim_email="Leader@Example.org")
    assert enrolment["stage"] == "grassroots" and enrolment["party"]["name"] == "渭滨区护苗志愿队"
    assert [m["to"] for m in enrolment["moves"]] == ["grassroots"]
    assert len(enrolment["checklist"]) == 8 and enrolment["checklist"][0] == {
        "key": "charter_board", "label": "Charter and board", "needed_for": "registering", "done": False,
        "done_on": None, "evidence": None}
    assert enrolment["next_stages"] == [{"stage": "registering", "missing": ["charter_board"]}]
    assert enrolment["budget"] == {"budget": "100000.00", "spent": "0.00"}
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "leader@example.org" and invitation.role == MemberRole.ADMIN
    assert invitation.party_id == enrolment["party"]["id"]
    url = f"{API}/enrolments/{enrolment['id']}"

    for stage, items in LADDER:
        for key in items:
            response = client.put(f"{url}/checklist/{key}", headers=headers,
                                  json={"done": True, "evidence": "原件已核"})
            assert response.status_code == 200, response.json
        response = client.post(f"{url}/stage", headers=headers, json={"stage": stage, "note": "材料齐全"})
        assert response.status_code == 200, response.json
        assert response.json["stage"] == stage
    body = response.json
    assert body["graduated_on"] == today.isoformat() and not body["active"] and body["next_stages"] == []
    assert all(item["done"] and item["evidence"] == "原件已核" for item in body["checklist"])
    assert len(body["moves"]) == 6 and body["readiness"][-1]["score"] == 100

    response = client.post(f"{url}/sessions", headers=headers, json={
        "held_on": today.isoformat(), "topics": "投标准备", "notes": "首个标书需要预算表模板。",
        "actions": [{"text": "整理预算表", "owner": "负责人", "due_on": (today + timedelta(days=7)).isoformat()}]})
    assert response.status_code == 201, response.json
    session = response.json
    assert session["mentor"]["id"] == staff.id and session["notes"] == "首个标书需要预算表模板。"
    action_id = session["actions"][0]["id"]
    response = client.post(f"{API}/actions/{action_id}/done", headers=headers)
    assert response.status_code == 200 and response.json["done_on"] == today.isoformat()

    response = client.post(f"{url}/support", headers=headers, json={
        "kind": "seed_funding", "description": "种子资金", "amount": "20000.5", "given_on": today.isoformat()})
    assert response.status_code == 201, response.json
    assert response.json["amount"] == "20000.50" and response.json["programme"] == {
        "budget": "100000.00", "spent": "20000.50"}

    programme = client.get(f"{API}/programmes/{programme_id}", headers=headers).json
    assert programme["spent"] == "20000.50" and programme["spent_by_kind"] == {"seed_funding": "20000.50"}
    assert [(e["stage"], e["spent"]) for e in programme["enrolments"]] == [("graduated", "20000.50")]
    assert [(o["enrolment_id"], o["bids"], o["awards"]) for o in programme["outcomes"]] == [(enrolment["id"], 0, 0)]
    detail = client.get(url, headers=headers).json
    assert detail["sessions"][0]["actions"][0]["done_on"] == today.isoformat()
    assert detail["support"][0]["kind"] == "seed_funding"

    board = client.get(f"{API}/dashboard", headers=headers).json
    assert board["incubator"]["id"] == incubator.id and board["by_stage"]["graduated"] == 1
    assert board["budget"] == "100000.00" and board["spent"] == "20000.50" and len(board["outcomes"]) == 1
    assert board["overdue_actions"] == [] and board["readiness_trend"][-1]["score"] == 100

    response = client.patch(f"{API}/programmes/{programme_id}", headers=headers, json={"capacity": 8})
    assert response.status_code == 200 and response.json["capacity"] == 8
    assert response.json["name"] == "宝鸡未成年人保护培育计划"  # what was not sent is kept


def test_programme_input_is_checked_field_by_field_and_nothing_is_created(client):
    staff, incubator = party_admin(PartyKind.INCUBATOR, PartyStatus.APPROVED)
    headers = bearer(staff)
    today = local_today()
    cases = [
        ({"ends_on": today.isoformat()}, "ends_on", "The programme must end after it starts."),
        ({"starts_on": None}, "starts_on", "starts_on is required."),
        ({"starts_on": "31/12/2026"}, "starts_on", "starts_on must be a date like 2024-05-31."),
        ({"budget": "ten thousand"}, "budget", "budget must be a number."),
        ({"budget": "-1"}, "budget", "The budget cannot be negative."),
        ({"capacity": "5"}, "capacity", "capacity must be a whole number, 0 or more."),
        ({"capacity": 0}, "capacity", "A programme takes at least one group."),
        ({"focus_categories": ["no.such.service"]}, "focus_categories",
         "Choose at least one service from the catalogue."),
        ({"focus_regions": "610300"}, "focus_regions", "Choose at least one region."),
        ({"name": "计划" * 101}, "name", "At most 200 characters."),
        ({"name": "  "}, "name", "Give the programme a name."),
    ]
    for changes, field, message in cases:
        response = client.post(f"{API}/programmes", headers=headers, json=programme_body(incubator.id, **changes))
        assert response.status_code == 400, (changes, response.json)
        assert field in error_fields(response), (changes, response.json)
        if message:
            assert response.json["error"]["message"] == message
    response = client.post(f"{API}/programmes", headers=headers, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "Send a JSON object in the request body."
    response = client.post(f"{API}/programmes", headers=headers, json=programme_body(None))
    assert response.status_code == 400 and "incubator_id" in error_fields(response)
    # Only the staff of an approved incubator run programmes.
    outsider = UserFactory()
    response = client.post(f"{API}/programmes", headers=bearer(outsider), json=programme_body(incubator.id))
    assert response.status_code == 403
    pending_staff, pending = party_admin(PartyKind.INCUBATOR, PartyStatus.PENDING)
    response = client.post(f"{API}/programmes", headers=bearer(pending_staff), json=programme_body(pending.id))
    assert response.status_code == 403
    assert count(Programme) == 0


def test_a_stage_needs_its_checklist_items_and_a_refused_move_changes_nothing(client):
    _staff, _incubator, headers, programme_id = incubator_with_programme(client)
    enrolment = new_group(client, headers, programme_id)
    url = f"{API}/enrolments/{enrolment['id']}"
    moves = count(StageMove)
    response = client.post(f"{url}/stage", headers=headers, json={"stage": "registering"})
    assert response.status_code == 400
    assert response.json["error"]["message"] == "Not yet: this stage needs Charter and board."
    assert error_fields(response) == {"stage": ["Not yet: this stage needs Charter and board."]}
    response = client.post(f"{url}/stage", headers=headers, json={"stage": "pilot_delivery"})
    assert response.status_code == 400 and "one stage at a time" in response.json["error"]["message"]
    response = client.post(f"{url}/stage", headers=headers, json={"stage": "famous"})
    assert response.status_code == 400 and response.json["error"]["message"] == (
        "Stage: grassroots, registering, building_capacity, pilot_delivery, market_ready, graduated, withdrawn")
    response = client.post(f"{url}/stage", headers=headers, json={"stage": "withdrawn"})
    assert response.status_code == 400 and error_fields(response) == {"note": ["Say why the group withdraws."]}
    assert count(StageMove) == moves
    assert db.session.get(Enrolment, enrolment["id"]).stage == Stage.GRASSROOTS

    response = client.put(f"{url}/checklist/charter_board", headers=headers, json={"done": "yes"})
    assert response.status_code == 400 and "done" in error_fields(response)
    response = client.put(f"{url}/checklist/no_such_item", headers=headers, json={"done": True})
    assert response.status_code == 400 and "key" in error_fields(response)
    assert not any(item["done"] for item in client.get(url, headers=headers).json["checklist"])


def test_mentoring_notes_are_for_the_incubator_the_programmes_mentors_and_the_group_only(client):
    staff, incubator, headers, programme_id = incubator_with_programme(client)
    other_id = client.post(f"{API}/programmes", headers=headers,
                           json=programme_body(incubator.id, name="另一个计划")).json["id"]
    expert, outsider_mentor = UserFactory(), UserFactory()
    MembershipFactory(user=expert, party=incubator, role=MemberRole.MENTOR)
    MembershipFactory(user=outsider_mentor, party=incubator, role=MemberRole.MENTOR)
    stranger = UserFactory()
    response = client.post(f"{API}/programmes/{programme_id}/mentors", headers=headers, json={"email": stranger.email})
    assert response.status_code == 400 and "email" in error_fields(response)  # not in the incubator
    response = client.post(f"{API}/programmes/{programme_id}/mentors", headers=headers,
                           json={"email": "nobody@example.org"})
    assert response.status_code == 400 and "invite the person" in error_fields(response)["email"][0]
    response = client.post(f"{API}/programmes/{programme_id}/mentors", headers=headers,
                           json={"email": expert.email.upper()})
    assert response.status_code == 201 and response.json["user_id"] == expert.id
    response = client.post(f"{API}/programmes/{programme_id}/mentors", headers=headers, json={"email": expert.email})
    assert response.status_code == 400 and error_fields(response) == {
        "email": ["This person already mentors the programme."]}
    client.post(f"{API}/programmes/{other_id}/mentors", headers=headers, json={"email": outsider_mentor.email})

    enrolment = new_group(client, headers, programme_id)
    url = f"{API}/enrolments/{enrolment['id']}"
    leader = UserFactory()
    MembershipFactory(user=leader, party=db.session.get(Party, enrolment["party"]["id"]), role=MemberRole.ADMIN)
    expert_headers = bearer(expert)
    today = local_today()
    response = client.post(f"{url}/sessions", headers=expert_headers, json={
        "held_on": today.isoformat(), "topics": "章程起草", "notes": "理事会成员之间有分歧，需要单独沟通。",
        "actions": [{"text": "起草章程", "owner": "负责人", "due_on": (today + timedelta(days=7)).isoformat()}]})
    assert response.status_code == 201, response.json

    outsider_headers = bearer(outsider_mentor)
    for user_headers, status in ((headers, 200), (expert_headers, 200), (bearer(leader), 200),
                                 (outsider_headers, 403), (bearer(UserFactory()), 403)):
        response = client.get(url, headers=user_headers)
        assert response.status_code == status
        assert ("理事会成员之间有分歧" in str(response.json)) == (status == 200)
    assert client.get(f"{API}/enrolments/9999", headers=headers).status_code == 404
    # Neither may the other programme's mentor write notes, see the programme's money or change the group.
    sessions = count(MentoringSession)
    response = client.post(f"{url}/sessions", headers=outsider_headers,
                           json={"held_on": today.isoformat(), "topics": "x"})
    assert response.status_code == 403 and count(MentoringSession) == sessions
    assert client.get(f"{API}/programmes/{programme_id}", headers=outsider_headers).status_code == 403
    assert client.post(f"{url}/stage", headers=expert_headers, json={"stage": "withdrawn", "note": "x"}
                       ).status_code == 403
    # The programme's mentor sees the programme but not the staff's view of the money or mentors' e-mails.
    body = client.get(f"{API}/programmes/{programme_id}", headers=expert_headers).json
    assert [e["id"] for e in body["enrolments"]] == [enrolment["id"]] and "email" not in body["mentors"][0]
    assert "budget" not in client.get(url, headers=expert_headers).json
    assert [p["id"] for p in client.get(f"{API}/programmes", headers=expert_headers).json["programmes"]] == [
        programme_id]
    assert client.get(f"{API}/dashboard", headers=expert_headers).status_code == 400  # not staff of any incubator
    assert client.get(f"{API}/dashboard?incubator_id={incubator.id}", headers=expert_headers).status_code == 403
    # The group itself ticks off its action.
    action_id = client.get(url, headers=headers).json["sessions"][0]["actions"][0]["id"]
    assert client.post(f"{API}/actions/{action_id}/done", headers=outsider_headers).status_code == 403
    assert client.post(f"{API}/actions/{action_id}/done", headers=bearer(leader)).status_code == 200


def test_an_organisation_is_not_enrolled_twice_in_overlapping_programmes(client):
    _staff, incubator, headers, programme_id = incubator_with_programme(client)
    today = local_today()
    overlapping = client.post(f"{API}/programmes", headers=headers, json=programme_body(
        incubator.id, name="另一期", starts_on=(today + timedelta(days=100)).isoformat(),
        ends_on=(today + timedelta(days=400)).isoformat())).json["id"]
    org = organisation("已登记的机构", serial=77)
    response = client.post(f"{API}/programmes/{programme_id}/enrolments", headers=headers,
                           json={"organisation_id": org.id, "intake_assessment": "有基础"})
    assert response.status_code == 201 and response.json["party"]["id"] == org.id
    first = response.json["id"]
    response = client.post(f"{API}/programmes/{overlapping}/enrolments", headers=headers,
                           json={"organisation_id": org.id, "intake_assessment": "再次报名"})
    assert response.status_code == 409  # the organisation's state refuses, not the input
    assert response.json["error"]["message"] == ("This group is already enrolled in 宝鸡未成年人保护培育计划, which "
                                                 "overlaps these dates.")
    assert count(Enrolment) == 1
    # Having left, it may join the other programme, but not come back to the same one.
    response = client.post(f"{API}/enrolments/{first}/stage", headers=headers,
                           json={"stage": "withdrawn", "note": "转入另一期"})
    assert response.status_code == 200 and response.json["withdrawn_on"] == local_today().isoformat()
    response = client.post(f"{API}/programmes/{programme_id}/enrolments", headers=headers,
                           json={"organisation_id": org.id, "intake_assessment": "再来"})
    assert response.status_code == 409
    assert "already been enrolled in this programme" in response.json["error"]["message"]
    response = client.post(f"{API}/programmes/{overlapping}/enrolments", headers=headers,
                           json={"organisation_id": org.id, "intake_assessment": "再次报名"})
    assert response.status_code == 201
    assert count(Enrolment) == 2

    # What is missing or wrong is named.
    fresh = organisation("另一家机构", serial=78)
    for body, field in (({"organisation_id": fresh.id}, "intake_assessment"),
                        ({"organisation_id": 9999, "intake_assessment": "x"}, "organisation_id"),
                        ({"organisation_id": incubator.id, "intake_assessment": "x"}, "organisation_id"),
                        ({"intake_assessment": "x"}, "organisation_id"),
                        ({"name": "新团队", "intake_assessment": "x"}, "home_region"),
                        ({"name": "新团队", "home_region": "610302"}, "intake_assessment"),
                        ({"name": "新团队", "home_region": "610302", "intake_assessment": "x",
                          "claim_email": "not-an-address"}, "claim_email"),
                        ({"name": " ", "home_region": "610302", "intake_assessment": "x"}, "name")):
        response = client.post(f"{API}/programmes/{programme_id}/enrolments", headers=headers, json=body)
        assert response.status_code == 400 and field in error_fields(response), (body, response.json)
    assert count(Enrolment) == 2 and count(Party) == 3  # the incubator and two organisations: no stray group
    assert count(Invitation) == 0


def test_support_over_the_budget_needs_a_confirmation(client):
    _staff, _incubator, headers, programme_id = incubator_with_programme(client, budget="100000.00")
    enrolment = new_group(client, headers, programme_id)
    url = f"{API}/enrolments/{enrolment['id']}/support"
    today = local_today().isoformat()
    entry = {"kind": "seed_funding", "description": "种子资金", "amount": "90000", "given_on": today}
    assert client.post(url, headers=headers, json=entry).status_code == 201
    over = entry | {"kind": "training", "description": "培训", "amount": 20000}
    response = client.post(url, headers=headers, json=over)
    assert response.status_code == 400
    assert error_fields(response) == {"confirm_over_budget": [
        "This brings the programme to 110,000.00 CNY, over its budget of 100,000.00 CNY. "
        "Confirm to record it anyway."]}
    assert count(SupportEntry) == 1
    for changes, field in (({"kind": "cash"}, "kind"), ({"amount": "-5"}, "amount"), ({"amount": None}, "amount"),
                           ({"amount": "NaN"}, "amount"), ({"given_on": ""}, "given_on"),
                           ({"description": ""}, "description"), ({"confirm_over_budget": "yes"},
                                                                   "confirm_over_budget")):
        response = client.post(url, headers=headers, json=over | changes)
        assert response.status_code == 400 and field in error_fields(response), (changes, response.json)
    assert count(SupportEntry) == 1
    response = client.post(url, headers=headers, json=over | {"confirm_over_budget": True})
    assert response.status_code == 201 and response.json["over_budget_confirmed"]
    assert response.json["programme"] == {"budget": "100000.00", "spent": "110000.00"}


def test_an_action_cannot_be_due_before_its_session(client):
    _staff, _incubator, headers, programme_id = incubator_with_programme(client)
    enrolment = new_group(client, headers, programme_id)
    url = f"{API}/enrolments/{enrolment['id']}/sessions"
    today = local_today()
    session = {"held_on": today.isoformat(), "topics": "财务制度",
               "actions": [{"text": "建账", "owner": "会计", "due_on": (today - timedelta(days=1)).isoformat()}]}
    response = client.post(url, headers=headers, json=session)
    assert response.status_code == 400
    assert error_fields(response) == {"actions": [
        f"An action cannot be due before the session ({today.isoformat()})."]}
    for changes in ({"actions": [{"text": "建账", "owner": "会计"}]}, {"actions": [{"text": "建账", "due_on":
                                                                                  today.isoformat()}]},
                    {"actions": ["建账"]}, {"actions": "建账"}):
        response = client.post(url, headers=headers, json=session | changes)
        assert response.status_code == 400 and "actions" in error_fields(response), (changes, response.json)
    response = client.post(url, headers=headers, json=session | {"held_on": None})
    assert response.status_code == 400 and "held_on" in error_fields(response)
    response = client.post(url, headers=headers, json=session | {"topics": " "})
    assert response.status_code == 400 and "topics" in error_fields(response)
    assert count(MentoringSession) == 0


def test_the_gap_map_shows_thin_and_empty_markets(client):
    for serial in (1, 2):
        organisation(f"渭滨养老服务社{serial}", areas=("610302",), serial=500 + serial)
    agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    tenders.publish(draft(agency_user, agency), by=agency_user)
    headers = bearer(UserFactory())  # any signed-in user
    assert client.get(f"{API}/gaps").status_code == 401
    response = client.get(f"{API}/gaps?region=610300&by=service", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["region"] == "610300" and body["by"] == "service" and body["min_bids"] == 3
    cells = {(row["category"], row["region"]): row for row in body["rows"]}
    weibin = cells[("elderly.short_stay", "610302")]
    assert weibin["open_tenders"] == 1 and weibin["providers"] == 2 and weibin["level"] == "thin"
    assert weibin["budget"] == "50000.00" and weibin["bids_per_tender"] is None
    assert "Weibin" in weibin["region_name"] and weibin["category_name"]
    assert cells[("elderly.short_stay", "610331")]["level"] == "zero"  # Taibai: demand, no provider
    thin = client.get(f"{API}/gaps?region=610300&by=service&thin=1", headers=headers).json["rows"]
    assert thin and all(row["level"] in ("zero", "thin") for row in thin)
    country = client.get(f"{API}/gaps", headers=headers).json
    assert country["by"] == "group" and any(row["category"] == "elderly" and row["region"] == "610000"
                                            for row in country["rows"])
    response = client.get(f"{API}/gaps?region=999999", headers=headers)
    assert response.status_code == 400 and "region" in error_fields(response)
    assert client.get(f"{API}/gaps?by=lot", headers=headers).status_code == 400
