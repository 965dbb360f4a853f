"""Hard eligibility rules (marketplace.matching.eligibility): pure, no app or database needed."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from marketplace.matching import eligibility
from marketplace.matching.eligibility import (
    MESSAGES,
    Assessment,
    CredentialFact,
    Finding,
    ProviderFacts,
    Requirements,
    assess,
    describe,
    full_years,
    summarise,
)

ON = date(2026, 6, 1)
BAOJI, WEIBIN, JINTAI, XIAN, SHAANXI = "610300", "610302", "610303", "610100", "610000"


def provider(**overrides) -> ProviderFacts:
    """A provider that meets every rule used below unless told otherwise."""
    facts = {
        "legal_form": "social_service_institution",
        "registered_on": date(2018, 3, 15),
        "home_region": WEIBIN,
        "service_areas": (BAOJI,),
        "grade": "4A",
        "grade_awarded_on": date(2023, 1, 10),
        "certified_social_workers": 6,
        "annual_capacity": 500,
        "current_commitments": 200,
        "credentials": (CredentialFact("elderly_care_filing", True, date(2028, 1, 1)),),
        "active_flags": (),
    }
    return ProviderFacts(**{**facts, **overrides})


def only(requirements: Requirements, facts: ProviderFacts, on: date = ON) -> Finding:
    """The single finding of an assessment that sets one rule (standing check off)."""
    findings = assess(requirements, facts, on).findings
    assert len(findings) == 1, findings
    return findings[0]


def req(**rules) -> Requirements:
    return Requirements(no_bad_standing=False, **rules)


# -- shape and counts ---------------------------------------------------------------------------------


def test_empty_requirements_are_eligible_with_no_findings():
    result = assess(req(), provider(), ON)
    assert result.findings == () and result.eligible and (result.met, result.total) == (0, 0)
    assert not result.near_eligible and result.unmet == ()


def test_default_requirements_only_check_standing():
    result = assess(Requirements(), provider(), ON)
    assert [(f.rule, f.met, f.code) for f in result.findings] == [("standing", True, "good_standing")]


def test_one_finding_per_rule_set_and_per_credential_and_region():
    rules = Requirements(required_credentials=("elderly_care_filing", "insurance"), min_grade="3A",
                         min_years_registered=3, min_social_workers=2, min_annual_capacity=100, based_in=BAOJI,
                         serves_regions=(WEIBIN, JINTAI))
    result = assess(rules, provider(), ON)
    assert [f.rule for f in result.findings] == [
        "credential", "credential", "grade", "years_registered", "social_workers", "capacity", "based_in",
        "serves_region", "serves_region", "standing"]
    assert (result.met, result.total) == (9, 10)
    assert [f.code for f in result.unmet] == ["credential_missing"]
    assert result.near_eligible and not result.eligible


def test_meets_five_of_six():
    rules = Requirements(min_grade="3A", min_years_registered=3, min_social_workers=2, min_annual_capacity=100,
                         based_in=BAOJI)
    result = assess(rules, provider(grade="2A"), ON)
    assert (result.met, result.total, result.eligible, result.near_eligible) == (5, 6, False, True)
    assert [f.params for f in result.unmet] == [{"required": "3A", "actual": "2A"}]
    assert summarise(result, "en") == "meets 5 of 6 requirements"
    assert summarise(result, "zh_Hans") == "满足6项要求中的5项"


def test_two_unmet_is_not_near_eligible():
    result = assess(req(min_grade="5A", min_social_workers=10), provider(), ON)
    assert (result.met, result.total, result.near_eligible, result.eligible) == (0, 2, False, False)


def test_all_met_is_eligible_not_near():
    result = assess(Requirements(min_grade="3A", based_in=BAOJI), provider(), ON)
    assert result.eligible and not result.near_eligible and result.unmet == ()


def test_assessment_counts_from_findings():
    result = Assessment((Finding("grade", True, "grade_met"), Finding("standing", False, "bad_standing")))
    assert (result.met, result.total, result.near_eligible, result.eligible) == (1, 2, True, False)


def test_repeated_rules_count_once():
    rules = req(required_credentials=("insurance", "insurance"), serves_regions=(WEIBIN, WEIBIN))
    assert assess(rules, provider(), ON).total == 2


@pytest.mark.parametrize("rules", [
    {"min_grade": "6A"}, {"min_grade": "3a"}, {"min_social_workers": -1}, {"min_years_registered": -2},
    {"min_annual_capacity": -5}, {"service_start": date(2026, 7, 1), "service_end": date(2026, 6, 30)},
])
def test_invalid_requirements_are_refused(rules):
    with pytest.raises(ValueError):
        Requirements(**rules)


def test_grades_mirror_the_registry_model():
    from marketplace.models import organisations

    assert eligibility.GRADES == organisations.GRADES
    assert eligibility.GRADE_VALID_YEARS == organisations.GRADE_VALID_YEARS


def test_matching_package_imports_no_flask_sqlalchemy_or_babel():
    package = Path(eligibility.__file__).resolve().parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root not in {"flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy"}, (source, name)
                assert not name.startswith(("marketplace.models", "marketplace.extensions")), (source, name)


# -- grade ---------------------------------------------------------------------------------------------


def test_grade_equal_to_minimum_is_met():
    finding = only(req(min_grade="3A"), provider(grade="3A"))
    assert (finding.rule, finding.met, finding.code, finding.params) == (
        "grade", True, "grade_met", {"required": "3A", "actual": "3A"})


def test_grade_above_minimum_is_met_and_below_is_not():
    assert only(req(min_grade="3A"), provider(grade="5A")).met
    finding = only(req(min_grade="3A"), provider(grade="2A"))
    assert (finding.met, finding.code, finding.params) == (False, "grade_too_low", {"required": "3A", "actual": "2A"})


def test_no_grade():
    finding = only(req(min_grade="1A"), provider(grade=None, grade_awarded_on=None))
    assert (finding.met, finding.code, finding.params) == (False, "no_grade", {"required": "1A"})


def test_unrecognised_grade_counts_as_none():
    assert only(req(min_grade="1A"), provider(grade="AAA")).code == "no_grade"


def test_grade_in_force_through_fifth_anniversary_then_lapses():
    facts = provider(grade="4A", grade_awarded_on=date(2021, 6, 1))
    assert only(req(min_grade="3A"), facts, date(2026, 6, 1)).met
    finding = only(req(min_grade="3A"), facts, date(2026, 6, 2))
    assert (finding.met, finding.code, finding.params) == (
        False, "grade_expired", {"required": "3A", "actual": "4A", "expired_on": "2026-06-01"})


def test_grade_awarded_on_29_february_lapses_after_28_february():
    facts = provider(grade="3A", grade_awarded_on=date(2020, 2, 29))
    assert only(req(min_grade="3A"), facts, date(2025, 2, 28)).met
    assert only(req(min_grade="3A"), facts, date(2025, 3, 1)).params["expired_on"] == "2025-02-28"


def test_grade_without_award_date_is_taken_as_in_force():
    assert only(req(min_grade="3A"), provider(grade="3A", grade_awarded_on=None)).met


# -- years registered ----------------------------------------------------------------------------------


def test_exactly_n_years_on_the_anniversary():
    facts = provider(registered_on=date(2023, 6, 1))
    finding = only(req(min_years_registered=3), facts, date(2026, 6, 1))
    assert (finding.met, finding.code, finding.params) == (
        True, "registered_long_enough", {"required": 3, "actual": 3, "registered_on": "2023-06-01"})
    finding = only(req(min_years_registered=3), facts, date(2026, 5, 31))
    assert (finding.met, finding.code, finding.params["actual"]) == (False, "registered_too_recently", 2)


def test_registration_date_unknown():
    finding = only(req(min_years_registered=1), provider(registered_on=None))
    assert (finding.met, finding.code, finding.params) == (False, "registration_date_unknown", {"required": 1})


@pytest.mark.parametrize(("since", "on", "years"), [
    (date(2020, 2, 29), date(2021, 2, 27), 0),
    (date(2020, 2, 29), date(2021, 2, 28), 1),
    (date(2020, 2, 29), date(2024, 2, 28), 3),
    (date(2020, 2, 29), date(2024, 2, 29), 4),
    (date(2019, 3, 1), date(2020, 2, 29), 0),
    (date(2020, 1, 1), date(2020, 12, 31), 0),
    (date(2020, 1, 1), date(2030, 1, 1), 10),
    (date(2027, 1, 1), date(2026, 1, 1), 0),  # registered after the check date
])
def test_full_years(since, on, years):
    assert full_years(since, on) == years


# -- social workers and capacity ------------------------------------------------------------------------


def test_social_workers():
    finding = only(req(min_social_workers=6), provider(certified_social_workers=6))
    assert (finding.rule, finding.met, finding.code, finding.params) == (
        "social_workers", True, "social_workers_met", {"required": 6, "actual": 6})
    finding = only(req(min_social_workers=7), provider(certified_social_workers=6))
    assert (finding.met, finding.code) == (False, "too_few_social_workers")


def test_capacity_headroom():
    facts = provider(annual_capacity=500, current_commitments=200)
    finding = only(req(min_annual_capacity=300), facts)
    assert (finding.rule, finding.met, finding.code, finding.params) == (
        "capacity", True, "capacity_met", {"required": 300, "headroom": 300, "capacity": 500, "commitments": 200})
    finding = only(req(min_annual_capacity=301), facts)
    assert (finding.met, finding.code, finding.params["headroom"]) == (False, "capacity_insufficient", 300)


def test_capacity_unknown_commitments_count_as_none():
    assert only(req(min_annual_capacity=500), provider(annual_capacity=500, current_commitments=None)).met


def test_capacity_unknown():
    finding = only(req(min_annual_capacity=1), provider(annual_capacity=None))
    assert (finding.met, finding.code, finding.params) == (False, "capacity_unknown", {"required": 1})


# -- regions ---------------------------------------------------------------------------------------------


def test_based_in_city_covers_its_county():
    finding = only(req(based_in=BAOJI), provider(home_region=WEIBIN))
    assert (finding.rule, finding.met, finding.code, finding.params) == (
        "based_in", True, "based_in_region", {"region": BAOJI, "home": WEIBIN})
    assert only(req(based_in=SHAANXI), provider(home_region=WEIBIN)).met
    assert only(req(based_in=WEIBIN), provider(home_region=WEIBIN)).met


def test_based_in_county_does_not_cover_its_city_or_a_sibling():
    finding = only(req(based_in=WEIBIN), provider(home_region=BAOJI))
    assert (finding.met, finding.code) == (False, "not_based_in_region")
    assert not only(req(based_in=BAOJI), provider(home_region=XIAN)).met
    assert not only(req(based_in=JINTAI), provider(home_region=WEIBIN)).met


def test_home_region_unknown():
    finding = only(req(based_in=BAOJI), provider(home_region=None))
    assert (finding.met, finding.code, finding.params) == (False, "home_region_unknown", {"region": BAOJI})


def test_serves_each_region_through_some_service_area():
    result = assess(req(serves_regions=(WEIBIN, XIAN)), provider(service_areas=(SHAANXI,)), ON)
    assert result.eligible and [f.params for f in result.findings] == [
        {"region": WEIBIN, "area": SHAANXI}, {"region": XIAN, "area": SHAANXI}]


def test_serves_one_region_but_not_another():
    result = assess(req(serves_regions=(JINTAI, XIAN)), provider(service_areas=(XIAN, BAOJI)), ON)
    assert [(f.met, f.code, f.params) for f in result.findings] == [
        (True, "serves_region", {"region": JINTAI, "area": BAOJI}),
        (True, "serves_region", {"region": XIAN, "area": XIAN})]
    result = assess(req(serves_regions=(BAOJI, JINTAI)), provider(service_areas=(WEIBIN,)), ON)
    assert [(f.met, f.code) for f in result.findings] == [
        (False, "does_not_serve_region"), (False, "does_not_serve_region")]  # a county covers neither


def test_no_service_areas():
    finding = only(req(serves_regions=(WEIBIN,)), provider(service_areas=()))
    assert (finding.met, finding.code, finding.params) == (False, "no_service_areas", {"region": WEIBIN})


def test_unknown_region_codes_cover_nothing():
    assert not only(req(based_in="999999"), provider(home_region=WEIBIN)).met
    assert not only(req(serves_regions=("999999",)), provider(service_areas=("999999",))).met


# -- standing --------------------------------------------------------------------------------------------


def test_standing():
    assert only(Requirements(), provider()).code == "good_standing"
    finding = only(Requirements(), provider(active_flags=("serious_dishonesty", "abnormal_activity")))
    assert (finding.rule, finding.met, finding.code, finding.params) == (
        "standing", False, "bad_standing", {"flags": ["serious_dishonesty", "abnormal_activity"]})
    assert assess(req(), provider(active_flags=("serious_dishonesty",)), ON).eligible  # rule off


# -- credentials -----------------------------------------------------------------------------------------

FILING = "elderly_care_filing"


def credential_finding(*credentials: CredentialFact, on: date = ON, **rules) -> Finding:
    return only(req(required_credentials=(FILING,), **rules), provider(credentials=credentials), on)


def test_credential_valid():
    finding = credential_finding(CredentialFact(FILING, True, date(2028, 1, 1)))
    assert (finding.rule, finding.met, finding.code, finding.params) == (
        "credential", True, "credential_valid", {"type": FILING, "expires_on": "2028-01-01"})
    finding = credential_finding(CredentialFact(FILING, True, None))
    assert (finding.met, finding.params["expires_on"]) == (True, None)


def test_credential_missing_when_only_other_types_held():
    finding = credential_finding(CredentialFact("insurance", True, None))
    assert (finding.met, finding.code, finding.params) == (False, "credential_missing", {"type": FILING})
    assert credential_finding().code == "credential_missing"


def test_credential_in_force_on_its_expiry_date_and_expired_the_day_after():
    credential = CredentialFact(FILING, True, date(2026, 3, 1))
    assert credential_finding(credential, on=date(2026, 3, 1)).met
    finding = credential_finding(credential, on=date(2026, 3, 2))
    assert (finding.met, finding.code, finding.params) == (
        False, "credential_expired", {"type": FILING, "expired_on": "2026-03-01"})


def test_pending_credential_is_unverified():
    finding = credential_finding(CredentialFact(FILING, False, date(2030, 1, 1)))
    assert (finding.met, finding.code, finding.params) == (False, "credential_unverified", {"type": FILING})


def test_credential_expiring_on_service_end_is_met_day_before_is_not():
    period = {"service_start": date(2026, 7, 1), "service_end": date(2027, 6, 30)}
    assert credential_finding(CredentialFact(FILING, True, date(2027, 6, 30)), **period).met
    finding = credential_finding(CredentialFact(FILING, True, date(2027, 6, 29)), **period)
    assert (finding.met, finding.code, finding.params) == (
        False, "credential_expires_during_service",
        {"type": FILING, "expires_on": "2027-06-29", "needed_until": "2027-06-30"})


def test_credential_must_last_to_service_start_when_no_end_given():
    rules = {"service_start": date(2026, 9, 1)}
    assert credential_finding(CredentialFact(FILING, True, date(2026, 9, 1)), **rules).met
    finding = credential_finding(CredentialFact(FILING, True, date(2026, 8, 31)), **rules)
    assert (finding.code, finding.params["needed_until"]) == ("credential_expires_during_service", "2026-09-01")


def test_without_service_period_any_current_credential_counts():
    assert credential_finding(CredentialFact(FILING, True, ON)).met


def test_two_credentials_of_a_type_where_one_is_valid():
    finding = credential_finding(CredentialFact(FILING, True, date(2025, 1, 1)),
                                 CredentialFact(FILING, True, date(2029, 1, 1)))
    assert (finding.met, finding.params["expires_on"]) == (True, "2029-01-01")
    finding = credential_finding(CredentialFact(FILING, False, date(2030, 1, 1)),
                                 CredentialFact(FILING, True, date(2027, 1, 1)))
    assert (finding.met, finding.params["expires_on"]) == (True, "2027-01-01")


def test_best_valid_credential_is_the_one_lasting_longest():
    finding = credential_finding(CredentialFact(FILING, True, date(2027, 1, 1)), CredentialFact(FILING, True, None),
                                 CredentialFact(FILING, True, date(2028, 1, 1)))
    assert finding.params["expires_on"] is None


@pytest.mark.parametrize(("credentials", "code", "detail"), [
    # expires during service beats expired, unverified and missing
    ((CredentialFact(FILING, True, date(2026, 12, 31)), CredentialFact(FILING, True, date(2025, 1, 1)),
      CredentialFact(FILING, False, date(2030, 1, 1))), "credential_expires_during_service", "2026-12-31"),
    # expired beats unverified; the latest expiry is reported
    ((CredentialFact(FILING, False, date(2030, 1, 1)), CredentialFact(FILING, True, date(2025, 1, 1)),
      CredentialFact(FILING, True, date(2026, 3, 1))), "credential_expired", "2026-03-01"),
    # an unverified credential that has also expired is reported as expired
    ((CredentialFact(FILING, False, date(2026, 1, 1)),), "credential_expired", "2026-01-01"),
    ((CredentialFact(FILING, False, None), CredentialFact(FILING, False, date(2030, 1, 1))),
     "credential_unverified", None),
])
def test_credential_reason_priority(credentials, code, detail):
    finding = credential_finding(*credentials, service_end=date(2027, 6, 30))
    assert (finding.met, finding.code) == (False, code)
    assert finding.params.get("expires_on", finding.params.get("expired_on")) == detail


def test_each_required_credential_has_its_own_finding():
    rules = req(required_credentials=(FILING, "insurance", "tax_exemption"))
    facts = provider(credentials=(CredentialFact(FILING, True, None), CredentialFact("insurance", False, None)))
    result = assess(rules, facts, ON)
    assert [(f.params["type"], f.code) for f in result.findings] == [
        (FILING, "credential_valid"), ("insurance", "credential_unverified"), ("tax_exemption", "credential_missing")]


# -- describe --------------------------------------------------------------------------------------------

DESCRIPTIONS = [
    (Finding("credential", True, "credential_valid", {"type": FILING, "expires_on": "2028-01-01"}),
     "elderly-care institution filing valid until 2028-01-01", "养老机构备案有效期至2028-01-01"),
    (Finding("credential", True, "credential_valid", {"type": "insurance", "expires_on": None}),
     "insurance held, no expiry", "保险凭证长期有效"),
    (Finding("credential", False, "credential_missing", {"type": "tax_exemption"}),
     "no tax exemption", "缺少免税资格"),
    (Finding("credential", False, "credential_unverified", {"type": "registration_certificate"}),
     "registration certificate not yet verified", "登记证书尚未通过审核"),
    (Finding("credential", False, "credential_expired", {"type": "medical_institution_licence",
                                                          "expired_on": "2026-03-01"}),
     "medical institution licence expired 2026-03-01", "医疗机构执业许可证已于2026-03-01过期"),
    (Finding("credential", False, "credential_expires_during_service",
             {"type": FILING, "expires_on": "2027-06-29", "needed_until": "2027-06-30"}),
     "elderly-care institution filing expires 2027-06-29, needed until 2027-06-30",
     "养老机构备案将于2027-06-29到期，服务期内需有效至2027-06-30"),
    (Finding("grade", True, "grade_met", {"required": "3A", "actual": "4A"}),
     "grade 4A (3A required)", "评估等级为4A（要求3A）"),
    (Finding("grade", False, "grade_too_low", {"required": "3A", "actual": "2A"}),
     "grade 2A, tender requires 3A", "评估等级为2A，项目要求3A"),
    (Finding("grade", False, "grade_expired", {"required": "3A", "actual": "4A", "expired_on": "2026-06-01"}),
     "grade 4A expired 2026-06-01, tender requires 3A", "评估等级4A已于2026-06-01过期，项目要求3A"),
    (Finding("grade", False, "no_grade", {"required": "3A"}),
     "no evaluation grade, tender requires 3A", "无评估等级，项目要求3A"),
    (Finding("years_registered", True, "registered_long_enough",
             {"required": 1, "actual": 8, "registered_on": "2018-03-15"}),
     "registered 8 years (1 year required)", "登记成立8年（要求1年）"),
    (Finding("years_registered", False, "registered_too_recently",
             {"required": 3, "actual": 1, "registered_on": "2025-01-01"}),
     "registered 1 year, tender requires 3 years", "登记成立1年，项目要求3年"),
    (Finding("years_registered", False, "registration_date_unknown", {"required": 2}),
     "registration date unknown, tender requires 2 years", "登记日期未知，项目要求成立2年"),
    (Finding("social_workers", True, "social_workers_met", {"required": 3, "actual": 6}),
     "6 certified social workers (3 required)", "持证社会工作者6名（要求3名）"),
    (Finding("social_workers", False, "too_few_social_workers", {"required": 5, "actual": 2}),
     "2 certified social workers, tender requires 5", "持证社会工作者2名，项目要求5名"),
    (Finding("capacity", True, "capacity_met", {"required": 100, "headroom": 300, "capacity": 500,
                                                "commitments": 200}),
     "room for 300 more beneficiaries a year (100 required)", "每年尚可再服务300人（要求100人）"),
    (Finding("capacity", False, "capacity_insufficient", {"required": 100, "headroom": -20, "capacity": 80,
                                                          "commitments": 100}),
     "room for 0 more beneficiaries a year, tender needs 100", "每年尚可再服务0人，项目需要100人"),
    (Finding("capacity", False, "capacity_unknown", {"required": 100}),
     "annual capacity not given, tender needs 100", "未填写年服务能力，项目需要100人"),
    (Finding("based_in", True, "based_in_region", {"region": BAOJI, "home": WEIBIN}),
     "based in Shaanxi Province · Baoji City · Weibin District", "注册地位于陕西省 宝鸡市 渭滨区"),
    (Finding("based_in", False, "not_based_in_region", {"region": BAOJI, "home": XIAN}),
     "not based in Shaanxi Province · Baoji City", "注册地不在陕西省 宝鸡市"),
    (Finding("based_in", False, "home_region_unknown", {"region": BAOJI}),
     "home region not given, tender requires Shaanxi Province · Baoji City", "未填写注册地，项目要求位于陕西省 宝鸡市"),
    (Finding("serves_region", True, "serves_region", {"region": WEIBIN, "area": BAOJI}),
     "serves Shaanxi Province · Baoji City · Weibin District", "服务区域覆盖陕西省 宝鸡市 渭滨区"),
    (Finding("serves_region", False, "does_not_serve_region", {"region": XIAN}),
     "does not serve Shaanxi Province · Xi'an City", "服务区域未覆盖陕西省 西安市"),
    (Finding("serves_region", False, "no_service_areas", {"region": XIAN}),
     "no service areas given, tender covers Shaanxi Province · Xi'an City", "未填写服务区域，项目覆盖陕西省 西安市"),
    (Finding("standing", True, "good_standing", {}),
     "not on any bad-standing list", "未列入活动异常名录或严重违法失信名单"),
    (Finding("standing", False, "bad_standing", {"flags": ["serious_dishonesty"]}),
     "on the serious-dishonesty list", "已列入严重违法失信名单"),
    (Finding("standing", False, "bad_standing", {"flags": ["abnormal_activity", "serious_dishonesty"]}),
     "on the abnormal-activity list and the serious-dishonesty list", "已列入活动异常名录、严重违法失信名单"),
]


@pytest.mark.parametrize(("finding", "english", "chinese"), DESCRIPTIONS, ids=lambda v: getattr(v, "code", None))
def test_describe(finding, english, chinese):
    assert describe(finding, "en") == english
    assert describe(finding, "zh_Hans") == chinese


def test_every_message_code_is_described():
    assert {finding.code for finding, _, _ in DESCRIPTIONS} == set(MESSAGES)


def test_describe_takes_a_region_labeller_and_other_english_locales():
    finding = Finding("based_in", False, "not_based_in_region", {"region": BAOJI, "home": XIAN})
    short = {BAOJI: ("Baoji", "宝鸡"), XIAN: ("Xi'an", "西安")}
    labeller = lambda code, locale: short[code][0 if locale.startswith("en") else 1]  # noqa: E731
    assert describe(finding, "en", region_label=labeller) == "not based in Baoji"
    assert describe(finding, "zh_Hans", region_label=labeller) == "注册地不在宝鸡"
    assert describe(finding, "en_GB") == "not based in Shaanxi Province · Baoji City"


def test_describe_unknown_credential_type_uses_the_raw_value():
    finding = Finding("credential", False, "credential_missing", {"type": "fire_safety_check"})
    assert describe(finding, "en") == "no fire_safety_check"


def test_describe_every_finding_assess_produces():
    rules = Requirements(required_credentials=(FILING, "insurance"), min_grade="5A", min_years_registered=20,
                         min_social_workers=50, min_annual_capacity=1000, based_in=XIAN,
                         serves_regions=(WEIBIN, XIAN), service_end=date(2030, 1, 1))
    facts = provider(active_flags=("abnormal_activity",))
    for finding in assess(rules, facts, ON).findings:
        for locale in ("en", "zh_Hans"):
            text = describe(finding, locale)
            assert text and "{" not in text and "None" not in text
