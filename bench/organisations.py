"""Registry benchmarks: importing 1,000 organisations and searching a directory of 10,000.

Prints figures; asserts nothing. `make bench` runs it on SQLite in a temporary folder; set
BENCH_DATABASE_URL to a PostgreSQL URL to measure there (its schema is dropped and rebuilt).
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from marketplace import catalogue, create_app, regions  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import PlatformRole  # noqa: E402
from marketplace.organisations import credit_code, queries, transfer  # noqa: E402

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 1000))
DIRECTORY_SIZE = int(os.environ.get("BENCH_DIRECTORY_SIZE", 10_000))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", 50))
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "marketplace" / "migrations")


def make_rows(count: int, start: int, rng: random.Random) -> list[dict]:
    counties = [r.code for r in regions.children("610300")] + [r.code for r in regions.children("310100")]
    services = [s.code for s in catalogue.all_services()]
    rows = []
    for n in range(start, start + count):
        home = rng.choice(counties)
        rows.append({
            "name": f"基准测试社会工作服务中心{n}", "name_en": f"Benchmark Social Work Centre {n}",
            "legal_form": "social_service_institution",
            "credit_code": credit_code.make("social_service_institution", home, 30_000_000 + n),
            "registered_on": "2015-06-01", "home_region": home, "headcount": "20", "full_time_staff": "10",
            "annual_capacity": "900", "grade": rng.choice(["", "2A", "3A", "4A"]), "mission": "为社区居民提供专业服务",
            "service_areas": ";".join(rng.sample(counties, 2) + [home[:4] + "00"]),
            "categories": ";".join(rng.sample(services, 3)),
        })
        if rows[-1]["grade"]:
            rows[-1]["grade_awarded_on"] = "2023-05-01"
    return rows


def to_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=transfer.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def import_file(content: bytes, admin) -> tuple[float, float, int]:
    started = time.perf_counter()
    report = transfer.check_rows(transfer.read_rows(content, "bench.csv"), today=date(2026, 11, 23))
    checked = time.perf_counter() - started
    transfer.import_rows(report, only_valid=False, by=admin, today=date(2026, 11, 23))
    db.session.commit()
    return checked, time.perf_counter() - started, report.imported


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="marketplace-bench-"))
    os.environ["MARKETPLACE_INSTANCE_PATH"] = str(workdir)
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "UPLOAD_FOLDER": str(workdir / "uploads")})
    rng = random.Random(20261123)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=MIGRATIONS)
        from marketplace.accounts import services

        admin = services.create_user("runner@example.org", "Runner", "correct-horse-battery-2026")
        services.grant_role(admin, PlatformRole.ADMIN, granted_by=None)
        db.session.commit()
        print(f"database: {db.engine.dialect.name}")

        checked, total, imported = import_file(to_csv(make_rows(IMPORT_ROWS, 0, rng)), admin)
        print(f"import {imported} organisations: check {checked:.2f} s, check + write {total:.2f} s "
              f"({imported / total:,.0f} rows/s)")

        remaining = DIRECTORY_SIZE - imported
        started = time.perf_counter()
        for offset in range(imported, DIRECTORY_SIZE, 1000):
            import_file(to_csv(make_rows(min(1000, DIRECTORY_SIZE - offset), offset, rng)), admin)
        print(f"grew the directory to {DIRECTORY_SIZE} organisations in {time.perf_counter() - started:.1f} s "
              f"({remaining} more)")

        counties = [r.code for r in regions.children("610300")]
        searches = [
            ("text", lambda: queries.DirectoryFilters(q="社会工作服务中心12")),
            ("category group", lambda: queries.DirectoryFilters(category="elderly")),
            ("county (covering)", lambda: queries.DirectoryFilters(region=rng.choice(counties))),
            ("combined", lambda: queries.DirectoryFilters(category="disability", region=rng.choice(counties),
                                                          min_grade="3A")),
        ]
        page_size = app.config["PAGE_SIZE"]
        for label, make_filters in searches:
            samples = []
            for _ in range(SEARCHES):
                started = time.perf_counter()
                page = db.paginate(queries.directory_query(make_filters()), page=1, per_page=page_size,
                                   error_out=False, count=True)
                ids = [party.id for party in page.items]
                queries.profiles_by_party(ids)
                queries.categories_by_party(ids)
                samples.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            samples.sort()
            print(f"directory search over {DIRECTORY_SIZE} ({label:<18}) p50 {statistics.median(samples):7.1f} ms"
                  f"   p95 {samples[int(len(samples) * 0.95) - 1]:7.1f} ms   ({page.total} matches)")


if __name__ == "__main__":
    main()
