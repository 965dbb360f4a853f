"""API endpoints to follow background jobs."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from marketplace.api import bp, token_required
from marketplace.authz import authorize
from marketplace.extensions import db
from marketplace.models import BackgroundJob


def job_summary(record: BackgroundJob) -> dict:
    return {
        "id": record.id,
        "job": record.func_name,
        "description": record.description,
        "status": record.status.value,
        "attempts": record.attempts,
        "max_attempts": record.max_attempts,
        "enqueued_at": record.enqueued_at.isoformat(),
        "started_at": record.started_at.isoformat() if record.started_at else None,
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "result": record.result,
    }


@bp.get("/jobs")
@token_required
def my_jobs():
    """Background jobs the user started, newest first (at most 100).
    ---
    get:
      summary: The user's background jobs
      responses:
        200:
          description: Jobs
          content:
            application/json:
              schema:
                type: object
                properties:
                  jobs: {type: array, items: {$ref: '#/components/schemas/Job'}}
        401: {$ref: '#/components/responses/Unauthorized'}
    """
    rows = db.session.scalars(
        select(BackgroundJob).where(BackgroundJob.requested_by_id == g.api_user.id)
        .order_by(BackgroundJob.id.desc()).limit(100)
    )
    return jsonify(jobs=[job_summary(row) for row in rows])


@bp.get("/jobs/<int:job_id>")
@token_required
def job_detail(job_id: int):
    """One background job's state.
    ---
    get:
      summary: A background job's state
      parameters:
        - {name: job_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The job
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    record = db.get_or_404(BackgroundJob, job_id)
    authorize(g.api_user, "view", record)
    return jsonify(job_summary(record))
