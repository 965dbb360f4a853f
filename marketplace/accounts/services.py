"""Users: sign-up, log-in sessions, passwords, profile and platform roles.

Services take plain arguments, flush and never commit; the view or job commits.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from marketplace.audit import services as audit
from marketplace.audit.context import Actor
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import LoginSession, PartyKind, PlatformRole, PlatformRoleGrant, User, utcnow
from marketplace.notifications.mail import public_url, queue_mail

from .passwords import check_password
from .security import hash_password, needs_rehash, new_token, token_hash, verify_password

# Refresh a session's last-seen time at most this often (one write per minute, not per request).
TOUCH_INTERVAL = timedelta(minutes=1)
RESET_SALT = "password-reset"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, password: str, locale: str | None = None) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_l("An account with this e-mail address already exists."), field="email")
    check_password(password, email=email, name=name)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), locale=locale)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, summary={"email": email})
    return user


def authenticate(email: str, password: str) -> User:
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        audit.record("user.login_failed", object_type="users", object_id=user.id if user else None,
                     summary={"email": normalise_email(email)[:254]})
        raise DomainError(_l("The e-mail address or password is incorrect."), field="password")
    if not user.is_active:
        raise DomainError(_l("This account has been deactivated. Contact the platform administrator."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User, *, ip: str | None, user_agent: str | None) -> str:
    """Open a server-side log-in session and return its token (kept in the cookie)."""
    token = new_token()
    db.session.add(LoginSession(user_id=user.id, token_hash=token_hash(token), ip=ip,
                                user_agent=(user_agent or "")[:300]))
    user.last_login_at = utcnow()
    user.session_token = token
    db.session.flush()
    audit.record("user.login", user, actor=Actor(user.id, user.email, None, ip))
    return token


def load_session_user(token: str) -> User | None:
    """The user of a live session, or None if the session was ended or has idled out."""
    if not token:
        return None
    session_row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if session_row is None or session_row.ended_at is not None:
        return None
    now = utcnow()
    idle_limit = timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    if now - session_row.last_seen_at > idle_limit or not session_row.user.is_active:
        return None
    if now - session_row.last_seen_at > TOUCH_INTERVAL:
        session_row.last_seen_at = now
        db.session.commit()
    user = session_row.user
    user.session_token = token
    return user


def end_session(token: str) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == token_hash(token), LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    audit.record("user.logout", object_type="login_sessions")


def end_sessions(user: User, *, except_token: str | None = None) -> int:
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if except_token:
        query = query.where(LoginSession.token_hash != token_hash(except_token))
    ended = db.session.execute(query.values(ended_at=utcnow())).rowcount
    if ended:
        audit.record("user.sessions_end", user, summary={"ended": ended, "kept_current": bool(except_token)})
    return ended


def active_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .order_by(LoginSession.last_seen_at.desc())
    ))


def change_password(user: User, current_password: str, new_password: str, *, keep_token: str | None) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_l("Your current password is not correct."), field="current_password")
    check_password(new_password, email=user.email, name=user.name)
    _set_password(user, new_password)
    ended = end_sessions(user, except_token=keep_token)
    audit.record("user.password_change", user, summary={"other_sessions_ended": ended})


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Part of the reset token, so a token stops working once the password changes (one use)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; say nothing either way (no account discovery)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})
    queue_mail(
        user.email, "password_reset", locale=user.locale, user=user,
        link=public_url("accounts.reset_password", token=token),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60,
    )
    audit.record("user.password_reset_requested", user)


def user_for_reset_token(token: str) -> User:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_l("This reset link has expired. Ask for a new one."))
    except BadSignature:
        raise DomainError(_l("This reset link is not valid. Ask for a new one."))
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or data.get("p") != _password_fingerprint(user):
        raise DomainError(_l("This reset link has already been used. Ask for a new one."))
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_password(new_password, email=user.email, name=user.name)
    _set_password(user, new_password)
    end_sessions(user)
    audit.record("user.password_reset", user)
    return user


def update_profile(user: User, *, name: str, locale: str | None) -> None:
    changes = {}
    if name.strip() != user.name:
        changes["name"] = [user.name, name.strip()]
        user.name = name.strip()
    if locale != user.locale:
        changes["locale"] = [user.locale, locale]
        user.locale = locale
    if changes:
        audit.record("user.update", user, summary=changes)


def set_locale_preference(user: User, locale: str) -> None:
    if user.locale != locale:
        audit.record("user.update", user, summary={"locale": [user.locale, locale]})
        user.locale = locale


def grant_role(user: User, role: PlatformRole, *, granted_by: User | None) -> None:
    if user.has_role(role):
        return
    grant = PlatformRoleGrant(user_id=user.id, role=role, granted_by_id=granted_by.id if granted_by else None)
    user.role_grants.append(grant)
    db.session.flush()
    audit.record("user.role_grant", user, summary={"role": role.value})


def revoke_role(user: User, role: PlatformRole) -> None:
    grant = next((g for g in user.role_grants if g.role == role), None)
    if grant is None:
        return
    if role == PlatformRole.ADMIN and count_admins() <= 1:
        raise DomainError(_l("The platform must keep at least one administrator."))
    user.role_grants.remove(grant)
    db.session.flush()
    audit.record("user.role_revoke", user, summary={"role": role.value})


def count_admins() -> int:
    return db.session.scalar(
        select(func.count(PlatformRoleGrant.id)).where(PlatformRoleGrant.role == PlatformRole.ADMIN)
    ) or 0


def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    if user.is_active != active:
        user.is_active = active
        if not active:
            end_sessions(user)
        audit.record("user.activate" if active else "user.deactivate", user)


def sign_up(email: str, name: str, password: str, *, locale: str | None,
            party_kind: PartyKind | None, party_name: str | None, party_name_en: str | None) -> User:
    from .parties import create_party

    user = create_user(email, name, password, locale)
    if party_kind is not None:
        if not (party_name or "").strip():
            raise DomainError(_l("Give the name of the body you represent."), field="party_name")
        create_party(party_kind, party_name, party_name_en, creator=user)
    return user
