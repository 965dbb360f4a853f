"""Compose and queue e-mail. Every message is stored, then sent by a job."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from marketplace.extensions import db
from marketplace.jobs import enqueue, job
from marketplace.models import MailStatus, OutboxMessage, utcnow


def public_url(endpoint: str, **values) -> str:
    """An absolute link for use outside a request (e-mails, jobs)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def queue_mail(recipient: str, template: str, locale: str | None = None, **context) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` in the recipient's language and queue it.

    The template's first line is the subject.
    """
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"mail/{template}.txt", **context).strip()
    subject, _, body = rendered.partition("\n")
    message = OutboxMessage(
        recipient=recipient, subject=subject.strip()[:300], body=body.strip() + "\n", status=MailStatus.QUEUED
    )
    db.session.add(message)
    db.session.flush()
    enqueue(send_mail, message.id, description=f"E-mail to {recipient}: {subject.strip()[:80]}")
    return message


@job("mail.send", queue="mail", timeout=60)
def send_mail(message_id: int) -> dict:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status in (MailStatus.SENT, MailStatus.KEPT):
        return {"skipped": True}
    config = current_app.config
    if not config["MAIL_SERVER"]:
        message.status = MailStatus.KEPT
        message.sent_at = utcnow()
        current_app.logger.info("Mail kept in outbox (no MAIL_SERVER): to=%s subject=%s",
                                message.recipient, message.subject)
        return {"transport": "outbox"}
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="marketplace")
    email.set_content(message.body)
    try:
        _deliver(email)
    except (OSError, smtplib.SMTPException) as exc:
        # Record on the row, then raise so RQ retries; a later success clears it.
        message.status = MailStatus.FAILED
        message.error = f"{type(exc).__name__}: {exc}"
        db.session.commit()
        raise
    message.status = MailStatus.SENT
    message.sent_at = utcnow()
    message.error = None
    return {"transport": "smtp"}


def _deliver(email: EmailMessage) -> None:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
