"""The supply-gap map over the matcher benchmark's market: 100,000 organisations and 1,000 open tenders.

Prints how long the map takes for the whole country and for a province and a city, by service group and by
service; asserts nothing. Uses the database ``bench/market.py`` fills (BENCH_DATABASE_URL; run
``make bench-matching`` or ``python bench/market.py`` first).

    .venv/bin/python bench/gapmap.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import market as generated  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.incubation import gapmap  # noqa: E402
from marketplace.models import OrganisationProfile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", generated.DEFAULT_URL)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40,
                      "JOBS_INPROCESS_THREAD": False})
    with app.app_context(), app.test_request_context():
        organisations = db.session.scalar(select(func.count()).select_from(OrganisationProfile))
        print(f"Supply-gap map over {organisations:,} organisations ({url})")
        for label, parent, by_group in (("country, by service group", None, True), ("country, by service", None, False),
                                        ("Guangdong province, by service group", "440000", True),
                                        ("Baoji city, by service", "610300", False)):
            times, cells = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                gap = gapmap.build(parent=parent, by_group=by_group)
                times.append(time.perf_counter() - started)
                cells = len(gap.rows())
            print(f"  {label:<40} median {statistics.median(times) * 1000:7.0f} ms   max {max(times) * 1000:7.0f} ms"
                  f"   ({cells:,} cells with demand or supply)")


if __name__ == "__main__":
    main()
