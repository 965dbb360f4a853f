"""Who is acting right now, for audit events, without services touching the request.

The web layer sets it per request, job runners per job; services read it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    label: str = "system"
    party_id: int | None = None
    ip: str | None = None


SYSTEM = Actor()
_current_actor: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current_actor.get()


def set_actor(actor: Actor):
    """Set the actor; returns a token for `reset_actor`."""
    return _current_actor.set(actor)


def reset_actor(token) -> None:
    _current_actor.reset(token)
