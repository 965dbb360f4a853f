"""Sign-up, log-in, sessions and passwords through the real forms."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEvent, LoginSession, OutboxMessage, Party, PartyStatus, User

from ..conftest import post_form
from ..factories import PASSWORD, UserFactory

SIGNUP = {"name": "Wang Jun", "email": "wang@relief.example.gov.cn", "password": "a-long-enough-pass",
          "confirm": "a-long-enough-pass", "party_kind": "", "party_name": "", "party_name_en": ""}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_signup_creates_agency_awaiting_approval(client):
    data = SIGNUP | {"party_kind": "agency", "party_name": "宝鸡市救助管理站", "party_name_en": "Baoji Relief Station"}
    response = post_form(client, "/signup", data, token_from="/signup")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "wang@relief.example.gov.cn"))
    assert user.password_hash.startswith("$argon2id$")
    party = user.memberships[0].party
    assert party.status == PartyStatus.PENDING and user.memberships[0].is_admin
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.create", "party.create", "user.login"} <= actions
    dashboard = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Awaiting approval" in dashboard


def test_signup_duplicate_email_is_refused_and_stores_nothing(client):
    UserFactory(email="taken@example.org")
    before = (count(User), count(Party), count(AuditEvent))
    response = post_form(client, "/signup", SIGNUP | {"email": "Taken@Example.org"}, token_from="/signup",
                         headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in response.get_data(as_text=True)
    assert (count(User), count(Party), count(AuditEvent)) == before


def test_signup_weak_password_has_field_message_in_chinese(client):
    response = post_form(client, "/signup", SIGNUP | {"password": "password123", "confirm": "password123"},
                         token_from="/signup", headers={"Accept-Language": "zh-CN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "该密码过于常见或简单，请另行设置。" in page
    assert count(User) == 0


def test_signup_requires_matching_passwords_and_party_name(client):
    response = post_form(client, "/signup", SIGNUP | {"confirm": "something-else-entirely"}, token_from="/signup",
                         headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "The two passwords are not the same." in response.get_data(as_text=True)
    response = post_form(client, "/signup", SIGNUP | {"party_kind": "organisation"}, token_from="/signup",
                         headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Give the name of the body you represent." in response.get_data(
        as_text=True)
    assert count(User) == 0


def test_forged_csrf_token_is_refused(client):
    response = client.post("/signup", data=SIGNUP | {"csrf_token": "forged"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert count(User) == 0


def test_login_wrong_password_is_refused_and_audited(client):
    user = UserFactory()
    response = post_form(client, "/login", {"email": user.email, "password": "wrong-password"}, token_from="/login",
                         headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The e-mail address or password is incorrect." in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) == "user.login_failed"


def test_login_starts_a_new_session_and_logout_really_ends_it(app, client, login):
    user = UserFactory()
    client.get("/")
    anonymous_cookie = client.get_cookie("session").value
    login(user)
    logged_in_cookie = client.get_cookie("session").value
    assert logged_in_cookie != anonymous_cookie
    assert client.get("/dashboard").status_code == 200

    thief = app.test_client()
    thief.set_cookie("session", logged_in_cookie)
    assert thief.get("/dashboard").status_code == 200  # a copied cookie works while the session lives

    post_form(client, "/logout", token_from="/dashboard")
    assert client.get("/dashboard").status_code == 302
    assert thief.get("/dashboard").status_code == 302  # ... and stops working at log-out
    assert db.session.scalar(select(LoginSession.ended_at)) is not None


def test_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD}, token_from="/login",
                         headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "deactivated" in response.get_data(as_text=True)


def test_login_redirect_ignores_other_sites(client):
    user = UserFactory()
    response = post_form(client, "/login?next=//evil.example/", {"email": user.email, "password": PASSWORD},
                         token_from="/login")
    assert response.headers["Location"] == "/dashboard"


def test_password_change_logs_out_other_sessions(app, client, login):
    user = UserFactory()
    other_device = login(user, test_client=app.test_client())
    login(user)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": "brand-new-secret-1", "confirm": "brand-new-secret-1"},
        token_from="/account/password")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other_device.get("/dashboard").status_code == 302


def test_password_change_wrong_current_password(client, login):
    login(UserFactory())
    response = post_form(client, "/account/password", {
        "current_password": "nope-nope-nope", "password": "brand-new-secret-1", "confirm": "brand-new-secret-1"},
        token_from="/account/password", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Your current password is not correct." in response.get_data(as_text=True)


def _reset_link(run_jobs) -> str:
    run_jobs()
    message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert message is not None and message.status.value == "kept"
    return re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)


def test_password_reset_by_emailed_token(client, run_jobs):
    user = UserFactory(email="forgetful@example.org")
    response = post_form(client, "/password/forgot", {"email": "FORGETFUL@example.org"}, token_from="/password/forgot")
    assert response.status_code == 302
    path = _reset_link(run_jobs)
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"password": "a-fresh-password-9", "confirm": "a-fresh-password-9"},
                         token_from=path)
    assert response.status_code == 302
    response = post_form(client, "/login", {"email": user.email, "password": "a-fresh-password-9"},
                         token_from="/login")
    assert response.status_code == 302
    # The link is single-use: the password it was issued for has changed.
    page = client.get(path, headers={"Accept-Language": "en"})
    assert page.status_code == 400 and "already been used" in page.get_data(as_text=True)


def test_password_reset_for_unknown_address_reveals_nothing(client, run_jobs):
    response = post_form(client, "/password/forgot", {"email": "nobody@example.org"}, token_from="/password/forgot")
    assert response.status_code == 302
    run_jobs()
    assert count(OutboxMessage) == 0


def test_expired_reset_token_is_refused(app, client, run_jobs):
    UserFactory(email="late@example.org")
    post_form(client, "/password/forgot", {"email": "late@example.org"}, token_from="/password/forgot")
    path = _reset_link(run_jobs)
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    try:
        page = client.get(path, headers={"Accept-Language": "en"})
    finally:
        app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = 3600
    assert page.status_code == 400 and "This reset link has expired." in page.get_data(as_text=True)


def test_tampered_reset_token_is_refused(client):
    page = client.get("/password/reset/not-a-real-token", headers={"Accept-Language": "en"})
    assert page.status_code == 400 and "not valid" in page.get_data(as_text=True)


def test_profile_update_saves_language_preference(client, login):
    user = UserFactory(locale=None)
    login(user)
    response = post_form(client, "/account", {"name": "New Name", "locale": "zh_Hans"}, token_from="/account")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "zh_Hans"
    assert 'lang="zh-Hans"' in client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_login_is_rate_limited(client):
    user = UserFactory()
    token = None
    statuses = []
    for _ in range(12):
        token = token or re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                   client.get("/login").get_data(as_text=True)).group(1)
        statuses.append(client.post("/login", data={"csrf_token": token, "email": user.email,
                                                    "password": "wrong-password"},
                                    headers={"Accept-Language": "en"}).status_code)
    assert statuses[:10] == [400] * 10
    assert statuses[-1] == 429
