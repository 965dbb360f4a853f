"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

18 characters: 1 registration authority, 2 category, 3-8 administrative division
(GB/T 2260), 9-17 organisation code (GB 11714), 18 check character. Social
organisations are registered by civil affairs (authority '5') with category 1
social group, 2 social service institution, 3 foundation, 9 other.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace import regions

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17
CIVIL_AFFAIRS = "5"
CATEGORY_BY_LEGAL_FORM = {
    "social_group": "1",
    "social_service_institution": "2",
    "foundation": "3",
    "other": "9",
}
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def normalise(code: str | None) -> str:
    return (code or "").strip().upper().replace(" ", "").replace("-", "")


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problems(code: str, legal_form: str | None) -> list:
    """Every problem with `code` for an organisation of `legal_form`, as user-facing messages."""
    code = normalise(code)
    if len(code) != 18:
        return [_l("A unified social credit code has 18 characters; this one has %(n)d.", n=len(code))]
    bad = sorted({char for char in code if char not in CHARSET})
    if bad:
        return [_l("These characters cannot appear in a credit code: %(chars)s (I, O, S, V and Z are never used).",
                   chars=" ".join(bad))]
    found = []
    expected_check = check_character(code[:17])
    if code[17] != expected_check:
        found.append(_l("The check character is wrong: it should be %(char)s. Check for a typing error.",
                        char=expected_check))
    if legal_form in CATEGORY_BY_LEGAL_FORM:
        expected = CIVIL_AFFAIRS + CATEGORY_BY_LEGAL_FORM[legal_form]
        if code[:2] != expected:
            found.append(_l("For this legal form the code should start with %(expected)s (registered by civil "
                            "affairs), not %(actual)s.", expected=expected, actual=code[:2]))
    if not regions.division_prefix_valid(code[2:8]):
        found.append(_l("Characters 3 to 8 (%(division)s) are not an administrative division code.",
                        division=code[2:8]))
    return found


def make(legal_form: str, division: str, serial: int) -> str:
    """A valid code for demo and test data: civil affairs, the legal form's category,
    the division, an organisation code with its GB 11714 check digit, the check character."""
    body = f"{serial:08d}"[-8:]
    org_check = 11 - sum(int(d) * w for d, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = body + {10: "X", 11: "0"}.get(org_check, str(org_check))
    first17 = CIVIL_AFFAIRS + CATEGORY_BY_LEGAL_FORM[legal_form] + division + org_code
    return first17 + check_character(first17)
