"""Jobs through a real Redis and a real `python -m worker` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace import create_app
from marketplace.extensions import db
from marketplace.jobs import enqueue
from marketplace.jobs.runner import set_worker_app
from marketplace.models import BackgroundJob, JobStatus, MailStatus, OutboxMessage
from marketplace.notifications.mail import queue_mail

from ..conftest import app_settings
from ..factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.redis


@pytest.fixture
def redis_app(app, tmp_dir, database_url, real_redis):
    """An app on the same database whose jobs go to the real Redis."""
    settings = app_settings(tmp_dir, database_url, REDIS_URL=real_redis)
    redis_app = create_app(settings)
    yield redis_app
    backend = redis_app.extensions["job_backend"]
    for key in backend.connection.scan_iter(f"*{settings['JOB_QUEUE_PREFIX']}*"):
        backend.connection.delete(key)
    backend.connection.close()
    with redis_app.app_context():
        db.engine.dispose()
    set_worker_app(app)


def run_worker_process(redis_app, *options: str, **extra_env) -> subprocess.CompletedProcess:
    config = redis_app.config
    env = {**os.environ, "MARKETPLACE_ENV": "testing", "DATABASE_URL": config["DATABASE_URL"],
           "REDIS_URL": config["REDIS_URL"], "JOB_QUEUE_PREFIX": config["JOB_QUEUE_PREFIX"],
           "SECRET_KEY": config["SECRET_KEY"], **extra_env}
    return subprocess.run([sys.executable, "-m", "worker", "--burst", *options], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_worker_process_runs_queued_jobs(redis_app):
    with redis_app.app_context():
        user = UserFactory()
        queue_mail(user.email, "password_reset", user=user, link="http://localhost/x", minutes=60)
        verify = enqueue("audit.verify", description="verify", key="all")
        db.session.commit()
        verify_id = verify.id
        queued = redis_app.extensions["job_backend"].queue("audit")
        assert queued.count == 1  # handed to Redis on commit
    result = run_worker_process(redis_app)
    assert result.returncode == 0, result.stderr[-2000:]
    with redis_app.app_context():
        row = db.session.get(BackgroundJob, verify_id)
        assert row.status == JobStatus.FINISHED and row.result["ok"] is True
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.status == MailStatus.KEPT


def test_worker_process_retries_then_records_failure(redis_app):
    with redis_app.app_context():
        user = UserFactory()
        message = queue_mail(user.email, "password_reset", user=user, link="http://localhost/x", minutes=60)
        db.session.commit()
        message_id = message.id
    # An SMTP server that refuses connections: an infrastructure failure, so RQ retries.
    result = run_worker_process(redis_app, MAIL_SERVER="127.0.0.1", MAIL_PORT="1", JOB_RETRY_INTERVALS="0,0,0")
    assert result.returncode == 0, result.stderr[-2000:]
    with redis_app.app_context():
        row = db.session.scalar(select(BackgroundJob).where(BackgroundJob.func_name == "mail.send"))
        assert row.status == JobStatus.FAILED and row.attempts == row.max_attempts == 4
        assert "ConnectionRefusedError" in row.error
        mail = db.session.get(OutboxMessage, message_id)
        assert mail.status == MailStatus.FAILED and "ConnectionRefusedError" in mail.error
        from rq.registry import FailedJobRegistry

        backend = redis_app.extensions["job_backend"]
        failed = FailedJobRegistry(backend.queue_name("mail"), connection=backend.connection)
        assert row.rq_job_id in failed.get_job_ids()


def test_ranking_queued_before_redis_lost_its_data_runs_when_the_worker_starts(redis_app):
    from marketplace.models import MatchResult, PartyKind, PartyStatus
    from marketplace.tenders import services

    from ..factories import party_admin
    from ..functional.test_shortlists import draft, market

    with redis_app.app_context():
        market(3)
        agency_user, agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
        tender = draft(agency_user, agency)
        services.publish(tender, by=agency_user)
        db.session.commit()
        tender_id = tender.id
        backend = redis_app.extensions["job_backend"]
        assert backend.queue("matching").count == 1
        # Redis restarts without persistence: every queue and job hash is gone, the rows still say queued.
        for key in backend.connection.scan_iter(f"*{redis_app.config['JOB_QUEUE_PREFIX']}*"):
            backend.connection.delete(key)
        for key in backend.connection.scan_iter("rq:job:*"):
            backend.connection.delete(key)
        assert backend.queue("matching").count == 0
    # A matching worker that keeps its market in memory between jobs.
    result = run_worker_process(redis_app, "--queues", "matching", "--no-fork")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "that Redis had lost" in result.stderr
    with redis_app.app_context():
        row = db.session.scalar(select(BackgroundJob).where(BackgroundJob.func_name == "shortlists.rank_tender"))
        assert row.status == JobStatus.FINISHED
        assert len(db.session.scalars(select(MatchResult).where(MatchResult.tender_id == tender_id)).all()) == 4


def test_health_reports_redis(redis_app):
    response = redis_app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json["checks"]["jobs"] == {"ok": True, "mode": "redis"}
