"""Append events to the audit chain and verify it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from marketplace.extensions import db
from marketplace.models import AuditChainHead, AuditEvent, utcnow
from marketplace.models.audit import GENESIS_HASH

from .context import Actor, current_actor

HEAD_ID = 1


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(
    *,
    seq: int,
    prev_hash: str,
    occurred_at: datetime,
    actor_user_id: int | None,
    actor_label: str,
    actor_party_id: int | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    summary: dict,
    ip: str | None,
) -> str:
    payload = {
        "seq": seq,
        "prev": prev_hash,
        "at": occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_user_id,
        "label": actor_label,
        "party": actor_party_id,
        "action": action,
        "type": object_type,
        "id": object_id,
        "summary": summary,
        "ip": ip,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    return compute_hash(
        seq=event.seq,
        prev_hash=event.prev_hash,
        occurred_at=event.occurred_at,
        actor_user_id=event.actor_user_id,
        actor_label=event.actor_label,
        actor_party_id=event.actor_party_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        summary=event.summary,
        ip=event.ip,
    )


def _lock_head() -> AuditChainHead:
    """Take the chain's write lock (an UPDATE of the head row) and return the head."""
    now = utcnow()
    locked = db.session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(updated_at=now)
    ).rowcount
    if not locked:
        db.session.add(AuditChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH, updated_at=now))
        db.session.flush()
    return db.session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).execution_options(populate_existing=True)
    ).scalar_one()


def record(
    action: str,
    obj=None,
    *,
    summary: dict | None = None,
    object_type: str | None = None,
    object_id=None,
    actor: Actor | None = None,
) -> AuditEvent:
    """Append an event for `action` on `obj` (or an explicit type and id).

    `summary` should say what changed (field: [old, new], reason, ...), never secrets.
    Flushes; the caller's transaction commits the event with the change it records.
    """
    actor = actor or current_actor()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = obj.id if object_id is None else object_id
    head = _lock_head()
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=utcnow(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        actor_party_id=actor.party_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=json.loads(_canonical(summary or {})),
        ip=actor.ip,
        prev_hash=head.hash,
    )
    event.hash = _event_hash(event)
    db.session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    problem: str | None = None
    broken_seq: int | None = None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "problem": self.problem,
            "broken_seq": self.broken_seq,
        }


def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Walk the chain in order and report the first broken link.

    Detects an edited row (its content no longer matches its hash), a deleted
    row (a gap in the sequence or a link that points elsewhere) and a cut tail
    (the head records more events than remain).
    """
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    )
    try:
        return _walk(events)
    finally:
        events.close()  # a server-side cursor on PostgreSQL when we stop early


def _walk(events) -> ChainReport:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, checked, f"event #{expected_seq} is missing (deleted)", expected_seq)
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, f"event #{event.seq} does not link to event #{event.seq - 1}",
                               event.seq)
        if _event_hash(event) != event.hash:
            return ChainReport(False, checked, f"event #{event.seq} was altered after it was written", event.seq)
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainReport(False, checked, f"the chain ends at #{checked} but its head records #{head.seq} "
                                           "(events removed from the end)", checked + 1)
    return ChainReport(True, checked)


def count_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def events_query(*, action: str | None = None, actor: str | None = None, object_type: str | None = None,
                 object_id: str | None = None, since=None, until=None):
    """Audit events filtered for the administrator's view, newest first.

    `since`/`until` are datetimes (UTC) bounding occurred_at; `action` ending in '.' matches a prefix.
    """
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action) if action.endswith(".")
                            else AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor_label.ilike(f"%{actor}%"))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query
