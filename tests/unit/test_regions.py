"""The administrative division list (GB/T 2260) and its lookups."""

from __future__ import annotations

import csv

import pytest

from marketplace import regions


def test_known_city_and_county():
    baoji = regions.get("610300")
    assert baoji is not None
    assert (baoji.name_zh, baoji.name_en, baoji.level, baoji.parent_code) == ("宝鸡市", "Baoji City", "city", "610000")
    assert regions.get("610000").name_en == "Shaanxi Province"
    weibin = regions.get("610302")
    assert (weibin.name_zh, weibin.name_en, weibin.level, weibin.parent_code) == (
        "渭滨区", "Weibin District", "county", "610300")
    assert "610302" in [region.code for region in regions.children("610300")]


def test_municipality_county_sits_under_its_city_level_entry():
    jiading = regions.get("310114")
    assert (jiading.name_zh, jiading.name_en, jiading.parent_code) == ("嘉定区", "Jiading District", "310100")
    assert [region.code for region in regions.ancestors("310114")] == ["310000", "310100"]
    assert regions.get("310000").name_en == "Shanghai"
    assert regions.get("310100").name_en == "Shanghai (districts)"
    assert regions.get("310100").is_placeholder and not regions.get("610300").is_placeholder


def test_counts_and_shape():
    provinces = regions.provinces()
    assert len(provinces) in (31, 34)
    assert all(region.parent_code is None and region.code.endswith("0000") for region in provinces)
    with regions.DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    levels = [row["level"] for row in rows]
    assert levels.count("city") > 300 and levels.count("county") > 2800
    assert len({row["code"] for row in rows}) == len(rows)
    for row in rows:
        assert len(row["code"]) == 6 and row["code"].isdigit() and row["name_zh"] and row["name_en"]
        if row["level"] == "city":
            assert row["code"].endswith("00") and row["parent_code"] == row["code"][:2] + "0000"
        elif row["level"] == "county":
            assert row["parent_code"] == row["code"][:4] + "00"


def test_children_are_sorted_and_leaves_have_none():
    codes = [region.code for region in regions.children("610000")]
    assert codes == sorted(codes) and "610300" in codes
    assert regions.children("610302") == [] and regions.children("999999") == []
    assert [region.code for region in regions.provinces()][:2] == ["110000", "120000"]


def test_path_and_ancestors():
    assert [region.code for region in regions.path("610302")] == ["610000", "610300", "610302"]
    assert [region.code for region in regions.ancestors("610302")] == ["610000", "610300"]
    assert regions.ancestors("610000") == [] and [r.code for r in regions.path("610000")] == ["610000"]
    assert regions.path("999999") == [] and regions.ancestors("999999") == []


@pytest.mark.parametrize(("area", "target", "expected"), [
    ("610300", "610302", True),  # a city covers its county
    ("610302", "610300", False),  # a county does not cover its city
    ("610000", "610302", True),  # a province covers its counties
    ("610000", "610300", True),
    ("610302", "610302", True),  # an area covers itself
    ("310000", "310114", True),  # through the municipality's city-level entry
    ("610300", "310114", False),  # unrelated
    ("610100", "610302", False),  # another city of the same province
    ("999999", "999999", False),  # unknown codes cover nothing
    ("610000", "999999", False),
])
def test_covers(area, target, expected):
    assert regions.covers(area, target) is expected


def test_covering_codes_and_descendants():
    assert regions.covering_codes("610302") == ["610000", "610300", "610302"]
    assert regions.covering_codes("999999") == []
    under_baoji = regions.descendants("610300")
    assert "610302" in under_baoji and "610300" not in under_baoji and under_baoji == sorted(under_baoji)
    under_shanghai = regions.descendants("310000")
    assert {"310100", "310114"} <= set(under_shanghai)
    assert regions.descendants("610302") == [] and regions.descendants("999999") == []


@pytest.mark.parametrize("code", ["999999", "61030", "abcdef", "", "6103000", "６１０３００"])
def test_invalid_codes(code):
    assert not regions.is_valid(code)
    assert not regions.division_prefix_valid(code)
    assert regions.get(code) is None


def test_valid_codes_at_every_level():
    for code in ("610000", "610300", "610302", "310114"):
        assert regions.is_valid(code) and regions.division_prefix_valid(code)


def test_names_and_labels_in_both_languages():
    weibin = regions.get("610302")
    assert weibin.name("en") == "Weibin District" and weibin.name("zh_Hans") == "渭滨区"
    assert regions.label("610302", "zh_Hans") == "陕西省 宝鸡市 渭滨区"
    assert regions.label("610302", "en") == "Shaanxi Province · Baoji City · Weibin District"
    # the municipality's grouping entry is left out of a county's label
    assert regions.label("310114", "zh_Hans") == "上海市 嘉定区"
    assert regions.label("310114", "en") == "Shanghai · Jiading District"
    assert regions.label("610000", "en") == "Shaanxi Province"
    assert regions.label("999999", "en") == "999999"


def test_conventional_and_autonomous_english_names():
    names = {code: regions.get(code).name_en for code in ("150000", "540000", "450000", "222400", "610100")}
    assert names == {
        "150000": "Inner Mongolia Autonomous Region",
        "540000": "Tibet Autonomous Region",
        "450000": "Guangxi Zhuang Autonomous Region",
        "222400": "Yanbian Korean Autonomous Prefecture",
        "610100": "Xi'an City",
    }


def test_library_does_not_import_flask():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(regions))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.split(".")[0] == "flask" for name in imported)
