"""In-app notifications: per-user rows in each user's language, e-mail copies, the inbox, the bell and the API."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext
from sqlalchemy import event, func, select

from marketplace.accounts import tokens
from marketplace.extensions import db
from marketplace.models import Notification, OutboxMessage
from marketplace.notifications import inbox

from ..conftest import post_form
from ..factories import UserFactory

EN = {"Accept-Language": "en"}


def send(users, title="Hello", body="Your tender has a new bid.", **kwargs) -> list[Notification]:
    created = inbox.notify(users, "test.message", "generic", title=title, body=body, **kwargs)
    db.session.commit()
    return created


def unread_ids(user) -> set[int]:
    return set(db.session.scalars(select(Notification.id).where(Notification.user_id == user.id,
                                                                Notification.read_at.is_(None))))


def bearer(user) -> dict:
    _token, plain = tokens.create_token(user, "test", None)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}", "Accept-Language": "en"}


def test_notify_stores_a_row_per_user_in_their_language_and_queues_mail(run_jobs):
    english, chinese = UserFactory(locale="en"), UserFactory(locale="zh_Hans")
    created = send([english, chinese, english], title=lazy_gettext("Social Service Marketplace"),
                   body="Hello", link="/organisations")
    assert len(created) == 2  # de-duplicated
    rows = {row.user_id: row for row in db.session.scalars(select(Notification))}
    assert set(rows) == {english.id, chinese.id}
    assert rows[english.id].title == "Social Service Marketplace"
    assert rows[chinese.id].title == "社会服务购买平台"
    assert {row.body for row in rows.values()} == {"Hello"}
    assert {row.kind for row in rows.values()} == {"test.message"}
    assert {row.link for row in rows.values()} == {"/organisations"}
    assert all(row.read_at is None for row in rows.values())

    run_jobs()
    mails = {mail.recipient: mail for mail in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {english.email, chinese.email}
    assert mails[english.email].subject == "Social Service Marketplace"
    assert mails[chinese.email].subject == "社会服务购买平台"
    for mail in mails.values():
        assert mail.body.startswith("Hello\n")
        assert "http://localhost/organisations" in mail.body


def test_plain_title_without_email(run_jobs):
    user = UserFactory(locale=None)  # the platform's default language
    send([user], email=False)
    run_jobs()
    assert db.session.scalar(select(Notification.title)) == "Hello"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_links_must_be_paths_on_this_site():
    user = UserFactory()
    for link in ("https://evil.example/", "//evil.example/", "relative/path"):
        with pytest.raises(ValueError):
            inbox.notify([user], "test.message", "generic", title="Hello", body="", link=link)


def test_inbox_lists_notifications_and_the_bell_counts_unread(client, login):
    user, other = UserFactory(), UserFactory()
    send([user], title="Hello")
    read = send([user], title="Already seen")[0]
    send([other], title="Not for you")
    inbox.mark_read(user.id, [read.id])
    db.session.commit()
    login(user)
    page = client.get("/notifications", headers=EN).get_data(as_text=True)
    assert "Hello" in page and "Already seen" in page and "Not for you" not in page
    assert page.index("Already seen") < page.index("Hello")  # newest first
    assert page.count('data-unread="true"') == 1 and page.count('data-unread="false"') == 1
    assert 'id="notificationCount">1<' in page
    assert "Mark all as read" in page


def test_bell_costs_one_count_query_per_page(client, login):
    user = UserFactory()
    for n in range(5):
        send([user], title=f"Message {n}")
    login(user)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get("/notifications", headers=EN).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert 'id="notificationCount">5<' in page
    unread_counts = [s for s in statements if "count(" in s and "from notifications" in s and "read_at is null" in s]
    assert len(unread_counts) == 1


def test_empty_inbox_and_no_bell_badge(client, login):
    login(UserFactory())
    page = client.get("/notifications", headers=EN).get_data(as_text=True)
    assert "No notifications" in page
    assert 'id="notificationBell"' in page and 'id="notificationCount"' not in page


def test_anonymous_users_see_no_bell_and_must_log_in(client):
    assert 'id="notificationBell"' not in client.get("/", headers=EN).get_data(as_text=True)
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_opening_marks_read_and_follows_the_link(client, login):
    user = UserFactory()
    with_link = send([user], link="/organisations?page=2")[0]
    without_link = send([user])[0]
    login(user)
    response = post_form(client, f"/notifications/{with_link.id}/open", token_from="/notifications")
    assert response.status_code == 302 and response.headers["Location"] == "/organisations?page=2"
    response = post_form(client, f"/notifications/{without_link.id}/open", token_from="/notifications")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert unread_ids(user) == set()
    assert 'id="notificationCount"' not in client.get("/notifications").get_data(as_text=True)


def test_opening_another_users_notification_is_404_and_it_stays_unread(client, login):
    owner, intruder = UserFactory(), UserFactory()
    notification = send([owner])[0]
    login(intruder)
    response = post_form(client, f"/notifications/{notification.id}/open", token_from="/notifications")
    assert response.status_code == 404
    assert unread_ids(owner) == {notification.id}


def test_open_needs_a_csrf_token(client, login):
    user = UserFactory()
    notification = send([user])[0]
    login(user)
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert unread_ids(user) == {notification.id}


def test_mark_all_read_touches_only_the_users_own(client, login):
    user, other = UserFactory(), UserFactory()
    send([user, other])
    send([user])
    login(user)
    response = post_form(client, "/notifications/read-all", token_from="/notifications", headers=EN)
    assert response.status_code == 302
    assert unread_ids(user) == set()
    assert len(unread_ids(other)) == 1
    assert "2 notification(s) marked as read." in client.get("/notifications", headers=EN).get_data(as_text=True)


def test_api_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
    response = client.post("/api/v1/notifications/read", json={})
    assert response.status_code == 401 and response.json["error"]["status"] == 401


def test_api_lists_the_token_users_notifications_newest_first(client):
    user, other = UserFactory(), UserFactory()
    first = send([user], title="First", link="/organisations")[0]
    second = send([user], title="Second")[0]
    send([other], title="Not for you")
    inbox.mark_read(user.id, [first.id])
    db.session.commit()
    headers = bearer(user)
    body = client.get("/api/v1/notifications", headers=headers).json
    assert [n["title"] for n in body["notifications"]] == ["Second", "First"]
    assert body["unread"] == 1
    assert body["notifications"][1]["link"] == "/organisations" and body["notifications"][1]["read_at"]
    assert body["notifications"][0]["read_at"] is None and body["notifications"][0]["kind"] == "test.message"
    body = client.get("/api/v1/notifications?unread=true", headers=headers).json
    assert [n["id"] for n in body["notifications"]] == [second.id]
    assert client.get("/api/v1/notifications?unread=maybe", headers=headers).status_code == 400


def test_api_marks_listed_or_all_read_and_ignores_other_users_ids(client):
    user, other = UserFactory(), UserFactory()
    mine = [n.id for n in (send([user])[0], send([user])[0], send([user])[0])]
    theirs = send([other])[0]
    headers = bearer(user)
    response = client.post("/api/v1/notifications/read", json={"ids": [mine[0], theirs.id]}, headers=headers)
    assert response.status_code == 200 and response.json == {"marked": 1, "unread": 2}
    assert unread_ids(other) == {theirs.id}
    response = client.post("/api/v1/notifications/read", json={}, headers=headers)
    assert response.json == {"marked": 2, "unread": 0}
    assert unread_ids(user) == set()
    for bad in ({"ids": "all"}, {"ids": [True]}, ["not", "an", "object"]):
        assert client.post("/api/v1/notifications/read", json=bad, headers=headers).status_code == 400
