"""Unified social credit codes, GB 32100-2015."""

import pytest
from flask_babel import force_locale

from marketplace.organisations import credit_code

# A real-format code: civil affairs (5), social service institution (2), Baoji Weibin (610302).
VALID = credit_code.make("social_service_institution", "610302", 12345678)


def messages(code, legal_form="social_service_institution"):
    with force_locale("en"):
        return [str(m) for m in credit_code.problems(code, legal_form)]


def test_check_character_follows_the_standard():
    # Worked example: weights 3^(i-1) mod 31 over the first 17 characters.
    first17 = VALID[:17]
    total = sum(credit_code.CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    assert VALID[17] == credit_code.CHARSET[(31 - total % 31) % 31]
    assert credit_code.WEIGHTS[:4] == [1, 3, 9, 27] and credit_code.WEIGHTS[4] == 81 % 31


def test_known_public_code_is_valid():
    # 中国扶贫基金会's published code (a foundation registered by the Ministry of Civil Affairs, 100000).
    assert credit_code.check_character("53100000500021676") == "K"


def test_valid_code_has_no_problems():
    assert messages(VALID) == []
    assert messages(VALID.lower()) == []  # normalised


def test_wrong_check_character_names_the_right_one():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    assert messages(wrong) == [f"The check character is wrong: it should be {VALID[17]}. Check for a typing error."]


@pytest.mark.parametrize("code, fragment", [
    ("5261030212345", "18 characters"),
    ("52610302I2345678OX", "cannot appear"),
])
def test_shape_errors(code, fragment):
    assert fragment in messages(code)[0]


def test_category_must_agree_with_legal_form():
    foundation_code = credit_code.make("foundation", "610302", 42)
    assert any("should start with 52" in m for m in messages(foundation_code, "social_service_institution"))
    assert messages(foundation_code, "foundation") == []


def test_division_must_exist():
    first17 = "52" + "999999" + VALID[8:17]
    code = first17 + credit_code.check_character(first17)
    assert any("999999" in m and "not an administrative division code" in m for m in messages(code))
