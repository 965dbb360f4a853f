"""In-app notifications: store a message in each recipient's inbox, in their language, and e-mail it.

Callers pass users and a message template under ``templates/notifications/messages/``
(first line the title, the rest the body, like the mail templates). Every query is
scoped by user id: a user only ever sees and changes their own notifications.
Nothing here commits; the caller's transaction decides.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Select, func, select, update

from marketplace.extensions import db
from marketplace.models import Notification, User, utcnow

from .mail import queue_mail

TITLE_LENGTH = 300


def is_site_path(link: str | None) -> bool:
    """A path on this site (no scheme, no host, no protocol-relative '//')."""
    return bool(link) and link.startswith("/") and not link.startswith("//") and "\\" not in link


def render_message(template: str, locale: str, **context) -> tuple[str, str]:
    """Render `notifications/messages/<template>.txt` in `locale`: (title, body)."""
    with force_locale(locale):
        rendered = render_template(f"notifications/messages/{template}.txt", **context).strip()
    title, _sep, body = rendered.partition("\n")
    return title.strip()[:TITLE_LENGTH], body.strip()


def notify(users: Iterable[User], kind: str, template: str, *, link: str | None = None, email: bool = True,
           **context) -> list[Notification]:
    """Put a notification in each user's inbox (once per user) and, with `email`, e-mail it too.

    `link` is a site-relative path (e.g. ``/tenders/12``); the e-mail carries it as an absolute URL.
    """
    if link is not None and not is_site_path(link):
        raise ValueError(f"notification link must be a site-relative path, not {link!r}")
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    absolute_link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + link if link else None
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        locale = user.locale or default_locale
        title, body = render_message(template, locale, **context)
        notification = Notification(user_id=user.id, kind=kind, title=title, body=body, link=link)
        db.session.add(notification)
        created.append(notification)
        if email and user.is_active:
            queue_mail(user.email, "notification", locale, title=title, body=body, link=absolute_link)
    db.session.flush()
    return created


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def notifications_for(user_id: int, *, unread_only: bool = False) -> Select:
    """The user's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def get_notification(user_id: int, notification_id: int) -> Notification | None:
    """One of the user's notifications; None when there is no such notification *of theirs*."""
    return db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    )


def mark_read(user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read: those listed, or all of them with None.

    Ids of other users' notifications are ignored. Returns how many were marked.
    """
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        ids = {int(i) for i in notification_ids}
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    result = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0
