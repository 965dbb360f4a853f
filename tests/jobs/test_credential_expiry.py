"""The daily expiry job: reminders at 60, 30 and 7 days, expired credentials marked, next run scheduled."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.jobs import enqueue
from marketplace.models import AuditEvent, BackgroundJob, Credential, CredentialStatus, JobStatus, OutboxMessage
from marketplace.organisations.jobs import check_credential_expiry, next_run_after

from ..factories import UserFactory, organisation

TODAY = date(2026, 11, 23)


def credential(party, days_left: int | None, status=CredentialStatus.VERIFIED) -> Credential:
    row = Credential(party_id=party.id, type="registration_certificate", number=f"N{days_left}", issuer="民政局",
                     issued_on=date(2020, 1, 1),
                     expires_on=TODAY + timedelta(days=days_left) if days_left is not None else None, status=status)
    db.session.add(row)
    db.session.commit()
    return row


def run(run_jobs, day: date) -> dict:
    job = enqueue(check_credential_expiry, day.isoformat(), description="test run")
    run_jobs()
    return db.session.get(BackgroundJob, job.id).result


def test_reminders_and_expiry(run_jobs):
    admin = UserFactory(email="ngo-admin@example.org")
    party = organisation(admin=admin)
    in_45, in_20, in_5, gone, never = (credential(party, 45), credential(party, 20), credential(party, 5),
                                       credential(party, -1), credential(party, None))
    far = credential(party, 90)
    result = run(run_jobs, TODAY)
    assert result == {"date": "2026-11-23", "marked_expired": 1, "reminders": 3}
    assert [db.session.get(Credential, c.id).last_reminder_days for c in (in_45, in_20, in_5, far, never)] == [
        60, 30, 7, None, None]
    assert db.session.get(Credential, gone.id).expired_marked_at is not None
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == admin.email)).all()
    assert len(mails) == 4
    assert any("has expired" in m.subject or "已过期" in m.subject for m in mails)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "credential.expired")) is not None

    # The next day nothing is sent again; crossing the next threshold sends one more.
    assert run(run_jobs, TODAY + timedelta(days=1)) == {"date": "2026-11-24", "marked_expired": 0, "reminders": 0}
    assert run(run_jobs, TODAY + timedelta(days=16))["reminders"] == 2  # 45 -> 29 days, 20 -> 4 days


def test_rejected_credentials_are_ignored(run_jobs):
    party = organisation(admin=UserFactory())
    credential(party, 3, status=CredentialStatus.REJECTED)
    assert run(run_jobs, TODAY)["reminders"] == 0


def test_daily_run_schedules_the_next_one(app, run_jobs):
    job = enqueue(check_credential_expiry, description="today")
    run_jobs()
    assert db.session.get(BackgroundJob, job.id).status == JobStatus.FINISHED
    scheduled = db.session.scalar(select(BackgroundJob).where(BackgroundJob.status == JobStatus.SCHEDULED))
    assert scheduled.func_name == "organisations.credential_expiry"
    local = scheduled.scheduled_for.astimezone(next_run_after(scheduled.scheduled_for).tzinfo)
    assert (local.hour, local.minute) == (2, 0)
