"""Personal access tokens for the JSON API."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import ApiToken, User, utcnow

from .security import new_token, token_hash

TOKEN_PREFIX = "ssm_"  # noqa: S105 (a public prefix, not a secret)
TOUCH_INTERVAL = timedelta(minutes=1)


def create_token(user: User, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(_l("Give the token a name so you can recognise it later."), field="name")
    plain = new_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id, name=name[:100], token_hash=token_hash(plain), prefix=plain[:10],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", token, summary={"name": token.name, "prefix": token.prefix,
                                                     "expires_at": token.expires_at})
    return token, plain


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", token, summary={"name": token.name, "prefix": token.prefix})


def user_for_token(plain: str) -> User | None:
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    now = utcnow()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        token.last_used_at = now
        db.session.commit()
    return token.user
