"""Deadline load test: 200 bids in the last ten seconds before a tender's deadline, through gunicorn on PostgreSQL.

Builds its own PostgreSQL database `loadtest` (dropped and rebuilt at the start of every run, then left in
place for inspection: it is dropped again on the next run; `test` and `bench` are never touched), seeds an
approved agency with a published tender whose deadline is ~25 s away and 210 organisations with API
tokens, and serves the app with gunicorn (production settings; jobs go to Redis under a unique queue
prefix, no worker runs them, and the run deletes them at the end). It then submits 200 bids spread over the
ten seconds before the deadline, and 10 more one to three seconds after it, and checks the database.

The server decides the deadline by its own clock when it processes a request, so a bid sent shortly before
the deadline that waits in a queue can be refused as late: such refusals are counted, not treated as lost.
On a small machine the client, gunicorn and PostgreSQL share the CPUs; the figures say so too.

Prints figures and never asserts timings. Exits 1 when a bid was lost (acknowledged with 2xx but not stored,
or stored with another receipt) or when a late bid was stored; 0 otherwise.

    .venv/bin/python bench/deadline_load.py

Settings (environment): LOADTEST_PG_URL (server, default postgresql://postgres@127.0.0.1:5432),
LOADTEST_REDIS_URL (default redis://127.0.0.1:6379/14), LOADTEST_BIDS (200), LOADTEST_LATE (10),
LOADTEST_THREADS (32), LOADTEST_WORKERS (4), LOADTEST_LEAD_SECONDS (25), LOADTEST_SEED (20261123),
LOADTEST_WARMUP (48 authenticated GETs before the window, so each worker has connected and loaded what it
loads lazily; 0 measures a cold server).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.accounts import tokens  # noqa: E402
from marketplace.accounts.security import hash_password  # noqa: E402
from marketplace.audit import services as audit  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import (  # noqa: E402
    Bid,
    BidStatus,
    Capability,
    EvaluationMethod,
    LegalForm,
    MemberRole,
    Membership,
    OrganisationProfile,
    Party,
    PartyKind,
    PartyStatus,
    PricingUnit,
    ProcurementMethod,
    ServiceArea,
    User,
    utcnow,
)
from marketplace.organisations import credit_code  # noqa: E402
from marketplace.tenders import services as tendering  # noqa: E402

PG_SERVER = os.environ.get("LOADTEST_PG_URL", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "loadtest"
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14")
BIDS = int(os.environ.get("LOADTEST_BIDS", 200))
LATE = int(os.environ.get("LOADTEST_LATE", 10))
THREADS = int(os.environ.get("LOADTEST_THREADS", 32))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", 4))
LEAD_SECONDS = float(os.environ.get("LOADTEST_LEAD_SECONDS", 25))
SEED = int(os.environ.get("LOADTEST_SEED", 20261123))
WARMUP = int(os.environ.get("LOADTEST_WARMUP", 48))  # GETs before the window so every worker is warm; 0 = cold
WINDOW = (10.0, 0.5)  # bids go out between 10 s and 0.5 s before the deadline
LATE_WINDOW = (1.0, 3.0)  # late bids go out between 1 s and 3 s after it
REQUEST_TIMEOUT = 30.0
HEALTH_TIMEOUT = 60.0
MIGRATIONS = str(ROOT / "marketplace" / "migrations")
REGION = "310114"  # 上海市嘉定区
CATEGORY = "disability.severe_home_care"


@dataclass
class Bidder:
    party_id: int
    token: str


@dataclass
class Outcome:
    kind: str  # "window" or "late"
    bidder: Bidder
    offset: float  # scheduled send time relative to the deadline (s)
    sent_offset: float | None = None  # actual send time relative to the deadline (s)
    latency_ms: float | None = None
    status: int | None = None
    bid_id: int | None = None
    receipt: str | None = None
    message: str | None = None
    error: str | None = None


# --- Database and seed ------------------------------------------------------------------------

def recreate_database() -> str:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    return f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://', 1)}/{DATABASE}"


def seed_bidders(count: int, password_hash: str) -> list[Bidder]:
    """Organisations with a complete profile, an admin user and a personal access token each."""
    users, parties = [], []
    for n in range(count):
        user = User(email=f"bidder{n}@loadtest.example", name=f"Bidder {n}", password_hash=password_hash,
                    locale="en")
        party = Party(kind=PartyKind.ORGANISATION, name=f"压力测试社会工作服务中心{n}",
                      name_en=f"Load Test Social Work Centre {n}", status=PartyStatus.APPROVED)
        db.session.add_all([user, party])
        users.append(user)
        parties.append(party)
    db.session.flush()
    bidders = []
    for n, (user, party) in enumerate(zip(users, parties, strict=True)):
        db.session.add(OrganisationProfile(
            party_id=party.id, legal_form=LegalForm.SOCIAL_SERVICE_INSTITUTION,
            credit_code=credit_code.make("social_service_institution", REGION, 70_000_000 + n),
            registered_on=date(2015, 3, 1), home_region=REGION, headcount=20, full_time_staff=12,
            annual_capacity=800, current_commitments=200, grade="3A", grade_awarded_on=date(2023, 6, 1),
            contact_name="联系人", contact_phone="021-12345678", contact_email=f"contact{n}@loadtest.example",
            mission="为重度残疾人提供居家托养服务"))
        db.session.add(ServiceArea(party_id=party.id, region_code=REGION))
        db.session.add(Capability(party_id=party.id, category_code=CATEGORY, statement="居家托养、康复训练与照护。",
                                  years=5, projects=8, beneficiaries=900))
        db.session.add(Membership(user_id=user.id, party_id=party.id, role=MemberRole.ADMIN))
        _row, plain = tokens.create_token(user, "deadline load test", 1)
        bidders.append(Bidder(party.id, plain))
    db.session.commit()
    return bidders


def seed_agency(password_hash: str) -> tuple[Party, User]:
    user = User(email="agency@loadtest.example", name="Agency admin", password_hash=password_hash, locale="en")
    agency = Party(kind=PartyKind.AGENCY, name="上海市嘉定区残疾人联合会（压力测试）", status=PartyStatus.APPROVED)
    db.session.add_all([user, agency])
    db.session.flush()
    db.session.add(Membership(user_id=user.id, party_id=agency.id, role=MemberRole.ADMIN))
    db.session.commit()
    return agency, user


def publish_tender(agency: Party, user: User) -> tuple[int, int, int, float]:
    """Publish a one-lot comprehensive tender, then bring its deadline to LEAD_SECONDS from now.

    `publish` insists on a deadline at least an hour away, so the deadline is moved directly in the database.
    Returns (tender id, lot id, criterion id, deadline as a Unix time).
    """
    data = tendering.TenderInput(
        title="嘉定区重度残疾人居家托养服务（压力测试）", description="截止前十秒的投标压力测试",
        category_code=CATEGORY,
        procurement_method=ProcurementMethod.OPEN_TENDER, service_start=date(2027, 1, 1),
        service_end=date(2027, 12, 31), evaluation_method=EvaluationMethod.COMPREHENSIVE, price_weight=30,
        deadline=utcnow() + timedelta(hours=2))
    lot = tendering.LotInput(title="安亭镇", pricing_unit=PricingUnit.PERSON_MONTH, quantity=Decimal(600),
                             ceiling_unit_price=Decimal(2000), regions=[REGION])
    tender = tendering.create_draft(agency, data, [lot], [tendering.CriterionInput("服务方案", 70)], by=user)
    tendering.publish(tender, by=user)
    db.session.commit()
    tender.deadline = utcnow() + timedelta(seconds=LEAD_SECONDS)
    db.session.commit()
    return tender.id, tender.lots[0].id, tender.criteria[0].id, tender.deadline.timestamp()


# --- gunicorn -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    try:
        return subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py", "marketplace:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()  # the child keeps its own descriptor


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def request(port: int, method: str, path: str, body: dict | None = None,
            token: str | None = None) -> tuple[int, dict | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Accept-Language": "en", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed if isinstance(parsed, dict) else None
    finally:
        connection.close()


def wait_healthy(port: int, process: subprocess.Popen, log_path: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < HEALTH_TIMEOUT:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail(log_path)}")
        try:
            status, body = request(port, "GET", "/healthz")
            if status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"/healthz did not answer 200 within {HEALTH_TIMEOUT:.0f} s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- The load ------------------------------------------------------------------------------------

def submit(port: int, lot_id: int, criterion_id: int, deadline: float, outcome: Outcome, rng_price: Decimal) -> None:
    delay = deadline + outcome.offset - time.time()
    if delay > 0:
        time.sleep(delay)
    body = {"party_id": outcome.bidder.party_id, "unit_price": str(rng_price),
            "proposals": {str(criterion_id): f"服务方案：个案管理、康复训练与家庭支持（{outcome.bidder.party_id}）"},
            "implementation_plan": "第一季度建档评估，第二至四季度上门照护与康复训练，每月回访。", "submit": True}
    outcome.sent_offset = time.time() - deadline
    started = time.perf_counter()
    try:
        status, answer = request(port, "PUT", f"/api/v1/lots/{lot_id}/bid", body, outcome.bidder.token)
    except (OSError, http.client.HTTPException) as exc:
        outcome.latency_ms = (time.perf_counter() - started) * 1000
        outcome.error = f"{type(exc).__name__}: {exc}"
        return
    outcome.latency_ms = (time.perf_counter() - started) * 1000
    outcome.status = status
    answer = answer or {}
    if 200 <= status < 300:
        outcome.bid_id = answer.get("id")
        outcome.receipt = answer.get("receipt_hash")
    else:
        outcome.message = (answer.get("error") or {}).get("message")


def warm_up(port: int, tender_id: int, bidders: list[Bidder]) -> None:
    """Authenticated GETs of the tender (tokens of the late bidders, who do not bid in the window)."""
    if WARMUP <= 0 or not bidders:
        print("no warm-up: the window meets cold workers")
        return
    samples: list[float] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        started = time.perf_counter()
        try:
            request(port, "GET", f"/api/v1/tenders/{tender_id}", token=bidders[n % len(bidders)].token)
        except (OSError, http.client.HTTPException):
            return
        with lock:
            samples.append((time.perf_counter() - started) * 1000)

    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        list(pool.map(one, range(WARMUP)))
    if samples:
        print(f"warm-up: {len(samples)} GETs, p50 {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms")


def run_load(port: int, bidders: list[Bidder], lot_id: int, criterion_id: int, deadline: float,
             rng: random.Random) -> list[Outcome]:
    on_time, late = bidders[:BIDS], bidders[BIDS:BIDS + LATE]
    outcomes = [Outcome("window", b, -rng.uniform(WINDOW[1], WINDOW[0])) for b in on_time]
    outcomes += [Outcome("late", b, rng.uniform(*LATE_WINDOW)) for b in late]
    outcomes.sort(key=lambda o: o.offset)
    prices = {id(o): Decimal(rng.randrange(100_000, 199_999)) / 100 for o in outcomes}
    wait_for = deadline - WINDOW[0] - time.time()
    print(f"waiting {wait_for:.1f} s until 10 s before the deadline")
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="bidder") as pool:
        futures = [pool.submit(submit, port, lot_id, criterion_id, deadline, o, prices[id(o)]) for o in outcomes]
        budget = max(0.0, deadline + LATE_WINDOW[1] - time.time()) + REQUEST_TIMEOUT + 5
        done, pending = wait(futures, timeout=budget)
        for future in pending:
            future.cancel()
        for future in done:
            if future.exception() is not None:
                print(f"  a request thread failed: {future.exception()!r}")
    return outcomes


def read_back(port: int, outcomes: list[Outcome]) -> Counter:
    """GET /api/v1/bids/<id> with the bidder's token for every acknowledged bid."""
    results: Counter = Counter()
    lock = threading.Lock()

    def check(outcome: Outcome) -> None:
        try:
            status, answer = request(port, "GET", f"/api/v1/bids/{outcome.bid_id}", token=outcome.bidder.token)
        except (OSError, http.client.HTTPException):
            key = "error"
        else:
            if status != 200:
                key = f"status {status}"
            elif answer and answer.get("status") == "submitted" and answer.get("receipt_hash") == outcome.receipt:
                key = "match"
            else:
                key = "mismatch"
        with lock:
            results[key] += 1

    acknowledged = [o for o in outcomes if o.kind == "window" and o.status and 200 <= o.status < 300 and o.bid_id]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(check, acknowledged))
    return results


def clear_jobs(backend) -> Counter:
    """Count the jobs this run queued in Redis (there is no worker), then delete them and their queues."""
    counts: Counter = Counter()
    for queue in backend.queues():
        counts[queue.name.rsplit("-", 1)[-1]] += queue.count
        scheduled = queue.scheduled_job_registry
        for job_id in scheduled.get_job_ids():
            counts["scheduled"] += 1
            scheduled.remove(job_id, delete_job=True)
        queue.delete(delete_jobs=True)
    return +counts


# --- Report ----------------------------------------------------------------------------------------

def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def status_class(outcome: Outcome) -> str:
    if outcome.status is None:
        return "error"
    return f"{outcome.status // 100}xx"


def verify(tender_id: int, deadline: float, outcomes: list[Outcome]) -> dict:
    db.session.remove()
    stored = {bid.party_id: bid for bid in db.session.scalars(select(Bid).where(Bid.tender_id == tender_id))}
    submitted = {party: bid for party, bid in stored.items()
                 if bid.status == BidStatus.SUBMITTED and bid.receipt_hash}
    window = [o for o in outcomes if o.kind == "window"]
    late = [o for o in outcomes if o.kind == "late"]
    acknowledged = [o for o in window if o.status and 200 <= o.status < 300]
    lost = [o for o in acknowledged if o.bidder.party_id not in submitted
            or submitted[o.bidder.party_id].receipt_hash != o.receipt]
    unacknowledged = [o for o in window if o not in acknowledged and o.bidder.party_id in submitted]
    late_refused = [o for o in late if o.status == 400 and o.bidder.party_id not in stored]
    late_stored = [o for o in late if o.bidder.party_id in submitted]
    after_deadline = [b for b in submitted.values() if b.submitted_at.timestamp() >= deadline]
    last = max((b.submitted_at.timestamp() - deadline for b in submitted.values()), default=None)
    return {"submitted": submitted, "rows": len(stored), "acknowledged": acknowledged, "lost": lost,
            "unacknowledged": unacknowledged, "late_refused": late_refused, "late_stored": late_stored,
            "after_deadline": after_deadline, "last": last}


def report(outcomes: list[Outcome], checks: dict, readback: Counter, log_path: Path) -> None:
    window = [o for o in outcomes if o.kind == "window"]
    late = [o for o in outcomes if o.kind == "late"]
    classes = Counter(status_class(o) for o in window)
    latencies = [o.latency_ms for o in window if o.status is not None]
    sent = [o.sent_offset for o in window if o.sent_offset is not None]
    print(f"\nrequests sent in the window  {len(sent)} of {len(window)}"
          + (f" (first at deadline {min(sent):+.2f} s, last at {max(sent):+.2f} s)" if sent else ""))
    print(f"  2xx {classes['2xx']}   4xx {classes['4xx']}   5xx {classes['5xx']}   other errors {classes['error']}")
    for (status, message), count in Counter((o.status, o.message or o.error) for o in window
                                            if o.status is None or o.status >= 300).most_common(8):
        print(f"    {count:4d} x {status or 'no response'}: {message}")
    if latencies:
        print(f"  latency  p50 {statistics.median(latencies):7.1f} ms   p95 {percentile(latencies, 0.95):7.1f} ms   "
              f"max {max(latencies):7.1f} ms")
    for start in range(-int(WINDOW[0]), 0, 2):
        chunk = [o.latency_ms for o in window if o.status is not None and start <= o.sent_offset < start + 2]
        if chunk:
            print(f"    sent at deadline {start:+d}..{start + 2:+d} s: {len(chunk):3d} requests, "
                  f"p50 {statistics.median(chunk):7.1f} ms, max {max(chunk):7.1f} ms")
    refused_late = [o for o in window if o.status == 400 and o.message and "deadline" in o.message]
    if refused_late:
        sent_at = [o.sent_offset for o in refused_late]
        waited = [o.latency_ms for o in refused_late]
        print(f"  refused as late although sent before the deadline: {len(refused_late)} (sent between deadline "
              f"{min(sent_at):+.2f} s and {max(sent_at):+.2f} s, "
              f"answered after {min(waited):.0f}..{max(waited):.0f} ms)")
    lateness = [o.sent_offset - o.offset for o in window if o.sent_offset is not None]
    if lateness:
        print(f"  client send lag behind schedule: max {max(lateness) * 1000:.0f} ms")
    print(f"bids stored (submitted with a receipt)  {len(checks['submitted'])}   (bid rows {checks['rows']})")
    print(f"  acknowledged (2xx)  {len(checks['acknowledged'])}")
    print(f"  LOST (2xx but not stored, or another receipt)  {len(checks['lost'])}")
    for outcome in checks["lost"][:10]:
        print(f"    party {outcome.bidder.party_id}: bid {outcome.bid_id} receipt {outcome.receipt}")
    if checks["unacknowledged"]:
        print(f"  stored although the client saw no 2xx  {len(checks['unacknowledged'])}")
    if checks["last"] is not None:
        print(f"  last stored receipt time  deadline {checks['last']:+.3f} s; receipts at or after the deadline "
              f"{len(checks['after_deadline'])}")
    print(f"  API read-back of acknowledged bids  {dict(readback) or 'none'}")
    late_classes = Counter(status_class(o) for o in late)
    print(f"late submissions (deadline +{LATE_WINDOW[0]:.0f}..{LATE_WINDOW[1]:.0f} s)  {len(late)}: "
          f"refused with 400 and not stored {len(checks['late_refused'])}, STORED {len(checks['late_stored'])}   "
          f"({dict(late_classes)})")
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    problems = [line for line in log.splitlines()
                if "[ERROR]" in line or "Traceback" in line or "WORKER TIMEOUT" in line or "[CRITICAL]" in line]
    print(f"gunicorn log  {log_path}: {len(problems)} error lines")
    for line in problems[:10]:
        print(f"    {line[:200]}")


def main() -> int:
    rng = random.Random(SEED)
    workdir = Path(tempfile.mkdtemp(prefix="marketplace-loadtest-"))
    log_path = workdir / "gunicorn.log"
    os.environ["MARKETPLACE_INSTANCE_PATH"] = str(workdir)
    secret = secrets.token_urlsafe(36)  # 48 characters
    prefix = f"loadtest-{uuid.uuid4().hex[:12]}"
    started = time.monotonic()
    url = recreate_database()
    settings = {"ENV_NAME": "production", "SECRET_KEY": secret, "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
                "JOB_QUEUE_PREFIX": prefix, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                "HSTS_ENABLED": False, "PROXY_COUNT": 0}
    app = create_app(settings)
    port = free_port()
    env = os.environ | {
        "MARKETPLACE_ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
        "JOB_QUEUE_PREFIX": prefix, "MARKETPLACE_INSTANCE_PATH": str(workdir), "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS), "SESSION_COOKIE_SECURE": "false", "HSTS_ENABLED": "false",
        "PROXY_COUNT": "0", "RATELIMIT_ENABLED": "false"}
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        password_hash = hash_password(secrets.token_urlsafe(16))  # Argon2 once, shared by every seeded user
        bidders = seed_bidders(BIDS + LATE, password_hash)
        agency, agency_user = seed_agency(password_hash)
        print(f"database {DATABASE}: schema and {len(bidders)} organisations with tokens in "
              f"{time.monotonic() - started:.1f} s; jobs queue in Redis as {prefix}-*")

        process = start_gunicorn(env, log_path)
        try:
            boot = wait_healthy(port, process, log_path)
            print(f"gunicorn on 127.0.0.1:{port}, {WORKERS} workers x {os.environ.get('GUNICORN_THREADS', 2)} "
                  f"threads, on a machine with {os.cpu_count()} CPUs shared with the client and PostgreSQL: "
                  f"healthy after {boot:.1f} s")
            tender_id, lot_id, criterion_id, deadline = publish_tender(agency, agency_user)
            print(f"tender {tender_id} published, lot {lot_id}; deadline in {deadline - time.time():.1f} s; "
                  f"{BIDS} bids from {THREADS} threads between deadline -{WINDOW[0]:.0f} s and -{WINDOW[1]} s, "
                  f"{LATE} late ones")
            warm_up(port, tender_id, bidders[BIDS:BIDS + LATE])
            outcomes = run_load(port, bidders, lot_id, criterion_id, deadline, rng)
            readback = read_back(port, outcomes)
        finally:
            stop_gunicorn(process)
        checks = verify(tender_id, deadline, outcomes)
        chain = audit.verify_chain()
        report(outcomes, checks, readback, log_path)
        jobs = clear_jobs(app.extensions["job_backend"])
        print(f"jobs queued in Redis by this run (no worker; now deleted)  {dict(jobs) or 'none'}")
        print(f"audit chain  {'intact' if chain.ok else 'BROKEN: ' + str(chain.problem)} "
              f"({chain.events_checked} events)")
    print(f"whole run {time.monotonic() - started:.1f} s; the {DATABASE} database is left for inspection "
          f"(dropped on the next run)")
    failed = bool(checks["lost"] or checks["late_stored"])
    print("RESULT: " + ("FAILED (bids lost or late bids stored)" if failed else "no bid lost, every late bid refused"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
