"""Test data factories (factory_boy) writing through the app's session."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from marketplace.accounts.security import hash_password
from marketplace.extensions import db
from marketplace.models import (
    MemberRole,
    Membership,
    Party,
    PartyKind,
    PartyStatus,
    PlatformRole,
    PlatformRoleGrant,
    User,
)

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # Argon2 is slow on purpose: hash once


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    password_hash = _PASSWORD_HASH
    locale = "en"


class PartyFactory(BaseFactory):
    class Meta:
        model = Party

    kind = PartyKind.ORGANISATION
    name = factory.Sequence(lambda n: f"社会组织{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    status = PartyStatus.APPROVED


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    party = factory.SubFactory(PartyFactory)
    role = MemberRole.MEMBER


def admin_user(**kwargs) -> User:
    user = UserFactory(**kwargs)
    db.session.add(PlatformRoleGrant(user_id=user.id, role=PlatformRole.ADMIN))
    db.session.commit()
    db.session.refresh(user)
    return user


def party_admin(kind: PartyKind = PartyKind.ORGANISATION, status: PartyStatus = PartyStatus.APPROVED,
                **user_kwargs) -> tuple[User, Party]:
    user = UserFactory(**user_kwargs)
    party = PartyFactory(kind=kind, status=status)
    MembershipFactory(user=user, party=party, role=MemberRole.ADMIN)
    db.session.refresh(user)
    return user, party
