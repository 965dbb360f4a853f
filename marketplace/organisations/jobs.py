"""Daily credential expiry: mark expired credentials and remind organisations 60, 30 and 7 days ahead."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from marketplace.audit import services as audit
from marketplace.extensions import db
from marketplace.jobs import enqueue, job
from marketplace.models import Credential, CredentialStatus, MemberRole, Membership, Party, utcnow
from marketplace.notifications.mail import public_url, queue_mail
from marketplace.shortlists.jobs import request_rerank_for_organisation

REMINDER_DAYS = (60, 30, 7)
RUN_AT = time(2, 0)  # local time (Asia/Shanghai)


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def next_run_after(moment: datetime, run_at: time = RUN_AT) -> datetime:
    """The next `run_at` local time (Asia/Shanghai) after `moment`."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local = moment.astimezone(zone)
    candidate = datetime.combine(local.date(), run_at, tzinfo=zone)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def schedule_daily_expiry_check() -> None:
    """Make sure the next daily run is queued (one per day: the date is the job's key)."""
    at = next_run_after(utcnow())
    enqueue(check_credential_expiry, description="Daily credential expiry check", key=at.date().isoformat(),
            at=at)


def _admins(party_id: int) -> list:
    return [m.user for m in db.session.scalars(
        select(Membership).where(Membership.party_id == party_id, Membership.role == MemberRole.ADMIN))]


@job("organisations.credential_expiry", queue="default", timeout=1800)
def check_credential_expiry(today_iso: str | None = None) -> dict:
    """Mark credentials that expired and send the reminders now due; schedule tomorrow's run."""
    today = date.fromisoformat(today_iso) if today_iso else local_today()
    expired = reminded = 0
    for credential in db.session.scalars(
            select(Credential).where(Credential.expires_on.is_not(None),
                                     Credential.status != CredentialStatus.REJECTED)):
        days_left = (credential.expires_on - today).days
        party = db.session.get(Party, credential.party_id)
        if days_left < 0:
            if credential.expired_marked_at is None:
                credential.expired_marked_at = utcnow()
                audit.record("credential.expired", credential, summary={"expires_on": credential.expires_on})
                _notify(party, credential, "credential_expired", days_left)
                request_rerank_for_organisation(party.id, "credential expired")
                expired += 1
            continue
        due = [d for d in REMINDER_DAYS if days_left <= d]
        threshold = min(due) if due else None
        if threshold is not None and (credential.last_reminder_days is None
                                      or threshold < credential.last_reminder_days):
            credential.last_reminder_days = threshold
            _notify(party, credential, "credential_expiring", days_left)
            reminded += 1
    if today_iso is None:
        schedule_daily_expiry_check()
    return {"date": today.isoformat(), "marked_expired": expired, "reminders": reminded}


def _notify(party: Party, credential: Credential, template: str, days_left: int) -> None:
    from .forms import CREDENTIAL_TYPE_LABELS

    for admin in _admins(party.id):
        queue_mail(admin.email, template, locale=admin.locale, party=party, credential=credential,
                   type_label=CREDENTIAL_TYPE_LABELS[credential.type.value], days=days_left,
                   link=public_url("organisations.credentials", party_id=party.id))
