"""Fixtures: one app per run on SQLite (default) or PostgreSQL (TEST_DATABASE_URL),
the schema built by `upgrade head`, every table emptied after each test."""

from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from marketplace import create_app
from marketplace.extensions import db, limiter

from . import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def app_settings(tmp_dir: Path, database_url: str, **extra) -> dict:
    return {
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(tmp_dir / "uploads"),
        "JOB_QUEUE_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "PUBLIC_BASE_URL": "http://localhost",
        **extra,
    }


def _reset_schema(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "marketplace" / "migrations"))


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Without this, requests would reuse the test's pushed app context and share
    its `g`, its database session and Flask-Babel's cached locale. The test's
    session is committed before each request and expired after it, so the
    request sees what the test set up and the test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        # What the test set up is committed before a client acts, as it would be in real life; an
        # open transaction here would hold locks the request then waits for.
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def tmp_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("marketplace")


@pytest.fixture(scope="session")
def database_url(tmp_dir) -> str:
    return TEST_DATABASE_URL or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_dir, database_url):
    os.environ["MARKETPLACE_INSTANCE_PATH"] = str(tmp_dir / "instance")
    application = create_app(app_settings(tmp_dir, database_url))
    application.test_client_class = IsolatedClient
    _reset_schema(application)
    return application


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    connection.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Each test starts with empty tables, empty queues and no rate-limit counters."""
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.remove()
    ctx.pop()
    _empty_tables(app)
    backend = app.extensions["job_backend"]
    if backend.in_process:
        backend.connection.flushall()
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_jobs(app):
    """Run every queued job now, in this thread, like the in-process worker would."""

    def run():
        db.session.commit()
        app.extensions["job_backend"].run_pending()
        db.session.expire_all()

    return run


def csrf_token(client, url: str = "/") -> str:
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict | None = None, *, token_from: str = "/", **kwargs):
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real form."""

    def do_login(user, password: str = factories.PASSWORD, test_client=None):
        target = test_client or client
        response = post_form(target, "/login", {"email": user.email, "password": password}, token_from="/login")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return target

    return do_login


@contextmanager
def count_queries():
    """Count SQL statements run inside the block: `with count_queries() as queries: ...; queries[0]`."""
    counter = [0]

    def before_cursor_execute(*_args):
        counter[0] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def real_redis():
    if not redis_available():
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(f"Redis is required but not reachable at {REDIS_TEST_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_TEST_URL}")
    return REDIS_TEST_URL
