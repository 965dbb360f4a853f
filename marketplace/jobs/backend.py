"""The Redis connection and queues: real Redis with REDIS_URL, otherwise an
in-process fakeredis server with a worker thread that honours retries,
timeouts and scheduled jobs like a real worker would."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import fakeredis
import redis
from flask import Flask, current_app
from rq import Queue, SimpleWorker
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty

from .registry import QUEUE_KINDS

log = logging.getLogger(__name__)


class ThreadWorker(SimpleWorker):
    """An RQ worker that can run in a non-main thread (no signals)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


@dataclass
class JobBackend:
    connection: redis.Redis
    queue_prefix: str
    in_process: bool
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def queue_name(self, kind: str) -> str:
        return f"{self.queue_prefix}-{kind}"

    def queue(self, kind: str) -> Queue:
        return Queue(self.queue_name(kind), connection=self.connection, serializer=JSONSerializer)

    def queues(self) -> list[Queue]:
        return [self.queue(kind) for kind in QUEUE_KINDS]

    def ping(self) -> bool:
        try:
            return bool(self.connection.ping())
        except redis.RedisError:
            return False

    # -- in-process running --------------------------------------------------

    def move_due_scheduled_jobs(self) -> None:
        scheduler = RQScheduler(
            [q.name for q in self.queues()], connection=self.connection, serializer=JSONSerializer
        )
        scheduler.prepare_registries([q.name for q in self.queues()])
        scheduler.enqueue_scheduled_jobs()

    def run_pending(self, max_rounds: int = 50) -> int:
        """Run queued jobs (and scheduled ones now due) until none is left; returns rounds that ran work.

        Retries without a delay are re-queued by RQ and run in a later round.
        """
        worked_rounds = 0
        for _ in range(max_rounds):
            self.move_due_scheduled_jobs()
            worker = ThreadWorker(self.queues(), connection=self.connection, serializer=JSONSerializer)
            if not worker.work(burst=True, logging_level="WARNING"):
                break
            worked_rounds += 1
        return worked_rounds

    def start_thread(self, interval: float = 1.0) -> None:
        if self._thread is not None:
            return

        def loop():
            while not self._stop.wait(interval):
                try:
                    self.run_pending()
                except Exception:
                    log.exception("in-process job runner failed; it will try again")

        self._thread = threading.Thread(target=loop, name="marketplace-jobs", daemon=True)
        self._thread.start()


def init_job_backend(app: Flask) -> JobBackend:
    url = app.config["REDIS_URL"]
    if url:
        backend = JobBackend(redis.Redis.from_url(url), app.config["JOB_QUEUE_PREFIX"], in_process=False)
    else:
        backend = JobBackend(
            fakeredis.FakeRedis(server=fakeredis.FakeServer()), app.config["JOB_QUEUE_PREFIX"], in_process=True
        )
    app.extensions["job_backend"] = backend
    return backend


def job_backend() -> JobBackend:
    return current_app.extensions["job_backend"]
