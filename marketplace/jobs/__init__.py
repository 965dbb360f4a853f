"""Background job plumbing: declaring jobs, queueing them after commit, running them.

Feature packages declare job functions in their own ``jobs.py`` with
``@job(...)``; callers queue them with ``enqueue(...)``. Every run is a
``BackgroundJob`` row, so users can follow it and failures are kept.
"""

from .queueing import enqueue
from .registry import job

__all__ = ["enqueue", "job"]
