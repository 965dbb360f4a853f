"""The demo organisations file: shape, references to the catalogue and regions, and the realism rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from marketplace import catalogue, regions

DATA_FILE = Path(__file__).resolve().parents[2] / "marketplace" / "demo_data" / "organisations.json"

#: The demo's "today": expiry counts are taken at this date, not the real one, so the test does not age.
DEMO_TODAY = date(2026, 11, 23)

LEGAL_FORMS = {"social_group", "social_service_institution", "foundation", "unregistered", "other"}
CREDENTIAL_TYPES = {
    "registration_certificate",
    "grade_certificate",
    "elderly_care_filing",
    "medical_institution_licence",
    "social_work_qualification",
    "annual_audit_report",
    "tax_exemption",
    "insurance",
    "other",
}
CREDENTIAL_STATUSES = {"verified", "pending", "rejected"}
GRADES = {"1A", "2A", "3A", "4A", "5A"}
FIRST_KEYS = ["baoji-sunshine-children", "baoji-kangle-homecare", "shanghai-jiaxin-social-work"]


@pytest.fixture(scope="module")
def orgs() -> list[dict]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    assert isinstance(data, list)
    return data


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _credentials(orgs: list[dict]) -> list[dict]:
    return [c for o in orgs for c in o["credentials"]]


def test_count_and_unique_keys(orgs):
    assert len(orgs) >= 60
    keys = [o["key"] for o in orgs]
    assert len(keys) == len(set(keys))


def test_first_three_are_the_demo_accounts_organisations(orgs):
    assert [o["key"] for o in orgs[:3]] == FIRST_KEYS
    assert orgs[0]["name_zh"] == "宝鸡市阳光儿童保护中心"
    assert orgs[1]["name_zh"] == "宝鸡市金台区康乐居家养老服务中心"
    assert orgs[2]["name_zh"] == "上海嘉馨社会工作服务社"


def test_both_cities_are_represented(orgs):
    baoji = [o for o in orgs if o["home_region"].startswith("6103")]
    shanghai = [o for o in orgs if o["home_region"].startswith("3101")]
    assert len(baoji) >= 30
    assert len(shanghai) >= 25
    assert len(baoji) + len(shanghai) == len(orgs)


def test_basic_fields(orgs):
    for o in orgs:
        assert o["legal_form"] in LEGAL_FORMS, o["key"]
        assert o["name_zh"] and o["name_en"] and o["mission_zh"] and o["mission_en"], o["key"]
        assert o["contact_email"].endswith("@example.org"), o["key"]
        assert "credit_code" not in o, o["key"]
        assert o["grade"] is None or o["grade"] in GRADES, o["key"]


def test_every_category_is_a_real_service(orgs):
    for o in orgs:
        assert o["capabilities"], o["key"]
        for cap in o["capabilities"]:
            assert catalogue.is_service(cap["category"]), (o["key"], cap["category"])
            assert cap["statement_zh"] and cap["statement_en"], o["key"]
        for project in o["past_projects"]:
            assert catalogue.is_service(project["category"]), (o["key"], project["category"])


def test_every_region_is_valid(orgs):
    for o in orgs:
        assert regions.is_valid(o["home_region"]), o["key"]
        assert o["service_areas"], o["key"]
        for code in o["service_areas"]:
            assert regions.is_valid(code), (o["key"], code)


def test_dates_parse_and_expiry_follows_issue(orgs):
    for o in orgs:
        if o["registered_on"] is not None:
            _date(o["registered_on"])
        if o["grade_awarded_on"] is not None:
            _date(o["grade_awarded_on"])
        assert (o["grade"] is None) == (o["grade_awarded_on"] is None), o["key"]
        for c in o["credentials"]:
            assert c["type"] in CREDENTIAL_TYPES, (o["key"], c)
            assert c["status"] in CREDENTIAL_STATUSES, (o["key"], c)
            issued = _date(c["issued_on"])
            if c["expires_on"] is not None:
                assert _date(c["expires_on"]) > issued, (o["key"], c)
        for p in o["past_projects"]:
            assert _date(p["end"]) > _date(p["start"]), (o["key"], p["title_zh"])
            assert p["value_cny"] > 0 and p["beneficiaries"] > 0, (o["key"], p["title_zh"])


def test_unregistered_groups_have_no_registration_or_grade(orgs):
    unregistered = [o for o in orgs if o["legal_form"] == "unregistered"]
    assert len(unregistered) >= 5
    for o in unregistered:
        assert o["registered_on"] is None, o["key"]
        assert o["registration_authority"] is None, o["key"]
        assert o["grade"] is None and o["grade_awarded_on"] is None, o["key"]
        assert all(c["type"] not in ("registration_certificate", "grade_certificate") for c in o["credentials"])


def test_registered_organisations_have_registration_data(orgs):
    for o in orgs:
        if o["legal_form"] != "unregistered":
            assert o["registered_on"] and o["registration_authority"], o["key"]
            assert any(c["type"] == "registration_certificate" for c in o["credentials"]), o["key"]


def test_staff_numbers_are_consistent(orgs):
    for o in orgs:
        assert 1 <= o["headcount"] <= 200, o["key"]
        assert 0 <= o["full_time_staff"] <= o["headcount"], o["key"]
        assert sum(o["social_workers"].values()) <= max(o["headcount"], 1), o["key"]
        assert 0 <= o["current_commitments"] <= o["annual_capacity"], o["key"]


def test_baoji_relief_is_thin(orgs):
    relief = [
        o["key"]
        for o in orgs
        if o["home_region"].startswith("6103")
        and any(cap["category"].startswith("relief.") for cap in o["capabilities"])
    ]
    assert 1 <= len(relief) <= 2, relief


def test_credential_statuses_and_expiry(orgs):
    creds = _credentials(orgs)
    expired = [c for c in creds if c["expires_on"] and _date(c["expires_on"]) < DEMO_TODAY]
    pending = [c for c in creds if c["status"] == "pending"]
    assert len(expired) >= 5
    assert len(pending) >= 3
