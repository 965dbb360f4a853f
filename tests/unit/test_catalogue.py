"""The service category catalogue: shape of the data and the lookup API."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from marketplace import catalogue

CODE_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)?$")


def test_counts():
    assert 7 <= len(catalogue.groups()) <= 10
    assert 35 <= len(catalogue.all_services()) <= 50
    assert all(g.services for g in catalogue.groups())


def test_codes_are_unique_and_well_formed():
    codes = [g.code for g in catalogue.groups()] + [s.code for s in catalogue.all_services()]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert CODE_RE.match(code), code


def test_every_service_belongs_to_its_group():
    for group in catalogue.groups():
        for s in group.services:
            assert s.group_code == group.code
            assert s.code.startswith(group.code + ".")
            assert "." not in s.code[len(group.code) + 1 :]


def test_names_descriptions_and_units_present():
    for group in catalogue.groups():
        assert group.name_zh.strip() and group.name_en.strip()
    for s in catalogue.all_services():
        assert s.name_zh.strip() and s.name_en.strip(), s.code
        assert s.description_zh.strip() and s.description_en.strip(), s.code
        assert s.typical_units, s.code
        assert set(s.typical_units) <= set(catalogue.UNITS), s.code
        assert isinstance(s.typical_units, tuple)


def test_json_matches_declared_structure():
    raw = json.loads(catalogue.DATA_FILE.read_text(encoding="utf-8"))
    assert raw["version"] == 1
    for g in raw["groups"]:
        assert set(g) == {"code", "name_zh", "name_en", "services"}
        for s in g["services"]:
            assert set(s) == {"code", "name_zh", "name_en", "description_zh", "description_en", "typical_units"}


@pytest.mark.parametrize(
    ("code", "zh_fragment"),
    [
        ("elderly.short_stay", "短期托养"),
        ("elderly.home_care", "居家"),
        ("elderly.day_care", "日间照料"),
        ("elderly.institutional", "机构"),
        ("disability.rehabilitation", "康复"),
        ("disability.severe_home_care", "重度残疾人居家托养"),
        ("disability.employment", "就业"),
        ("minors.protection", "儿童"),
        ("minors.left_behind", "留守儿童"),
        ("minors.street_children", "流浪未成年人"),
        ("social_work.posts", "社会工作岗位"),
        ("relief.no_means_of_living", "生活无着"),
        ("relief.vagrant_relief", "流浪乞讨"),
        ("health.counselling", "心理"),
        ("health.escort", "陪护"),
        ("legal.legal_aid", "法律援助"),
        ("emergency.disaster_relief", "灾"),
    ],
)
def test_known_entries(code, zh_fragment):
    s = catalogue.service(code)
    assert s is not None, code
    assert zh_fragment in s.name_zh
    assert catalogue.is_service(code)
    assert catalogue.get(code) is s


def test_units_of_known_entries():
    assert catalogue.service("social_work.posts").typical_units == ("post_year",)
    assert {"person_day", "person_month"} <= set(catalogue.service("elderly.short_stay").typical_units)


def test_get_group_and_unknown():
    group = catalogue.get("elderly")
    assert isinstance(group, catalogue.ServiceGroup)
    assert catalogue.service("elderly") is None
    assert not catalogue.is_service("elderly")
    assert catalogue.get("nope.nothing") is None
    assert catalogue.get("") is None
    assert catalogue.get(None) is None
    assert catalogue.service("nope") is None
    assert not catalogue.is_service("nope.nothing")


def test_group_of():
    assert catalogue.group_of("elderly.short_stay").code == "elderly"
    assert catalogue.group_of("disability").code == "disability"
    assert catalogue.group_of("nope.nothing") is None
    for s in catalogue.all_services():
        assert s in catalogue.group_of(s.code).services


def test_name_by_locale():
    s = catalogue.service("elderly.short_stay")
    assert s.name("en") == s.name_en == "Short-stay care"
    assert s.name("en_GB") == s.name_en
    assert s.name("zh_Hans") == s.name_zh == "短期托养"
    assert s.name("zh") == s.name_zh
    assert s.name(None) == s.name_zh
    g = catalogue.get("elderly")
    assert g.name("en") == "Elderly care"
    assert g.name("zh_Hans") == "养老服务"


def test_label():
    assert catalogue.label("elderly.short_stay", "en") == "Elderly care › Short-stay care"
    assert catalogue.label("elderly.short_stay", "zh_Hans") == "养老服务 › 短期托养"
    assert catalogue.label("disability.severe_home_care", "zh") == "残疾人服务 › 重度残疾人居家托养"
    assert catalogue.label("elderly", "en") == "Elderly care"
    assert catalogue.label("made.up", "en") == "made.up"
    assert catalogue.label("made.up", "zh_Hans") == "made.up"


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_choices(locale):
    options = catalogue.choices(locale)
    assert len(options) == len(catalogue.groups())
    flat = [code for _group, items in options for code, _name in items]
    assert flat == [s.code for s in catalogue.all_services()]
    for (group_name, items), group in zip(options, catalogue.groups(), strict=True):
        assert group_name == group.name(locale)
        assert items == [(s.code, s.name(locale)) for s in group.services]


def test_choices_languages_differ():
    en = dict(catalogue.choices("en"))
    zh = dict(catalogue.choices("zh_Hans"))
    assert "Elderly care" in en
    assert "养老服务" in zh
    assert ("elderly.short_stay", "Short-stay care") in en["Elderly care"]
    assert ("elderly.short_stay", "短期托养") in zh["养老服务"]


def test_objects_are_frozen_and_cached():
    s = catalogue.service("elderly.short_stay")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name_en = "x"  # type: ignore[misc]
    assert catalogue.groups()[0] is catalogue.groups()[0]
    # callers get a fresh list, so mutating it does not touch the catalogue
    catalogue.groups().clear()
    assert catalogue.groups()
