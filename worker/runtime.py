"""Start an RQ worker (with the RQ scheduler) over every queue of the marketplace."""

from __future__ import annotations

import logging
import os
import socket

from flask import Flask
from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from marketplace.extensions import db
from marketplace.jobs.queueing import recover_lost_jobs
from marketplace.jobs.registry import QUEUE_KINDS
from marketplace.jobs.schedule import schedule_daily_jobs


class ConfigurationError(SystemExit):
    pass


def run_worker(app: Flask, *, burst: bool = False, kinds: list[str] | None = None, fork: bool = True) -> bool:
    backend = app.extensions["job_backend"]
    if backend.in_process:
        raise ConfigurationError(
            "REDIS_URL is not set: jobs run inside the web process, so no separate worker is needed. "
            "Set REDIS_URL to run a worker."
        )
    unknown = set(kinds or ()) - set(QUEUE_KINDS)
    if unknown:
        raise ConfigurationError(f"unknown queue(s): {', '.join(sorted(unknown))}; known: {', '.join(QUEUE_KINDS)}")
    with app.app_context():
        schedule_daily_jobs()
        recovered = recover_lost_jobs()
        if recovered:
            logging.getLogger(__name__).warning("re-sent %d waiting job(s) that Redis had lost", recovered)
        engine = db.engine
        # A job run in a forked work horse must open its own database connections,
        # never reuse the parent's pooled ones.
        engine.dispose()
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    queues = [backend.queue(kind) for kind in kinds] if kinds else backend.queues()
    worker = (Worker if fork else SimpleWorker)(
        queues,
        connection=backend.connection,
        serializer=JSONSerializer,
        name=f"marketplace-{socket.gethostname()}-{os.getpid()}",
    )
    logging.basicConfig(level=logging.INFO)
    return worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
