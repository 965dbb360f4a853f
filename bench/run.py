"""Foundation benchmarks: audit chain throughput and page latency. Prints figures; asserts nothing.

Run with `make bench` (SQLite in a temporary folder) or set BENCH_DATABASE_URL to a PostgreSQL URL.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.audit import services as audit  # noqa: E402
from marketplace.audit.context import Actor  # noqa: E402
from marketplace.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from marketplace.extensions import db  # noqa: E402

AUDIT_EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", 5000))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", 200))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def time_pages(client, urls: list[str]) -> None:
    for url in urls:
        client.get(url)  # warm up
        samples = []
        for _ in range(PAGE_REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"  GET {url:<22} p50 {statistics.median(samples):6.2f} ms   p95 {percentile(samples, 0.95):6.2f} ms")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="marketplace-bench-"))
    os.environ["MARKETPLACE_INSTANCE_PATH"] = str(workdir)
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "marketplace" / "migrations"))
        load_demo()
        db.session.commit()
        print(f"database: {db.engine.dialect.name}")

        actor = Actor(label="bench@example.org", ip="127.0.0.1")
        started = time.perf_counter()
        for n in range(AUDIT_EVENTS):
            audit.record("bench.event", object_type="bench", object_id=n, summary={"n": n}, actor=actor)
            if n % 100 == 99:
                db.session.commit()
        db.session.commit()
        elapsed = time.perf_counter() - started
        print(f"audit append: {AUDIT_EVENTS} events in {elapsed:.2f} s = {AUDIT_EVENTS / elapsed:,.0f} events/s")

        started = time.perf_counter()
        report = audit.verify_chain()
        elapsed = time.perf_counter() - started
        print(f"audit verify: {report.events_checked} events in {elapsed:.2f} s = "
              f"{report.events_checked / elapsed:,.0f} events/s (ok={report.ok})")

    client = app.test_client()
    print("anonymous pages:")
    time_pages(client, ["/", "/login", "/healthz"])
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    started = time.perf_counter()
    client.post("/login", data={"csrf_token": token, "email": "admin@demo.example", "password": DEMO_PASSWORD})
    print(f"log-in (Argon2id verify + session): {(time.perf_counter() - started) * 1000:.0f} ms")
    print("administrator pages:")
    time_pages(client, ["/dashboard", "/admin/users", "/admin/audit/", "/admin/jobs"])


if __name__ == "__main__":
    main()
