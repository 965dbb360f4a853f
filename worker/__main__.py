"""`python -m worker [--burst] [--queues matching,default] [--no-fork]`: a worker for the app configured by the
environment.

--queues limits it to some queue kinds (default: all). --no-fork runs jobs in the worker process itself
instead of a forked child per job, so what a job caches survives to the next one: run the matching queue
this way, and its workers keep the market and relevance index in memory between rankings.
"""

import argparse

from marketplace import create_app

from .runtime import run_worker

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m worker")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument("--queues", help="comma-separated queue kinds (mail, default, matching, audit)")
    parser.add_argument("--no-fork", action="store_true", help="run jobs in this process (keeps caches warm)")
    options = parser.parse_args()
    run_worker(create_app(), burst=options.burst, kinds=options.queues.split(",") if options.queues else None,
               fork=not options.no_fork)
