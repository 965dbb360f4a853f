"""Runs one job: the function RQ calls, in a fresh app context per job."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, has_app_context
from rq import get_current_job

from marketplace.audit.context import Actor, reset_actor, set_actor
from marketplace.extensions import db
from marketplace.models import BackgroundJob, JobStatus, User, utcnow

from .registry import spec_for

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def set_worker_app(app: Flask) -> None:
    """The app whose context jobs run in, for runners that have no context of their own."""
    global _worker_app
    _worker_app = app


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is not None:
        return _worker_app
    raise RuntimeError("no application for jobs: call set_worker_app(app) at start-up")


def _mark(record_id: int, **values) -> BackgroundJob | None:
    record = db.session.get(BackgroundJob, record_id)
    if record is not None:
        for name, value in values.items():
            setattr(record, name, value)
        db.session.commit()
    return record


def run_job(record_id: int):
    app = _app()
    with app.app_context():
        record = db.session.get(BackgroundJob, record_id)
        if record is None:
            log.error("background job row %s not found; nothing to run", record_id)
            return None
        spec = spec_for(record.func_name)
        args = list(record.args)
        requester = db.session.get(User, record.requested_by_id) if record.requested_by_id else None
        record.status = JobStatus.RUNNING
        record.attempts += 1
        record.started_at = utcnow()
        record.error = None
        db.session.commit()
        actor = Actor(
            user_id=requester.id if requester else None,
            label=f"{requester.email} (job {spec.name})" if requester else f"system (job {spec.name})",
        )
        token = set_actor(actor)
        try:
            result = spec.func(*args)
            db.session.commit()
        except Exception:
            db.session.rollback()
            rq_job = get_current_job()
            retries_left = (rq_job.retries_left or 0) if rq_job is not None else 0
            _mark(
                record_id,
                status=JobStatus.RETRYING if retries_left > 0 else JobStatus.FAILED,
                ended_at=utcnow(),
                error=traceback.format_exc(limit=20)[-8000:],
            )
            raise
        finally:
            reset_actor(token)
        _mark(
            record_id,
            status=JobStatus.FINISHED,
            ended_at=utcnow(),
            result=result if isinstance(result, dict) else None,
        )
        return result
