"""The hash chain: appending, verifying, and catching every kind of tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from marketplace.audit import services as audit
from marketplace.audit.context import Actor
from marketplace.extensions import db
from marketplace.models import AuditEvent
from marketplace.models.audit import AuditLogIsAppendOnly

ACTOR = Actor(user_id=None, label="tester@example.org", ip="127.0.0.1")


@pytest.fixture
def chain():
    for n in range(1, 6):
        audit.record("test.event", object_type="thing", object_id=n, summary={"n": n, "名称": "测试"}, actor=ACTOR)
    db.session.commit()


@pytest.fixture
def raw_sql():
    """Run SQL around the ORM's guard and, on PostgreSQL, around the append-only trigger."""
    postgres = db.engine.dialect.name == "postgresql"

    def run(statement: str):
        with db.engine.begin() as connection:
            if postgres:
                connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
            connection.execute(text(statement))
            if postgres:
                connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        db.session.expire_all()

    return run


def test_chain_links_and_verifies(chain):
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    report = audit.verify_chain()
    assert report.ok and report.events_checked == 5


def test_edited_row_is_detected(chain, raw_sql):
    raw_sql("UPDATE audit_events SET summary = '{\"n\": 99}' WHERE seq = 3")
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 3 and "altered" in report.problem


def test_deleted_row_is_detected(chain, raw_sql):
    raw_sql("DELETE FROM audit_events WHERE seq = 2")
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 2 and "missing" in report.problem


def test_cut_tail_is_detected(chain, raw_sql):
    raw_sql("DELETE FROM audit_events WHERE seq = 5")
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 5


def test_orm_refuses_changes(chain):
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 1))
    event.action = "test.rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 1)))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_changes_on_postgresql(chain):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 1"))


def test_cli_verify_reports_the_broken_link(app, chain, raw_sql):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "5 events verified" in result.output
    raw_sql("UPDATE audit_events SET actor_label = 'someone-else' WHERE seq = 4")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "#4" in result.output
