"""Parties: approval of buyers, invitations, members, and object-level access."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    Invitation,
    Membership,
    OutboxMessage,
    Party,
    PartyKind,
    PartyStatus,
    User,
)

from ..conftest import count_queries, post_form
from ..factories import MembershipFactory, UserFactory, admin_user, party_admin

EN = {"Accept-Language": "en"}


def invitation_path(run_jobs, email: str) -> str:
    run_jobs()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email))
    return re.search(r"http://localhost(/invitations/\S+)", message.body).group(1)


def test_admin_approves_agency_and_applicant_is_told(client, login, run_jobs):
    applicant, agency = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    login(admin_user())
    assert agency.name in client.get("/admin/approvals").get_data(as_text=True)
    response = post_form(client, f"/admin/approvals/{agency.id}", {"approve": "1", "reason": ""},
                         token_from="/admin/approvals")
    assert response.status_code == 302
    assert db.session.get(Party, agency.id).status == PartyStatus.APPROVED
    run_jobs()
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == applicant.email))
    assert mail is not None and agency.name in mail.subject
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "party.approve"))
    assert event.object_id == str(agency.id) and event.summary["status"] == ["pending", "approved"]


def test_rejection_needs_a_reason(client, login):
    _applicant, agency = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    login(admin_user())
    response = post_form(client, f"/admin/approvals/{agency.id}", {"reject": "1", "reason": ""},
                         token_from="/admin/approvals", headers=EN)
    assert response.status_code == 400
    assert "Give the reason for the rejection" in response.get_data(as_text=True)
    assert db.session.get(Party, agency.id).status == PartyStatus.PENDING


def test_non_admin_cannot_reach_administration(client, login):
    _user, agency = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    login(_user)
    assert client.get("/admin/approvals").status_code == 403
    response = post_form(client, f"/admin/approvals/{agency.id}", {"approve": "1"})
    assert response.status_code == 403
    assert db.session.get(Party, agency.id).status == PartyStatus.PENDING


def test_invitation_to_new_user(app, client, login, run_jobs):
    admin, party = party_admin()
    login(admin)
    response = post_form(client, f"/parties/{party.id}/invitations", {"email": "New.Member@example.org",
                                                                      "role": "member"},
                         token_from=f"/parties/{party.id}")
    assert response.status_code == 302
    path = invitation_path(run_jobs, "new.member@example.org")

    newcomer = app.test_client()
    assert newcomer.get(path).status_code == 200
    response = post_form(newcomer, path, {"name": "Newcomer", "password": "a-long-enough-pass",
                                          "confirm": "a-long-enough-pass"}, token_from=path)
    assert response.status_code == 302 and response.headers["Location"] == f"/parties/{party.id}"
    user = db.session.scalar(select(User).where(User.email == "new.member@example.org"))
    assert user.membership_in(party.id).role.value == "member"
    assert newcomer.get(path).status_code == 404  # used up


def test_invitation_must_be_accepted_by_the_invited_address(app, client, login, run_jobs):
    admin, party = party_admin()
    invited = UserFactory(email="invited@example.org")
    login(admin)
    post_form(client, f"/parties/{party.id}/invitations", {"email": invited.email, "role": "admin"},
              token_from=f"/parties/{party.id}")
    path = invitation_path(run_jobs, invited.email)

    stranger = login(UserFactory(), test_client=app.test_client())
    response = post_form(stranger, path, {}, token_from=path, headers=EN)
    assert response.status_code == 400 and "was sent to invited@example.org" in response.get_data(as_text=True)

    right_person = login(invited, test_client=app.test_client())
    assert post_form(right_person, path, {}, token_from=path).status_code == 302
    assert db.session.get(User, invited.id).membership_in(party.id).role.value == "admin"


def test_invite_existing_member_is_refused(client, login):
    admin, party = party_admin()
    member = MembershipFactory(party=party).user
    login(admin)
    response = post_form(client, f"/parties/{party.id}/invitations", {"email": member.email, "role": "member"},
                         token_from=f"/parties/{party.id}", headers=EN)
    assert response.status_code == 400 and "already a member" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


def test_plain_member_cannot_invite_or_remove(client, login):
    _admin, party = party_admin()
    member = MembershipFactory(party=party)
    login(member.user)
    response = post_form(client, f"/parties/{party.id}/invitations", {"email": "x@example.org", "role": "admin"})
    assert response.status_code == 403
    response = post_form(client, f"/parties/members/{member.id}/role", {"role": "admin"})
    assert response.status_code == 403
    assert db.session.get(Membership, member.id).role.value == "member"


def test_other_party_is_out_of_reach(client, login):
    admin, _party = party_admin()
    _other_admin, other = party_admin()
    login(admin)
    assert client.get(f"/parties/{other.id}").status_code == 403
    response = post_form(client, f"/parties/{other.id}/invitations", {"email": "x@example.org", "role": "admin"})
    assert response.status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_last_admin_cannot_be_removed_or_demoted(client, login):
    admin, party = party_admin()
    login(admin)
    own = admin.membership_in(party.id)
    response = post_form(client, f"/parties/members/{own.id}/remove", token_from=f"/parties/{party.id}")
    assert response.status_code == 302
    assert db.session.get(Membership, own.id) is not None
    page = client.get(f"/parties/{party.id}", headers=EN).get_data(as_text=True)
    assert "must keep at least one administrator" in page


def test_admin_users_page_runs_a_constant_number_of_queries(client, login):
    login(admin_user())
    for _ in range(3):
        MembershipFactory()
    client.get("/admin/users")
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(15):
        MembershipFactory()
    with count_queries() as many:
        assert client.get("/admin/users").status_code == 200
    assert many[0] == few[0]


def test_platform_admin_invites_the_first_admin_of_an_imported_organisation(client, login, run_jobs):
    from ..factories import PartyFactory

    imported = PartyFactory()  # no members, as after a bulk import
    login(admin_user())
    response = post_form(client, f"/parties/{imported.id}/invitations", {"email": "boss@ngo.example.org",
                                                                         "role": "admin"},
                         token_from=f"/parties/{imported.id}")
    assert response.status_code == 302
    assert db.session.scalar(select(Invitation)).party_id == imported.id
    _admin, managed = party_admin()
    response = post_form(client, f"/parties/{managed.id}/invitations", {"email": "x@example.org", "role": "admin"})
    assert response.status_code == 403  # a party with an admin manages itself
