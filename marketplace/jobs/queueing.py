"""The one enqueue helper: queue, timeout, retry policy and a deterministic job id.

Jobs are handed to Redis only after the transaction that queued them
commits, so a worker never looks for rows that are not there yet.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from rq import Retry
from rq.job import Job
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.models import BackgroundJob, JobStatus
from marketplace.models.jobs import ACTIVE_JOB_STATUSES

from .backend import job_backend
from .registry import JobSpec, spec_for

log = logging.getLogger(__name__)
_PENDING_KEY = "marketplace_pending_jobs"
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]")  # what RQ accepts in a job id


def make_job_id(name: str, key) -> str:
    """The same work gets the same id: job name plus the key (usually the object id)."""
    return _UNSAFE_ID_CHARS.sub("-", f"{name}:{key}")[:200]


def enqueue(
    func: Callable | str,
    *args,
    description: str,
    key=None,
    requested_by_id: int | None = None,
    at: datetime | None = None,
) -> BackgroundJob:
    """Queue `func(*args)` once; if the same work is already queued or running, return that run.

    `key` identifies the unit of work (defaults to the arguments). `at` schedules it.
    The row is flushed now; Redis hears of it when the transaction commits.
    """
    spec = spec_for(func)
    rq_job_id = make_job_id(spec.name, key if key is not None else ":".join(map(str, args)))
    active = db.session.scalar(
        select(BackgroundJob)
        .where(BackgroundJob.rq_job_id == rq_job_id, BackgroundJob.status.in_(ACTIVE_JOB_STATUSES))
        .limit(1)
    )
    if active is not None:
        return active
    config = current_app.config
    max_retries = config["JOB_MAX_RETRIES"] if spec.max_retries is None else spec.max_retries
    record = BackgroundJob(
        rq_job_id=rq_job_id,
        queue=spec.queue,
        func_name=spec.name,
        args=list(args),
        description=str(description)[:300],
        status=JobStatus.SCHEDULED if at else JobStatus.QUEUED,
        requested_by_id=requested_by_id,
        max_attempts=max_retries + 1,
        scheduled_for=at,
    )
    stage(record)
    return record


def stage(record: BackgroundJob) -> None:
    """Add a new run to the session; it goes to Redis when the transaction commits."""
    db.session.add(record)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(
        (record.id, spec_for(record.func_name), record.rq_job_id, record.scheduled_for)
    )


def _send_to_redis(record_id: int, spec: JobSpec, rq_job_id: str, at: datetime | None) -> None:
    from .runner import run_job  # the one function RQ ever calls

    config = current_app.config
    max_retries = config["JOB_MAX_RETRIES"] if spec.max_retries is None else spec.max_retries
    intervals = list(config["JOB_RETRY_INTERVALS"])[:max_retries] or [0]
    options = {
        "args": (record_id,),
        "job_id": rq_job_id,
        "job_timeout": spec.timeout or config["JOB_DEFAULT_TIMEOUT_SECONDS"],
        "retry": Retry(max=max_retries, interval=intervals) if max_retries else None,
        "description": f"{spec.name} #{record_id}",
        "result_ttl": 24 * 3600,
        "failure_ttl": 30 * 24 * 3600,
    }
    queue = job_backend().queue(spec.queue)
    if at is not None:
        queue.enqueue_at(at, run_job, **options)
    else:
        queue.enqueue(run_job, **options)


def recover_in_process_jobs() -> int:
    """In-process mode keeps its queue in memory: when the web process starts, hand it again
    every run the database still shows as waiting, and mark runs cut off mid-way as failed.
    Returns how many runs were re-sent."""
    for record in db.session.scalars(select(BackgroundJob).where(BackgroundJob.status == JobStatus.RUNNING)):
        record.status = JobStatus.FAILED
        record.error = "Interrupted: the process running this job stopped before it ended."
    db.session.commit()
    return _resend(_waiting())


def recover_lost_jobs() -> int:
    """Hand Redis again every waiting run it no longer holds (Redis restarted without persistence, or
    lost it on the way). The worker calls this when it starts; a run Redis still holds is left alone.
    Returns how many runs were re-sent."""
    connection = job_backend().connection
    return _resend([record for record in _waiting() if not Job.exists(record.rq_job_id, connection=connection)])


def _waiting() -> list[BackgroundJob]:
    return list(db.session.scalars(select(BackgroundJob).where(
        BackgroundJob.status.in_([JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.RETRYING]))))


def _resend(records: list[BackgroundJob]) -> int:
    for record in records:
        _send_to_redis(record.id, spec_for(record.func_name), record.rq_job_id, record.scheduled_for)
    return len(records)


@event.listens_for(Session, "after_commit")
def _flush_pending_jobs(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for item in pending:
        try:
            _send_to_redis(*item)
        except Exception:
            # The row stays 'queued'; administrators see it and can re-queue it.
            log.exception("could not hand job %s to Redis", item[2])


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
