"""Administrator pages, dashboards per role, and the `flask` commands."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEvent, OrganisationProfile, Party, PartyKind, PartyStatus, PlatformRole, User
from marketplace.organisations import credit_code

from ..conftest import post_form
from ..factories import UserFactory, admin_user, party_admin

EN = {"Accept-Language": "en"}


def test_create_admin_command(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "Root@Example.org", "--name", "Root",
                                                "--password", "a-long-admin-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert user.is_admin


def test_create_admin_refuses_weak_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "a@example.org", "--name", "A",
                                                "--password", "short"])
    assert result.exit_code != 0 and "10" in result.output  # in the default language, zh_Hans
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_seed_demo_is_realistic_and_idempotent(app, client, login):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "demo-pass-2026" in result.output
    baoji = db.session.scalar(select(Party).where(Party.name == "宝鸡市救助管理站"))
    assert baoji.kind == PartyKind.AGENCY and baoji.status == PartyStatus.APPROVED
    pending = db.session.scalar(select(Party).where(Party.status == PartyStatus.PENDING))
    assert pending.kind == PartyKind.AGENCY
    kinds = set(db.session.scalars(select(Party.kind)))
    assert kinds == {PartyKind.AGENCY, PartyKind.ORGANISATION, PartyKind.INCUBATOR}
    users = db.session.scalar(select(func.count(User.id)))
    assert runner.invoke(args=["seed-demo"]).output.startswith("Demo data already present")
    assert db.session.scalar(select(func.count(User.id))) == users
    profiles = db.session.scalars(select(OrganisationProfile)).all()
    assert len(profiles) >= 60
    assert all(not credit_code.problems(p.credit_code, p.legal_form.value) for p in profiles if p.credit_code)
    assert sum(p.legal_form.value == "unregistered" for p in profiles) >= 5
    from marketplace.models import Tender, TenderStatus

    states = set(db.session.scalars(select(Tender.status)))
    assert states >= {TenderStatus.DRAFT, TenderStatus.PUBLISHED, TenderStatus.SCORING, TenderStatus.AWARD_NOTICE,
                      TenderStatus.AWARDED, TenderStatus.FAILED, TenderStatus.CANCELLED}
    rerun = db.session.scalar(select(Tender).where(Tender.previous_round_id.is_not(None)))
    assert rerun.procedure_change_justification and rerun.status == TenderStatus.PUBLISHED
    station = db.session.scalar(select(User).where(User.email == "station@demo.example"))
    login(station, password="demo-pass-2026")
    assert "宝鸡市救助管理站" in client.get("/dashboard").get_data(as_text=True)


def test_dashboard_per_role(client, login):
    user, _agency = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    login(user)
    page = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert "Agencies you buy for" in page and "Awaiting approval" in page
    assert "Organisations you work for" not in page


def test_admin_grants_expert_role(client, login):
    login(admin_user())
    expert = UserFactory()
    response = post_form(client, f"/admin/users/{expert.id}/roles", {"role": "expert", "grant": "1"},
                         token_from="/admin/users")
    assert response.status_code == 302
    assert db.session.get(User, expert.id).has_role(PlatformRole.EXPERT)


def test_last_platform_admin_keeps_the_role(client, login):
    admin = admin_user()
    login(admin)
    post_form(client, f"/admin/users/{admin.id}/roles", {"role": "admin", "revoke": "1"}, token_from="/admin/users")
    assert db.session.get(User, admin.id).is_admin


def test_deactivated_user_is_logged_out(app, client, login):
    victim = UserFactory()
    victim_client = login(victim, test_client=app.test_client())
    login(admin_user())
    post_form(client, f"/admin/users/{victim.id}/active", token_from="/admin/users")
    assert victim_client.get("/dashboard").status_code == 302


def test_audit_log_filters(client, login):
    login(admin_user())
    UserFactory()
    page = client.get("/admin/audit/?action=user.", headers=EN).get_data(as_text=True)
    assert "user.login" in page
    page = client.get("/admin/audit/?action=party.approve", headers=EN).get_data(as_text=True)
    assert "No events match" in page
    response = client.get("/admin/audit/?since=not-a-date", headers=EN)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(AuditEvent.id))) >= 1


def test_outbox_is_for_admins_only(client, login):
    login(UserFactory())
    assert client.get("/admin/outbox").status_code == 403
