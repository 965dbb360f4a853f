"""Reading and re-queuing job runs."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import Select, select

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.models import BackgroundJob, JobStatus, utcnow

from .backend import job_backend
from .queueing import stage

#: A queued run that Redis has not heard of after this long was lost on the way (Redis was down).
STRANDED_AFTER = timedelta(minutes=10)


def jobs_query(*, requested_by_id: int | None = None, status: JobStatus | None = None) -> Select:
    query = select(BackgroundJob).order_by(BackgroundJob.id.desc())
    if requested_by_id is not None:
        query = query.where(BackgroundJob.requested_by_id == requested_by_id)
    if status is not None:
        query = query.where(BackgroundJob.status == status)
    return query


def is_stranded(record: BackgroundJob) -> bool:
    if record.status != JobStatus.QUEUED or utcnow() - record.enqueued_at < STRANDED_AFTER:
        return False
    return not Job.exists(record.rq_job_id, connection=job_backend().connection)


def can_requeue(record: BackgroundJob) -> bool:
    return record.status == JobStatus.FAILED or is_stranded(record)


def requeue(record: BackgroundJob) -> BackgroundJob:
    """Run a failed (or stranded) job again as a new run linked to the old one."""
    if not can_requeue(record):
        raise DomainError(_l("Only failed jobs, or queued jobs lost on the way to the queue, can be re-queued."))
    run = BackgroundJob(
        rq_job_id=record.rq_job_id,
        queue=record.queue,
        func_name=record.func_name,
        args=list(record.args),
        description=record.description,
        status=JobStatus.QUEUED,
        requested_by_id=record.requested_by_id,
        max_attempts=record.max_attempts,
        requeued_from_id=record.id,
    )
    stage(run)
    backend = job_backend()
    registry = FailedJobRegistry(backend.queue_name(record.queue), connection=backend.connection,
                                 serializer=JSONSerializer)
    registry.remove(record.rq_job_id)
    audit.record("job.requeue", record, summary={"job": record.func_name, "new_run": run.id})
    return run
