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


def organisation(name: str = "宝鸡市测试社会工作服务中心", *, legal_form: str = "social_service_institution",
                 home_region: str = "610302", areas: tuple[str, ...] = ("610302",),
                 categories: tuple[str, ...] = ("elderly.short_stay",), grade: str | None = "3A",
                 serial: int = 1, admin=None):
    """An organisation with a complete profile, optionally with an admin user."""
    from datetime import date

    from marketplace.models import Capability, LegalForm, OrganisationProfile, ServiceArea
    from marketplace.organisations import credit_code

    party = PartyFactory(name=name, name_en=None)
    db.session.add(OrganisationProfile(
        party_id=party.id, legal_form=LegalForm(legal_form),
        credit_code=credit_code.make(legal_form, home_region, serial) if legal_form != "unregistered" else None,
        registered_on=date(2015, 3, 1) if legal_form != "unregistered" else None, home_region=home_region,
        headcount=20, full_time_staff=12, annual_capacity=800, current_commitments=200, grade=grade,
        grade_awarded_on=date(2023, 6, 1) if grade else None, contact_name="联系人", contact_phone="0917-1234567",
        contact_email="contact@example.org", mission="为困难群众提供专业社会工作服务"))
    for code in areas:
        db.session.add(ServiceArea(party_id=party.id, region_code=code))
    for code in categories:
        db.session.add(Capability(party_id=party.id, category_code=code,
                                  statement="采用个案管理与小组工作方法，为高龄、失能老人提供短期托养和康复照护服务。",
                                  years=5, projects=8, beneficiaries=900))
    if admin is not None:
        MembershipFactory(user=admin, party=party, role=MemberRole.ADMIN)
    db.session.commit()
    return party
