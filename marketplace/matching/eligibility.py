"""Hard eligibility: does a provider meet each rule a tender (or one lot of it) sets?

``assess`` gives one ``Finding`` per rule that is set, met or not, so the same result drives the bidding
screen ("meets 5 of 6 requirements; missing: grade 3A") and the matcher (eligible, or near-eligible with
exactly one rule unmet). ``describe`` turns a finding into a short English or Chinese sentence.

Pure: callers build ``ProviderFacts`` from the registry's rows; nothing here touches Flask or the database.
Dates follow the registry's models: a credential or grade is still in force on its expiry date itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marketplace import regions

__all__ = [
    "GRADES",
    "GRADE_VALID_YEARS",
    "Assessment",
    "CredentialFact",
    "Finding",
    "ProviderFacts",
    "Requirements",
    "add_years",
    "assess",
    "describe",
    "full_years",
    "grade_expires_on",
    "summarise",
]

# Mirrors marketplace.models.organisations; not imported from there because that pulls in SQLAlchemy.
GRADES = ("1A", "2A", "3A", "4A", "5A")
GRADE_VALID_YEARS = 5


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """A tuple without repeats, first occurrence kept (a repeated rule would be counted twice)."""
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True)
class Requirements:
    """The hard rules of a tender or lot. A rule left None, empty or False is not checked at all."""

    required_credentials: tuple[str, ...] = ()  # credential types held verified and valid over the service
    min_grade: str | None = None  # evaluation grade in force on the check date, at least this
    min_years_registered: int | None = None  # whole years since registration, on the check date
    min_social_workers: int | None = None  # certified social workers, all levels
    min_annual_capacity: int | None = None  # headroom: annual capacity minus current commitments
    based_in: str | None = None  # division code the provider's home region must lie in
    serves_regions: tuple[str, ...] = ()  # the lot's regions; each must be covered by some service area
    no_bad_standing: bool = True  # no active standing flag
    service_start: date | None = None
    service_end: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "required_credentials", _unique(self.required_credentials))
        object.__setattr__(self, "serves_regions", _unique(self.serves_regions))
        if self.min_grade is not None and self.min_grade not in GRADES:
            raise ValueError(f"min_grade must be one of {GRADES}, not {self.min_grade!r}")
        for name in ("min_years_registered", "min_social_workers", "min_annual_capacity"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
        if self.service_start and self.service_end and self.service_end < self.service_start:
            raise ValueError("service_end is before service_start")

    @property
    def credentials_needed_until(self) -> date | None:
        """The last day a required credential must still be in force: the service's end, or else its start."""
        return self.service_end or self.service_start


@dataclass(frozen=True)
class CredentialFact:
    type: str
    verified: bool  # False while pending review or after rejection
    expires_on: date | None  # None: no expiry; in force on this day itself

    def expired(self, on: date) -> bool:
        return self.expires_on is not None and self.expires_on < on

    def in_force_until(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day


@dataclass(frozen=True)
class ProviderFacts:
    """What the rules need to know about a provider, taken from its registry profile."""

    legal_form: str
    registered_on: date | None = None
    home_region: str | None = None
    service_areas: tuple[str, ...] = ()
    grade: str | None = None
    grade_awarded_on: date | None = None
    certified_social_workers: int = 0
    annual_capacity: int | None = None
    current_commitments: int | None = None
    credentials: tuple[CredentialFact, ...] = ()
    active_flags: tuple[str, ...] = ()  # kinds of standing flags not cleared

    def __post_init__(self) -> None:
        for name in ("service_areas", "credentials", "active_flags"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule. ``code`` names the message; ``params`` fill it (dates as ISO strings)."""

    rule: str  # credential, grade, years_registered, social_workers, capacity, based_in, serves_region, standing
    met: bool
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    findings: tuple[Finding, ...]

    @property
    def eligible(self) -> bool:
        return all(finding.met for finding in self.findings)

    @property
    def met(self) -> int:
        return sum(1 for finding in self.findings if finding.met)

    @property
    def total(self) -> int:
        return len(self.findings)

    @property
    def unmet(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.met)

    @property
    def near_eligible(self) -> bool:
        """Exactly one rule unmet: worth showing to the buyer and nudging the provider."""
        return len(self.unmet) == 1


# -- dates -------------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def full_years(since: date, on: date) -> int:
    """Whole years from `since` to `on`, a year completing on its anniversary (28 February for 29 February)."""
    years = on.year - since.year
    if years > 0 and on < add_years(since, years):
        years -= 1
    return max(years, 0)


def grade_expires_on(awarded_on: date | None) -> date | None:
    """The last day a grade is in force: GRADE_VALID_YEARS after its award. None if the award date is unknown."""
    return None if awarded_on is None else add_years(awarded_on, GRADE_VALID_YEARS)


# -- the rules ---------------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _latest(credentials: list[CredentialFact]) -> CredentialFact:
    return max(credentials, key=lambda c: date.max if c.expires_on is None else c.expires_on)


def _credential(kind: str, credentials: tuple[CredentialFact, ...], on: date, until: date | None) -> Finding:
    """The best credential of the type decides; failing that, the reason closest to being met is reported."""
    held = [c for c in credentials if c.type == kind]
    current = [c for c in held if c.verified and not c.expired(on)]
    lasting = [c for c in current if until is None or c.in_force_until(until)]
    if lasting:
        best = _latest(lasting)
        return Finding("credential", True, "credential_valid", {"type": kind, "expires_on": _iso(best.expires_on)})
    if current:
        best = _latest(current)
        return Finding("credential", False, "credential_expires_during_service",
                       {"type": kind, "expires_on": _iso(best.expires_on), "needed_until": _iso(until)})
    expired = [c for c in held if c.expired(on)]
    if expired:
        best = _latest(expired)
        return Finding("credential", False, "credential_expired", {"type": kind, "expired_on": _iso(best.expires_on)})
    if held:  # all awaiting review or rejected
        return Finding("credential", False, "credential_unverified", {"type": kind})
    return Finding("credential", False, "credential_missing", {"type": kind})


def _grade(required: str, provider: ProviderFacts, on: date) -> Finding:
    grade = provider.grade if provider.grade in GRADES else None
    if grade is None:
        return Finding("grade", False, "no_grade", {"required": required})
    expires = grade_expires_on(provider.grade_awarded_on)
    if expires is not None and expires < on:
        return Finding("grade", False, "grade_expired",
                       {"required": required, "actual": grade, "expired_on": expires.isoformat()})
    params = {"required": required, "actual": grade}
    if GRADES.index(grade) >= GRADES.index(required):
        return Finding("grade", True, "grade_met", params)
    return Finding("grade", False, "grade_too_low", params)


def _years_registered(required: int, registered_on: date | None, on: date) -> Finding:
    if registered_on is None:
        return Finding("years_registered", False, "registration_date_unknown", {"required": required})
    params = {"required": required, "actual": full_years(registered_on, on), "registered_on": registered_on.isoformat()}
    if params["actual"] >= required:
        return Finding("years_registered", True, "registered_long_enough", params)
    return Finding("years_registered", False, "registered_too_recently", params)


def _capacity(required: int, provider: ProviderFacts) -> Finding:
    if provider.annual_capacity is None:
        return Finding("capacity", False, "capacity_unknown", {"required": required})
    headroom = provider.annual_capacity - (provider.current_commitments or 0)
    params = {"required": required, "headroom": headroom, "capacity": provider.annual_capacity,
              "commitments": provider.current_commitments or 0}
    if headroom >= required:
        return Finding("capacity", True, "capacity_met", params)
    return Finding("capacity", False, "capacity_insufficient", params)


def _based_in(area: str, home: str | None) -> Finding:
    if home is None:
        return Finding("based_in", False, "home_region_unknown", {"region": area})
    params = {"region": area, "home": home}
    if regions.covers(area, home):
        return Finding("based_in", True, "based_in_region", params)
    return Finding("based_in", False, "not_based_in_region", params)


def _serves(target: str, service_areas: tuple[str, ...]) -> Finding:
    if not service_areas:
        return Finding("serves_region", False, "no_service_areas", {"region": target})
    area = next((code for code in service_areas if regions.covers(code, target)), None)
    if area is None:
        return Finding("serves_region", False, "does_not_serve_region", {"region": target})
    return Finding("serves_region", True, "serves_region", {"region": target, "area": area})


def assess(requirements: Requirements, provider: ProviderFacts, on: date) -> Assessment:
    """Check every rule `requirements` sets against `provider` as things stand on `on`.

    Each required credential and each served region gives its own finding; other rules give one each.
    """
    req = requirements
    findings: list[Finding] = [
        _credential(kind, provider.credentials, on, req.credentials_needed_until)
        for kind in req.required_credentials
    ]
    if req.min_grade is not None:
        findings.append(_grade(req.min_grade, provider, on))
    if req.min_years_registered is not None:
        findings.append(_years_registered(req.min_years_registered, provider.registered_on, on))
    if req.min_social_workers is not None:
        actual = provider.certified_social_workers
        params = {"required": req.min_social_workers, "actual": actual}
        if actual >= req.min_social_workers:
            findings.append(Finding("social_workers", True, "social_workers_met", params))
        else:
            findings.append(Finding("social_workers", False, "too_few_social_workers", params))
    if req.min_annual_capacity is not None:
        findings.append(_capacity(req.min_annual_capacity, provider))
    if req.based_in is not None:
        findings.append(_based_in(req.based_in, provider.home_region))
    findings.extend(_serves(target, provider.service_areas) for target in req.serves_regions)
    if req.no_bad_standing:
        flags = _unique(provider.active_flags)
        if flags:
            findings.append(Finding("standing", False, "bad_standing", {"flags": list(flags)}))
        else:
            findings.append(Finding("standing", True, "good_standing", {}))
    return Assessment(tuple(findings))


# -- messages ----------------------------------------------------------------------------------------

CREDENTIAL_NAMES: dict[str, tuple[str, str]] = {  # (English, Chinese); the registry's credential types
    "registration_certificate": ("registration certificate", "登记证书"),
    "grade_certificate": ("evaluation grade certificate", "社会组织评估等级证书"),
    "elderly_care_filing": ("elderly-care institution filing", "养老机构备案"),
    "medical_institution_licence": ("medical institution licence", "医疗机构执业许可证"),
    "social_work_qualification": ("social-work qualification certificate", "社会工作者职业资格证书"),
    "annual_audit_report": ("annual audit report", "年度审计报告"),
    "tax_exemption": ("tax exemption", "免税资格"),
    "insurance": ("insurance", "保险凭证"),
    "other": ("other credential", "其他资质"),
}
STANDING_FLAG_NAMES: dict[str, tuple[str, str]] = {
    "abnormal_activity": ("abnormal-activity list", "活动异常名录"),
    "serious_dishonesty": ("serious-dishonesty list", "严重违法失信名单"),
}

# code -> (English, Chinese) templates, filled by _context().
MESSAGES: dict[str, tuple[str, str]] = {
    "credential_valid": ("{type} {validity}", "{type}{validity}"),
    "credential_missing": ("no {type}", "缺少{type}"),
    "credential_unverified": ("{type} not yet verified", "{type}尚未通过审核"),
    "credential_expired": ("{type} expired {expired_on}", "{type}已于{expired_on}过期"),
    "credential_expires_during_service": ("{type} expires {expires_on}, needed until {needed_until}",
                                          "{type}将于{expires_on}到期，服务期内需有效至{needed_until}"),
    "grade_met": ("grade {actual} ({required} required)", "评估等级为{actual}（要求{required}）"),
    "grade_too_low": ("grade {actual}, tender requires {required}", "评估等级为{actual}，项目要求{required}"),
    "grade_expired": ("grade {actual} expired {expired_on}, tender requires {required}",
                      "评估等级{actual}已于{expired_on}过期，项目要求{required}"),
    "no_grade": ("no evaluation grade, tender requires {required}", "无评估等级，项目要求{required}"),
    "registered_long_enough": ("registered {actual_years} ({required_years} required)",
                               "登记成立{actual}年（要求{required}年）"),
    "registered_too_recently": ("registered {actual_years}, tender requires {required_years}",
                                "登记成立{actual}年，项目要求{required}年"),
    "registration_date_unknown": ("registration date unknown, tender requires {required_years}",
                                  "登记日期未知，项目要求成立{required}年"),
    "social_workers_met": ("{actual} certified social workers ({required} required)",
                           "持证社会工作者{actual}名（要求{required}名）"),
    "too_few_social_workers": ("{actual} certified social workers, tender requires {required}",
                               "持证社会工作者{actual}名，项目要求{required}名"),
    "capacity_met": ("room for {headroom} more beneficiaries a year ({required} required)",
                     "每年尚可再服务{headroom}人（要求{required}人）"),
    "capacity_insufficient": ("room for {headroom} more beneficiaries a year, tender needs {required}",
                              "每年尚可再服务{headroom}人，项目需要{required}人"),
    "capacity_unknown": ("annual capacity not given, tender needs {required}",
                         "未填写年服务能力，项目需要{required}人"),
    "based_in_region": ("based in {home}", "注册地位于{home}"),
    "not_based_in_region": ("not based in {region}", "注册地不在{region}"),
    "home_region_unknown": ("home region not given, tender requires {region}", "未填写注册地，项目要求位于{region}"),
    "serves_region": ("serves {region}", "服务区域覆盖{region}"),
    "does_not_serve_region": ("does not serve {region}", "服务区域未覆盖{region}"),
    "no_service_areas": ("no service areas given, tender covers {region}", "未填写服务区域，项目覆盖{region}"),
    "good_standing": ("not on any bad-standing list", "未列入活动异常名录或严重违法失信名单"),
    "bad_standing": ("on the {flags}", "已列入{flags}"),
}

SUMMARY = ("meets {met} of {total} requirements", "满足{total}项要求中的{met}项")


def _english(locale: str) -> bool:
    return locale.replace("-", "_").split("_")[0].lower() == "en"


def _name(names: dict[str, tuple[str, str]], key: str, english: bool) -> str:
    pair = names.get(key)
    return key if pair is None else pair[0 if english else 1]


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def _context(finding: Finding, locale: str, english: bool, region_label: Callable[[str, str], str]) -> dict:
    ctx = dict(finding.params)
    if "type" in ctx:
        ctx["type"] = _name(CREDENTIAL_NAMES, ctx["type"], english)
    if finding.code == "credential_valid":
        until = ctx.get("expires_on")
        if until is None:
            ctx["validity"] = "held, no expiry" if english else "长期有效"
        else:
            ctx["validity"] = f"valid until {until}" if english else f"有效期至{until}"
    for key in ("region", "home"):
        if ctx.get(key):
            ctx[key] = region_label(ctx[key], locale)
    for key in ("actual", "required"):
        if isinstance(ctx.get(key), int):
            ctx[f"{key}_years"] = _years(ctx[key])
    if "headroom" in ctx:
        ctx["headroom"] = max(ctx["headroom"], 0)  # over-committed reads as no room, not "room for -20"
    if "flags" in ctx:
        names = [_name(STANDING_FLAG_NAMES, kind, english) for kind in ctx["flags"]]
        ctx["flags"] = " and the ".join(names) if english else "、".join(names)
    return ctx


def describe(finding: Finding, locale: str, region_label: Callable[[str, str], str] = regions.label) -> str:
    """A short sentence for the finding in English ("en…") or Simplified Chinese (any other locale).

    `region_label(code, locale)` names regions; the default gives the full path, e.g. "陕西省 宝鸡市".
    Raises KeyError for a code without a message.
    """
    english = _english(locale)
    template = MESSAGES[finding.code][0 if english else 1]
    return template.format(**_context(finding, locale, english, region_label))


def summarise(assessment: Assessment, locale: str) -> str:
    """The count line for the bidding screen: "meets 5 of 6 requirements" / "满足6项要求中的5项"."""
    return SUMMARY[0 if _english(locale) else 1].format(met=assessment.met, total=assessment.total)
