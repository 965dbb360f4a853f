"""The central authorisation rules."""

import pytest

from marketplace.authz import authorize, can
from marketplace.errors import NotAllowed
from marketplace.models import PartyKind, PartyStatus

from ..factories import UserFactory, admin_user, party_admin


def test_only_members_of_an_approved_agency_may_publish():
    applicant, pending = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    assert not can(applicant, "publish_tenders", pending)
    pending.status = PartyStatus.APPROVED
    assert can(applicant, "publish_tenders", pending)
    organisation_admin, organisation = party_admin()
    assert not can(organisation_admin, "publish_tenders", organisation)


def test_platform_actions_need_the_role():
    assert can(admin_user(), "administer") and not can(UserFactory(), "administer")


def test_inactive_and_anonymous_users_may_do_nothing():
    user, party = party_admin()
    user.is_active = False
    assert not can(user, "view", party) and not can(None, "view", party)
    with pytest.raises(NotAllowed):
        authorize(None, "view", party)


def test_unknown_rule_is_a_programming_error():
    user, party = party_admin()
    with pytest.raises(LookupError):
        can(user, "delete_everything", party)
