"""Background jobs in-process: de-duplication, retries, failures, scheduling, re-queue, status pages."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import current_app, g, has_request_context
from sqlalchemy import func, select

from marketplace.audit.context import current_actor
from marketplace.extensions import db
from marketplace.jobs import enqueue, job
from marketplace.models import AuditEvent, BackgroundJob, JobStatus, utcnow

from ..conftest import post_form
from ..factories import UserFactory, admin_user

CALLS: list = []


@job("test.record", queue="default")
def record_call(value: int) -> dict:
    CALLS.append((value, current_app.name, has_request_context(), getattr(g, "leak", None),
                  current_actor().label))
    g.leak = "set by a job"
    return {"value": value}


@job("test.always_fails", queue="default", max_retries=2)
def always_fails(value: int) -> None:
    CALLS.append(value)
    raise ConnectionError("the far service is down")


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


def test_job_runs_in_its_own_app_context_and_records_its_result(run_jobs):
    user = UserFactory()
    first = enqueue(record_call, 1, description="one", requested_by_id=user.id)
    second = enqueue(record_call, 2, description="two")
    run_jobs()
    assert [call[0] for call in CALLS] == [1, 2]
    assert all(call[2] is False and call[3] is None for call in CALLS)  # no request, no g leaking between jobs
    assert CALLS[0][4] == f"{user.email} (job test.record)"
    for row, value in ((first, 1), (second, 2)):
        row = db.session.get(BackgroundJob, row.id)
        assert row.status == JobStatus.FINISHED and row.attempts == 1 and row.result == {"value": value}


def test_same_work_is_not_queued_twice(run_jobs):
    first = enqueue(record_call, 7, description="once", key="seven")
    again = enqueue(record_call, 7, description="twice", key="seven")
    assert again.id == first.id
    run_jobs()
    assert len(CALLS) == 1
    enqueue(record_call, 7, description="later, after it finished", key="seven")
    run_jobs()
    assert len(CALLS) == 2


def test_rolled_back_work_queues_nothing(run_jobs):
    enqueue(record_call, 3, description="never committed")
    db.session.rollback()
    run_jobs()
    assert CALLS == [] and db.session.scalar(select(func.count(BackgroundJob.id))) == 0


def test_failing_job_is_retried_then_recorded_as_failed(run_jobs):
    row = enqueue(always_fails, 5, description="fails")
    run_jobs()
    assert CALLS == [5, 5, 5]  # the first try and two retries
    row = db.session.get(BackgroundJob, row.id)
    assert row.status == JobStatus.FAILED and row.attempts == 3 and row.max_attempts == 3
    assert "ConnectionError: the far service is down" in row.error


def test_scheduled_job_waits_for_its_time(run_jobs, monkeypatch):
    row = enqueue(record_call, 9, description="later", at=utcnow() + timedelta(minutes=5))
    run_jobs()
    assert CALLS == [] and db.session.get(BackgroundJob, row.id).status == JobStatus.SCHEDULED
    import rq.scheduler

    later = time.time() + 301
    monkeypatch.setattr(rq.scheduler, "current_timestamp", lambda: int(later))
    run_jobs()
    assert [call[0] for call in CALLS] == [9]


def test_admin_requeues_a_failed_job(client, login, run_jobs):
    failed = enqueue(always_fails, 1, description="fails")
    run_jobs()
    login(admin_user())
    page = client.get("/admin/jobs?status=failed", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"/jobs/{failed.id}" in page
    response = post_form(client, f"/jobs/{failed.id}/requeue", token_from=f"/jobs/{failed.id}")
    assert response.status_code == 302
    rerun = db.session.scalar(select(BackgroundJob).where(BackgroundJob.requeued_from_id == failed.id))
    assert rerun.status == JobStatus.QUEUED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.requeue")) is not None
    run_jobs()
    assert db.session.get(BackgroundJob, rerun.id).status == JobStatus.FAILED


def test_finished_job_cannot_be_requeued(client, login, run_jobs):
    done = enqueue(record_call, 1, description="fine")
    run_jobs()
    login(admin_user())
    post_form(client, f"/jobs/{done.id}/requeue", token_from=f"/jobs/{done.id}")
    assert db.session.scalar(select(func.count(BackgroundJob.id))) == 1


def test_users_see_their_jobs_but_not_others(app, client, login, run_jobs):
    owner, stranger = UserFactory(), UserFactory()
    row = enqueue(record_call, 1, description="owner's export", requested_by_id=owner.id)
    db.session.commit()
    login(owner)
    assert "owner&#39;s export" in client.get("/jobs").get_data(as_text=True)
    page = client.get(f"/jobs/{row.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Queued" in page and 'http-equiv="refresh"' in page
    run_jobs()
    assert "Finished" in client.get(f"/jobs/{row.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    other = login(stranger, test_client=app.test_client())
    assert other.get(f"/jobs/{row.id}").status_code == 403
    assert post_form(other, f"/jobs/{row.id}/requeue").status_code == 403


def test_audit_verification_runs_as_a_job(client, login, run_jobs):
    login(admin_user())
    response = post_form(client, "/admin/audit/verify", token_from="/admin/audit/")
    assert response.status_code == 302
    run_jobs()
    row = db.session.scalar(select(BackgroundJob).where(BackgroundJob.func_name == "audit.verify"))
    assert row.status == JobStatus.FINISHED and row.result["ok"] is True
    page = client.get(f"/jobs/{row.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Audit chain intact" in page


def test_in_process_start_up_recovers_waiting_jobs(app, run_jobs):
    """Jobs queued by a process that ended (e.g. `flask seed-demo`) run when the web process starts."""
    from marketplace.jobs.queueing import recover_in_process_jobs

    waiting = enqueue(record_call, 4, description="queued by a CLI command")
    db.session.commit()
    app.extensions["job_backend"].connection.flushall()  # the memory queue of the process that ended
    cut_off = BackgroundJob(rq_job_id="x", queue="default", func_name="test.record", args=[5],
                            description="was running", status=JobStatus.RUNNING)
    db.session.add(cut_off)
    db.session.commit()
    assert recover_in_process_jobs() == 1
    run_jobs()
    assert db.session.get(BackgroundJob, waiting.id).status == JobStatus.FINISHED
    assert db.session.get(BackgroundJob, cut_off.id).status == JobStatus.FAILED
