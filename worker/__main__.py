"""`python -m worker [--burst]`: run a worker for the app configured by the environment."""

import sys

from marketplace import create_app

from .runtime import run_worker

if __name__ == "__main__":
    run_worker(create_app(), burst="--burst" in sys.argv[1:])
