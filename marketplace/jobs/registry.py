"""The job registry: every job function, with its queue, timeout and retry policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Queues by kind of work, highest priority first. A worker listens on all of them.
QUEUE_KINDS = ("mail", "default", "matching", "audit")


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable
    queue: str
    timeout: int | None  # seconds; None means the configured default
    max_retries: int | None  # None means the configured default


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, queue: str = "default", timeout: int | None = None, max_retries: int | None = None):
    """Declare a job function. It takes plain IDs and values (JSON), never ORM objects,
    runs in a fresh app context, and may return a small dict kept as its result."""
    if queue not in QUEUE_KINDS:
        raise ValueError(f"unknown queue {queue!r}; add it to QUEUE_KINDS")

    def register(func: Callable) -> Callable:
        if name in JOBS and JOBS[name].func is not func:
            raise ValueError(f"job {name!r} is declared twice")
        JOBS[name] = JobSpec(name, func, queue, timeout, max_retries)
        func.job_name = name
        return func

    return register


def spec_for(func_or_name: Callable | str) -> JobSpec:
    name = func_or_name if isinstance(func_or_name, str) else getattr(func_or_name, "job_name", None)
    if name not in JOBS:
        raise LookupError(f"{func_or_name!r} is not a declared job")
    return JOBS[name]
