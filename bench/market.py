"""A generated national market for the matcher's speed benchmark: 100,000 organisations, 1,000 open tenders.

    populate(app, organisations=100_000, tenders=1_000, seed=1) -> {table name: rows written}

Writes straight to the tables with SQLAlchemy Core bulk inserts (a few thousand rows a statement), never
through the services: no audit events, no jobs, no rerank requests, no notifications, and no close-at-deadline
jobs for the tenders. It commits at the end and runs ANALYZE on PostgreSQL so the planner has statistics.
The same seed gives the same market (names, regions, texts, rules); dates are relative to the day it runs.

What it generates (plausible for China, not a census):

- Organisations in every province, 30% of them in the five provinces with the most (Guangdong, Jiangsu, Zhejiang,
  Shandong, Sichuan); inside a province the capital weighs three times another city and urban districts twice
  a county. Home region: a county (or a prefecture-level city without counties, such as Dongguan). Service
  areas: the home county plus 0-3 others, or the whole city (~18%), or the whole province (~2%), keeping only
  the widest areas as the registry service does. 1-4 catalogue services each, mostly in one specialism, with
  a Chinese capability statement built from the service's names and varied phrases (English too for ~30%),
  years, projects and beneficiaries. Grades 1A-5A for ~45% of those registered two years or more (about a fifth
  of the awards older than five years, so expired); 0-30 certified social workers; annual capacity and
  commitments (some over-committed); 0-3 credentials (verified, pending or rejected, some expired); ~1% on
  an official bad-standing list (a few of them cleared). ~96% approved, the rest pending or suspended.
- Tenders published by local agencies (民政局, 残联, 救助管理站, 司法局 ... of the tender's region; one
  platform user is their member and the tenders' creator), deadlines 10-40 days ahead at 09:30 Beijing time,
  1-3 lots over one county (60%), a city (30%) or a province (10%), split by area or by service variant;
  pricing units from the catalogue with regional price levels; eligibility rules set on some tenders.

As a script it (re)builds the database named by BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/bench_market; created if missing, its public schema dropped and
migrated), fills it and prints the counts and the time taken:

    .venv/bin/python bench/market.py [--organisations N] [--tenders N] [--seed N]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from marketplace import catalogue, create_app, regions  # noqa: E402
from marketplace.accounts.security import hash_password  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import (  # noqa: E402
    Capability,
    Credential,
    CredentialStatus,
    CredentialType,
    EvaluationCriterion,
    EvaluationMethod,
    LegalForm,
    Lot,
    MemberRole,
    Membership,
    OrganisationProfile,
    Party,
    PartyKind,
    PartyStatus,
    PricingUnit,
    ProcurementMethod,
    ServiceArea,
    StandingFlag,
    StandingFlagKind,
    Tender,
    TenderStatus,
    User,
    utcnow,
)
from marketplace.organisations import credit_code  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_market"
MIGRATIONS = str(ROOT / "marketplace" / "migrations")
CHUNK = 5000  # organisations generated and written per round; also rows per executemany
SERIAL_BASE = 40_000_000  # credit-code serials (the demo uses 20M+, bench/organisations.py 30M+, the load test 70M+)
AGENCY_USER_EMAIL = "market-agency@bench.example"
BEIJING = ZoneInfo("Asia/Shanghai")

# --- Geography ---------------------------------------------------------------------------------------

BIG_FIVE = {"440000": 7.0, "320000": 6.5, "330000": 6.0, "370000": 5.5, "510000": 5.0}  # 30% together
BIG_SHARE = 0.30
OTHER_PROVINCES = {  # roughly population with an eastern and municipal boost; scaled to the other 70%
    "410000": 4.2, "130000": 3.4, "420000": 3.3, "430000": 3.3, "340000": 3.2, "310000": 3.2, "110000": 3.0,
    "350000": 2.8, "500000": 2.4, "610000": 2.4, "210000": 2.3, "360000": 2.2, "450000": 2.2, "530000": 2.2,
    "140000": 1.8, "520000": 1.8, "230000": 1.6, "120000": 1.4, "220000": 1.2, "150000": 1.2, "620000": 1.2,
    "650000": 1.2, "460000": 0.6, "640000": 0.5, "630000": 0.4, "540000": 0.2,
}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
PRICE_LEVEL = {  # multiplier on ceiling unit prices
    "110000": 1.5, "310000": 1.5, "440000": 1.25, "330000": 1.25, "320000": 1.2, "120000": 1.15,
    "350000": 1.1, "370000": 1.05, "500000": 1.0, "420000": 1.0, "430000": 0.95, "340000": 0.95,
    "510000": 0.95, "410000": 0.9, "130000": 0.9, "210000": 0.9, "610000": 0.9, "360000": 0.9,
}


@dataclass(frozen=True)
class Unit:
    """A county-level home region (a county, or a prefecture-level city without counties)."""

    code: str
    name: str
    name_en: str
    city: str  # the city code ('' when the city is only a grouping entry)
    city_name: str  # the city's name; for a municipality the municipality's
    city_area: str | None  # the code an organisation serving "the whole city" names
    province: str
    province_name: str
    province_en: str
    siblings: tuple[str, ...]  # other units of the same city


@dataclass
class Geography:
    units: list[Unit]
    cumulative: list[float]
    by_code: dict[str, Unit]
    by_province: dict[str, list[Unit]] = field(default_factory=dict)

    @classmethod
    def build(cls) -> Geography:
        others_total = sum(OTHER_PROVINCES.values())
        weights_by_province = {code: w / sum(BIG_FIVE.values()) * BIG_SHARE for code, w in BIG_FIVE.items()}
        weights_by_province |= {code: w / others_total * (1 - BIG_SHARE) for code, w in OTHER_PROVINCES.items()}
        units: list[Unit] = []
        weights: list[float] = []
        for province in regions.provinces():
            share = weights_by_province.get(province.code, 0.002)
            cities = regions.children(province.code)
            city_weights = [0.5 if city.is_placeholder and province.code not in MUNICIPALITIES
                            else 3.0 if n == 0 else 1.0 for n, city in enumerate(cities)]
            total_city = sum(city_weights)
            for city, city_weight in zip(cities, city_weights, strict=True):
                counties = regions.children(city.code) or [city]
                county_weights = [2.0 if c.name_zh.endswith("区") else 1.0 for c in counties]
                total_county = sum(county_weights)
                if province.code in MUNICIPALITIES:
                    city_code, city_name, city_area = "", province.name_zh, province.code
                elif city.is_placeholder:
                    city_code, city_name, city_area = "", "", None
                else:
                    city_code, city_name, city_area = city.code, city.name_zh, city.code
                codes = tuple(c.code for c in counties)
                for county, county_weight in zip(counties, county_weights, strict=True):
                    units.append(Unit(
                        code=county.code, name=county.name_zh, name_en=county.name_en, city=city_code,
                        city_name=city_name, city_area=None if county is city else city_area,
                        province=province.code, province_name=province.name_zh, province_en=province.name_en,
                        siblings=tuple(code for code in codes if code != county.code)))
                    weights.append(share * city_weight / total_city * county_weight / total_county)
        cumulative, running = [], 0.0
        for weight in weights:
            running += weight
            cumulative.append(running)
        geography = cls(units, cumulative, {u.code: u for u in units})
        for unit in units:
            geography.by_province.setdefault(unit.province, []).append(unit)
        return geography

    def pick(self, rng: random.Random) -> Unit:
        return self.units[min(bisect_left(self.cumulative, rng.random() * self.cumulative[-1]),
                              len(self.units) - 1)]

    def pick_many(self, rng: random.Random, k: int) -> list[Unit]:
        return rng.choices(self.units, cum_weights=self.cumulative, k=k)

    def full_name(self, unit: Unit) -> str:
        """宝鸡市渭滨区 / 上海市嘉定区 / 东莞市."""
        if unit.code == unit.city or not unit.city_name:  # a city without counties, or under a grouping entry
            return unit.name
        return unit.city_name + unit.name


# --- Vocabulary --------------------------------------------------------------------------------------

ORG_GROUP_WEIGHTS = {"elderly": 26, "social_work": 14, "community": 14, "disability": 10, "minors": 10,
                     "health": 7, "family": 6, "relief": 5, "legal": 4, "emergency": 4}
TENDER_GROUP_WEIGHTS = {"elderly": 24, "social_work": 13, "disability": 12, "minors": 10, "community": 10,
                        "relief": 9, "health": 7, "legal": 6, "family": 5, "emergency": 4}

GROUP_TEXT: dict[str, dict[str, list[str]]] = {
    "relief": {
        "targets": ["生活无着的流浪乞讨人员", "救助站受助人员", "分散供养特困人员", "低保家庭", "临时遇困群众",
                    "长期滞留受助人员"],
        "methods": ["街面巡查与主动劝导", "身份甄别与寻亲服务", "个案评估与转介", "站内生活照料", "入户核查与动态复核",
                    "返乡后跟踪回访", "救助政策宣传与链接"],
        "targets_en": ["people without means of living", "relief recipients", "people in extreme poverty",
                       "households on minimum income"],
        "methods_en": ["street outreach", "identity checks and family tracing", "case assessment and referral",
                       "home visits and means checks", "follow-up after return home"],
    },
    "minors": {
        "targets": ["困境儿童", "农村留守儿童", "流浪未成年人", "事实无人抚养儿童", "随迁子女", "青少年及其家庭"],
        "methods": ["监护评估与个案管理", "四点半课堂", "亲情联络与定期探访", "心理疏导与成长小组", "家庭教育指导",
                    "儿童之家运营", "安全教育与自护训练"],
        "targets_en": ["children in difficulty", "left-behind children", "street children", "young people"],
        "methods_en": ["guardianship assessment and case management", "after-school classes", "regular home visits",
                       "growth groups", "parenting support"],
    },
    "elderly": {
        "targets": ["高龄独居老人", "失能半失能老人", "空巢老人", "特困老年人", "认知障碍老人", "社区老年人"],
        "methods": ["助洁助浴助餐上门服务", "日间托管与康复锻炼", "智慧养老呼叫服务", "家庭养老床位建设",
                    "护理员培训与考核", "老年人能力评估", "长者食堂运营", "喘息服务"],
        "targets_en": ["older people living alone", "frail and disabled elders", "people with dementia",
                       "older residents"],
        "methods_en": ["home visits for cleaning, bathing and meals", "day care and exercise", "emergency call service",
                       "carer training", "respite care", "community canteens"],
    },
    "disability": {
        "targets": ["重度残疾人", "残疾儿童", "智力和精神残疾人", "持证残疾人及家庭", "肢体残疾人"],
        "methods": ["康复评估与训练", "上门生活照料", "阳光家园托养", "辅助性就业与职业培训", "辅具适配与使用培训",
                    "家庭无障碍改造", "家属喘息服务"],
        "targets_en": ["people with severe disabilities", "disabled children", "people with intellectual disabilities",
                       "disabled people and their families"],
        "methods_en": ["rehabilitation training", "home care visits", "sheltered employment", "assistive devices",
                       "home accessibility", "respite for families"],
    },
    "community": {
        "targets": ["社区居民", "外来务工人员及家庭", "社区志愿者", "社区社会组织", "楼组长和居民骨干"],
        "methods": ["居民议事会", "邻里互助网络", "社区营造微项目", "志愿者招募与培训", "社区社会组织孵化",
                    "公益创投", "社区基金运作"],
        "targets_en": ["residents", "migrant families", "volunteers", "community groups"],
        "methods_en": ["residents' councils", "neighbourhood mutual aid", "volunteer training", "incubation of groups",
                       "small community projects"],
    },
    "social_work": {
        "targets": ["街镇社工站服务对象", "基层干部和一线社工", "新成立社会组织", "政府购买服务项目"],
        "methods": ["驻站社工服务", "个案、小组和社区工作", "专业督导", "职业水平考试培训", "第三方绩效评估",
                    "需求调研与项目设计", "社工站规范化建设"],
        "targets_en": ["social-work stations", "frontline social workers", "new organisations", "funded projects"],
        "methods_en": ["posted social workers", "casework, groupwork and community work", "professional supervision",
                       "exam training", "third-party evaluation"],
    },
    "health": {
        "targets": ["困难群众", "受助人员", "社区居民", "临终患者及家属", "心理危机人群", "慢性病患者"],
        "methods": ["个体心理咨询", "团体辅导", "心理危机评估与干预", "陪诊陪护", "舒缓照护与哀伤辅导",
                    "健康讲座与慢病管理", "心理热线"],
        "targets_en": ["people in hardship", "residents", "patients at the end of life", "people in crisis"],
        "methods_en": ["individual counselling", "group sessions", "crisis intervention", "hospital escort",
                       "palliative support", "health talks"],
    },
    "legal": {
        "targets": ["经济困难群众", "社区矫正对象", "刑满释放人员", "农民工", "纠纷当事人"],
        "methods": ["法律咨询与代写文书", "诉讼代理", "人民调解", "教育帮扶与就业指导", "普法宣传", "安置帮教"],
        "targets_en": ["people on low incomes", "people on community sentences", "former prisoners",
                       "migrant workers"],
        "methods_en": ["legal advice", "representation", "mediation", "resettlement support", "legal education"],
    },
    "family": {
        "targets": ["家庭暴力受害人", "新婚夫妇", "困难家庭", "家长和儿童", "婚姻危机家庭"],
        "methods": ["家长课堂", "婚前辅导", "婚姻家庭调适", "庇护转介", "亲子活动", "反家暴个案跟进"],
        "targets_en": ["survivors of domestic violence", "couples", "parents and children", "families in crisis"],
        "methods_en": ["parenting classes", "pre-marital counselling", "family mediation", "shelter referral"],
    },
    "emergency": {
        "targets": ["受灾群众", "社区居民", "应急志愿者", "过渡安置点居民"],
        "methods": ["应急演练", "风险排查", "搜救与物资发放", "安置点管理", "灾后心理支持", "生计恢复"],
        "targets_en": ["people affected by disasters", "residents", "emergency volunteers"],
        "methods_en": ["drills", "risk mapping", "search and relief distribution", "shelter management",
                       "psychosocial support after disasters"],
    },
}
GENERIC_METHODS = ["需求评估", "资源链接", "志愿者联动", "信息化台账管理", "专业督导", "个案管理", "服务成效评估",
                   "家庭走访", "政社协同"]
GENERIC_METHODS_EN = ["needs assessment", "linking resources", "volunteer support", "digital case records",
                      "supervision", "outcome evaluation"]
OPENINGS = [
    "自{start}年起在{place}开展{service}服务",
    "本机构深耕{service}领域{years}年",
    "专注{place}的{service}",
    "近年承接{service}类政府购买服务项目{projects}个",
    "围绕{service}组建专职团队",
    "以{service}为核心业务，服务覆盖{place}",
]
OUTCOMES = [
    "累计服务{beneficiaries}人次，服务对象满意度{sat}%",
    "建立服务档案{files}份，项目终期评估等级为优秀",
    "年均服务{per_year}人，无安全责任事故",
    "项目获评{level}优秀社会工作服务项目",
    "形成服务标准和操作手册，可在同类社区复制推广",
    "与{partners}家医院、学校和社区建立转介合作",
]
LEVELS = ["市级", "区级", "省级", "县级"]

BRANDS = [("阳光", "Sunshine"), ("心桥", "Heart Bridge"), ("同心", "Tongxin"), ("春晖", "Spring Light"),
          ("乐龄", "Happy Age"), ("善德", "Shande"), ("启航", "Set Sail"), ("明德", "Mingde"), ("和谐", "Harmony"),
          ("爱心", "Caring Heart"), ("仁爱", "Ren'ai"), ("恒爱", "Heng'ai"), ("益众", "Yizhong"), ("彩虹", "Rainbow"),
          ("暖阳", "Warm Sun"), ("向日葵", "Sunflower"), ("晨曦", "Dawn"), ("绿叶", "Green Leaf"), ("馨家", "Xinjia"),
          ("康乐", "Kangle"), ("福寿", "Fushou"), ("安康", "Ankang"), ("博爱", "Bo'ai"), ("众诚", "Zhongcheng"),
          ("协力", "Xieli"), ("惠民", "Huimin"), ("德善", "Deshan"), ("天使", "Angel"), ("星火", "Spark"),
          ("微光", "Glimmer"), ("守望", "Shouwang"), ("睦邻", "Good Neighbours"), ("乐群", "Lequn"),
          ("同行", "Walking Together"), ("益友", "Yiyou"), ("长青", "Evergreen"), ("夕阳红", "Sunset Glow"),
          ("颐康", "Yikang"), ("悦享", "Yuexiang"), ("家和", "Jiahe"), ("立德", "Lide"), ("益心", "Yixin"),
          ("手拉手", "Hand in Hand"), ("新起点", "New Start"), ("大爱", "Great Love"), ("知行", "Zhixing"),
          ("汇爱", "Huiai"), ("润心", "Runxin"), ("馨悦", "Xinyue"), ("朝阳", "Morning Sun"), ("红枫", "Red Maple"),
          ("蒲公英", "Dandelion"), ("萤火虫", "Firefly"), ("青禾", "Qinghe"), ("益路", "Yilu"), ("融爱", "Rong'ai"),
          ("安心", "Anxin"), ("善行", "Shanxing"), ("乐助", "Lezhu"), ("翼飞", "Yifei"), ("社联", "Shelian"),
          ("恩派", "Enpai"), ("千禾", "Qianhe"), ("北斗", "Beidou"), ("怡然", "Yiran"), ("鸿雁", "Wild Goose")]
ORG_TYPES: dict[str, list[tuple[str, str]]] = {
    "elderly": [("养老服务中心", "Elderly Care Centre"), ("居家养老服务中心", "Home Care Centre"),
                ("颐养服务中心", "Senior Living Centre"), ("老年服务中心", "Senior Services Centre")],
    "disability": [("助残服务中心", "Disability Services Centre"), ("康复服务中心", "Rehabilitation Centre"),
                   ("残疾人托养服务中心", "Disability Day Care Centre")],
    "minors": [("青少年事务服务中心", "Youth Services Centre"), ("儿童服务中心", "Children's Services Centre"),
               ("青少年社会工作服务中心", "Youth Social Work Centre")],
    "social_work": [("社会工作服务中心", "Social Work Centre"), ("社工服务社", "Social Work Agency"),
                    ("社会工作事务所", "Social Work Office")],
    "community": [("社区发展中心", "Community Development Centre"), ("社区服务中心", "Community Services Centre"),
                  ("公益服务中心", "Public Welfare Centre")],
    "health": [("心理咨询服务中心", "Counselling Centre"), ("心理健康服务中心", "Mental Health Centre"),
               ("健康服务中心", "Health Services Centre")],
    "relief": [("社会工作服务中心", "Social Work Centre"), ("救助服务中心", "Relief Services Centre")],
    "legal": [("法律服务中心", "Legal Services Centre"), ("调解服务中心", "Mediation Centre")],
    "family": [("家庭服务中心", "Family Services Centre"), ("婚姻家庭服务中心", "Marriage and Family Centre")],
    "emergency": [("应急救援服务中心", "Emergency Rescue Centre"), ("救援服务队", "Rescue Team")],
}
ASSOCIATIONS = {"elderly": ("养老服务协会", "Elderly Care Association"),
                "disability": ("残疾人康复协会", "Rehabilitation Association"),
                "minors": ("关心下一代协会", "Association for the Next Generation"),
                "social_work": ("社会工作协会", "Social Work Association"),
                "community": ("志愿者协会", "Volunteers' Association"),
                "health": ("心理咨询师协会", "Counsellors' Association"),
                "relief": ("慈善会", "Charity Federation"), "legal": ("人民调解协会", "Mediation Association"),
                "family": ("婚姻家庭研究会", "Marriage and Family Society"),
                "emergency": ("应急救援协会", "Emergency Rescue Association")}
GRASSROOTS = [("志愿服务队", "Volunteer Team"), ("互助小组", "Mutual Aid Group"), ("公益服务队", "Service Team"),
              ("邻里互助会", "Neighbours' Club")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国晓文辉鹏宇婷雪琳欣怡佳然浩子涵梓轩一诺"
STREETS = ["人民路", "解放路", "建设路", "中山路", "和平路", "文化路", "长江路", "黄河路", "新华路", "胜利路",
           "朝阳路", "幸福路", "青年路", "光明街", "民主街", "公园路", "滨河路", "府前街"]

MISSIONS = ["致力于为{targets}提供{services}等专业服务，{motto}。",
            "以“{motto}”为宗旨，扎根{place}，为{targets}提供{services}。",
            "整合社会资源，为{targets}提供{services}，推动{place}基层治理和社会服务创新。"]
MOTTOS = ["助人自助", "让每一位老人安享晚年", "专业、温暖、可信赖", "扶弱济困，服务社会", "用专业守护弱势群体",
          "共建共治共享", "为爱同行", "有需要的地方就有我们"]

# --- Tenders -------------------------------------------------------------------------------------------

BUYERS: dict[str, list[tuple[str, str, str]]] = {  # (county/city suffix, province suffix, English)
    "relief": [("救助管理站", "救助管理站", "Relief Management Station"), ("民政局", "民政厅", "Civil Affairs Bureau")],
    "minors": [("民政局", "民政厅", "Civil Affairs Bureau"), ("妇女联合会", "妇女联合会", "Women's Federation")],
    "elderly": [("民政局", "民政厅", "Civil Affairs Bureau")],
    "disability": [("残疾人联合会", "残疾人联合会", "Disabled Persons' Federation")],
    "community": [("民政局", "民政厅", "Civil Affairs Bureau")],
    "social_work": [("民政局", "民政厅", "Civil Affairs Bureau"),
                    ("残疾人联合会", "残疾人联合会", "Disabled Persons' Federation"),
                    ("司法局", "司法厅", "Justice Bureau")],
    "health": [("卫生健康局", "卫生健康委员会", "Health Commission"), ("民政局", "民政厅", "Civil Affairs Bureau")],
    "legal": [("司法局", "司法厅", "Justice Bureau")],
    "family": [("妇女联合会", "妇女联合会", "Women's Federation")],
    "emergency": [("应急管理局", "应急管理厅", "Emergency Management Bureau")],
}
METHOD_WEIGHTS = {ProcurementMethod.OPEN_TENDER: 50, ProcurementMethod.COMPETITIVE_CONSULTATION: 35,
                  ProcurementMethod.COMPETITIVE_NEGOTIATION: 6, ProcurementMethod.SINGLE_SOURCE: 3,
                  ProcurementMethod.ENTRUSTMENT: 6}
# (low, high, step) of the ceiling unit price in CNY before the regional price level, and of the quantity.
PRICES = {"person_day": (40, 180, 5), "person_month": (500, 3500, 50), "post_year": (45_000, 110_000, 1000),
          "session": (60, 600, 10), "lump_sum": (80_000, 1_500_000, 10_000)}
QUANTITIES = {"person_day": (500, 15_000, 100), "person_month": (24, 2400, 12), "post_year": (1, 30, 1),
              "session": (40, 3000, 10), "lump_sum": (1, 1, 1)}
UNIT_ZH = {"person_day": "按人/天计价", "person_month": "按人/月计价", "post_year": "按岗位/年计价",
           "session": "按服务场次计价", "lump_sum": "按项目总价包干"}
VOLUME_PER_UNIT = {"person_day": 1 / 15, "person_month": 1 / 3, "post_year": 100, "session": 1 / 4}
TITLES = ["{region}{service}服务项目", "{year}年{region}{service}政府购买服务项目", "{region}{buyer}{service}采购项目",
          "{region}{service}项目（{year}年度）"]
DESCRIPTIONS = ["{description}本项目服务范围为{area}，重点服务{targets}，{unit}。",
                "为{area}{targets}提供{service}：{methods}。{description}{unit}。",
                "{buyer}拟购买{service}，在{area}开展{methods}等服务，服务对象以{targets}为主。{unit}。"]
DELIVERABLES = ["月度服务报告、季度工作总结和年度评估报告", "服务对象个案档案、服务台账和影像资料",
                "需求评估报告、服务计划和结项报告", "活动方案、签到表和满意度调查表", "服务标准化手册一份",
                "志愿者培训记录和服务时长台账"]
INDICATORS = ["服务对象满意度不低于{n}%", "全年服务不少于{m}人次", "安全责任事故为0", "个案结案率不低于{n}%",
              "按时提交各类报告，台账完整率100%", "培育社区志愿者不少于{k}名", "投诉处理及时率100%"]
CRITERIA = [("服务方案", "方案完整、针对服务对象特点、措施具体可行"),
            ("团队与专业资质", "持证社工与专业人员比例，项目负责人经验"),
            ("以往业绩", "近三年同类项目数量及购买方评价"),
            ("项目管理与风险防控", "管理制度、安全预案与应急处置"),
            ("质量保障与服务承诺", "质量控制措施、满意度目标与整改机制"),
            ("本地化服务能力", "本地服务网点、资源链接与响应时间"),
            ("培训与督导", "岗前培训和专业督导安排")]
AREA_PARTS = ["东片区", "西片区", "南片区", "北片区", "中心城区", "城乡结合部", "山区乡镇"]
UNIT_VARIANTS = {"person_day": "短期（15天以内）", "person_month": "长期（超过15天）", "session": "上门服务",
                 "lump_sum": "综合服务"}
POST_QUALIFICATIONS = ["助理社会工作师及以上", "中级社会工作师及以上", "持有社会工作者职业资格证书，大专及以上学历"]


# --- Helpers -----------------------------------------------------------------------------------------

def _weighted(rng: random.Random, mapping: dict):
    return rng.choices(list(mapping), weights=list(mapping.values()))[0]


def _stepped(rng: random.Random, low: float, high: float, step: float, *, log: bool = True) -> float:
    value = math.exp(rng.uniform(math.log(low), math.log(high))) if log and low > 0 else rng.uniform(low, high)
    return max(low, round(value / step) * step)


def _years_ago(today: date, years: float) -> date:
    return today - timedelta(days=int(years * 365.25))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    return f"0{rng.randrange(10, 999)}-{rng.randrange(10**7, 10**8)}"


class Writer:
    """Core executemany inserts in chunks, counting rows per table."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def write(self, model, rows: list[dict], *, returning: bool = False) -> list[int]:
        table = model.__table__
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            part = rows[start:start + CHUNK]
            if returning:
                statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                ids.extend(db.session.execute(statement, part).scalars())
            else:
                db.session.execute(insert(table), part)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        return ids


# --- Organisations -----------------------------------------------------------------------------------

class OrganisationMaker:
    def __init__(self, rng: random.Random, geography: Geography, today: date, now: datetime, serial_start: int):
        self.rng, self.geo, self.today, self.now = rng, geography, today, now
        self.serial = serial_start
        self.services_by_group = {g.code: list(g.services) for g in catalogue.groups()}
        self.names: set[str] = set()

    # One organisation: its party row and, once the id is known, the rows that hang off it.
    def party_and_plan(self, unit: Unit) -> tuple[dict, dict]:
        rng = self.rng
        group = _weighted(rng, ORG_GROUP_WEIGHTS)
        legal_form = rng.choices(
            [LegalForm.SOCIAL_SERVICE_INSTITUTION, LegalForm.SOCIAL_GROUP, LegalForm.FOUNDATION,
             LegalForm.UNREGISTERED, LegalForm.OTHER], weights=[62, 22, 3, 11, 2])[0]
        name, name_en = self.name(unit, group, legal_form)
        status = rng.choices([PartyStatus.APPROVED, PartyStatus.PENDING, PartyStatus.SUSPENDED],
                             weights=[96, 3, 1])[0]
        created = self.now - timedelta(days=rng.uniform(1, 900))
        party = {"kind": PartyKind.ORGANISATION, "name": name, "name_en": name_en, "status": status,
                 "created_at": created, "created_by_id": None,
                 "decided_at": created + timedelta(days=rng.uniform(0.2, 10)) if status != PartyStatus.PENDING
                 else None,
                 "decided_by_id": None,
                 "decision_reason": "未按规定参加年度检查 / Missed the annual inspection"
                 if status == PartyStatus.SUSPENDED else None}
        return party, {"unit": unit, "group": group, "legal_form": legal_form, "created": created}

    def name(self, unit: Unit, group: str, legal_form: LegalForm) -> tuple[str, str | None]:
        rng = self.rng
        scope = rng.random()
        if scope < 0.6 or not unit.city_name:
            place, place_en = self.geo.full_name(unit) if rng.random() < 0.4 else unit.name, unit.name_en
        elif scope < 0.9:
            place, place_en = unit.city_name, regions.get(unit.city or unit.province).name_en
        else:
            place, place_en = unit.province_name, unit.province_en
        for attempt in range(6):
            brand, brand_en = rng.choice(BRANDS)
            if attempt >= 3:
                second = rng.choice(BRANDS)
                brand, brand_en = brand + second[0], f"{brand_en} {second[1]}"
            if legal_form == LegalForm.SOCIAL_GROUP:
                kind, kind_en = ASSOCIATIONS[group]
                if attempt == 0:
                    name, name_en = place + kind, f"{place_en} {kind_en}"
                else:
                    name, name_en = f"{place}{brand}{kind}", f"{place_en} {brand_en} {kind_en}"
            elif legal_form == LegalForm.FOUNDATION:
                kind, kind_en = rng.choice([("慈善基金会", "Charitable Foundation"), ("公益基金会", "Foundation")])
                name, name_en = f"{place}{brand}{kind}", f"{place_en} {brand_en} {kind_en}"
            elif legal_form == LegalForm.UNREGISTERED:
                kind, kind_en = rng.choice(GRASSROOTS)
                name, name_en = f"{unit.name}{brand}{kind}", f"{unit.name_en} {brand_en} {kind_en}"
            else:
                kind, kind_en = rng.choice(ORG_TYPES[group])
                name, name_en = f"{place}{brand}{kind}", f"{place_en} {brand_en} {kind_en}"
            if name not in self.names:
                break
        else:
            name, name_en = f"{name}（{len(self.names)}）", f"{name_en} ({len(self.names)})"
        self.names.add(name)
        return name, name_en if rng.random() < 0.35 else None

    def details(self, party_id: int, plan: dict, out: dict[str, list[dict]]) -> None:
        rng, today = self.rng, self.today
        unit: Unit = plan["unit"]
        group: str = plan["group"]
        legal_form: LegalForm = plan["legal_form"]
        registered = legal_form != LegalForm.UNREGISTERED
        age_years = min(25.0, 0.3 + rng.expovariate(1 / 6))  # median about 4 years, a long tail
        founded = _years_ago(today, age_years)
        code = None
        if registered:
            self.serial += 1
            code = credit_code.make(legal_form.value, unit.code, self.serial)

        # Services: mostly one specialism.
        count = rng.choices([1, 2, 3, 4], weights=[30, 35, 22, 13])[0]
        chosen: list = []
        while len(chosen) < count:
            source = group if (not chosen or rng.random() < 0.65) else _weighted(rng, ORG_GROUP_WEIGHTS)
            service = rng.choice(self.services_by_group[source])
            if service not in chosen:  # a small specialism runs out: the 35% draws elsewhere end the loop
                chosen.append(service)

        # People and capacity.
        bucket = rng.choices([(0, 0), (1, 3), (4, 10), (11, 20), (21, 30)], weights=[25, 30, 28, 12, 5])[0]
        if group == "social_work" and bucket[1] < 30:
            bucket = (bucket[1] + 1, min(30, bucket[1] * 2 + 3))
        workers = rng.randint(*bucket)
        senior = sum(rng.random() < 0.05 for _ in range(workers))
        intermediate = sum(rng.random() < 0.3 for _ in range(workers - senior))
        assistant = workers - senior - intermediate
        headcount = workers + max(1, int(rng.lognormvariate(2.2, 0.8)))
        full_time = max(1, int(headcount * rng.uniform(0.4, 1.0)))
        capacity = max(20, round(headcount * rng.uniform(30, 150), -1))
        commitments = round(capacity * min(1.15, rng.betavariate(2, 2) * 1.2), -1)

        # Grade: registered two years or more; a quarter of the awards are more than five years old.
        grade = awarded = None
        if registered and age_years >= 2.2 and rng.random() < 0.45:
            grade = rng.choices(["1A", "2A", "3A", "4A", "5A"], weights=[5, 20, 40, 25, 10])[0]
            latest = min(age_years - 2, 9.0)
            if rng.random() < 0.4 and latest > 5.1:
                awarded = _years_ago(today, rng.uniform(5.1, latest))
            else:
                awarded = _years_ago(today, rng.uniform(0.1, min(latest, 5.0)))

        targets = GROUP_TEXT[group]["targets"]
        mission_targets = "、".join(rng.sample(targets, 2))
        services_text = "、".join(s.name_zh for s in chosen)
        mission = rng.choice(MISSIONS).format(targets=mission_targets, services=services_text,
                                              motto=rng.choice(MOTTOS), place=unit.name)
        mission_en = None
        if rng.random() < 0.3:
            mission_en = (f"We provide {', '.join(s.name_en.lower() for s in chosen)} for "
                          f"{rng.choice(GROUP_TEXT[group]['targets_en'])} in {unit.name_en}.")
        city_label = unit.city_name or unit.province_name
        out["organisation_profiles"].append({
            "party_id": party_id, "legal_form": legal_form, "credit_code": code,
            "registered_on": founded if registered else None,
            "registration_authority": f"{city_label if rng.random() < 0.4 else self.geo.full_name(unit)}民政局"
            if registered else None,
            "home_region": unit.code,
            "address": f"{self.geo.full_name(unit)}{rng.choice(STREETS)}{rng.randint(1, 399)}号",
            "contact_name": _person(rng), "contact_phone": _phone(rng),
            "contact_email": f"contact{party_id}@org{party_id % 997}.example",
            "mission": mission, "mission_en": mission_en, "headcount": headcount, "full_time_staff": full_time,
            "social_workers_assistant": assistant, "social_workers_intermediate": intermediate,
            "social_workers_senior": senior, "volunteers": int(rng.lognormvariate(3.5, 1.2)),
            "annual_capacity": capacity, "current_commitments": commitments, "grade": grade,
            "grade_awarded_on": awarded, "updated_at": plan["created"]})

        # Service areas, widest only (as the registry service stores them).
        roll = rng.random()
        if roll < 0.02:
            areas = [unit.province]
        elif roll < 0.20 and unit.city_area:
            areas = [unit.city_area]
        else:
            areas = [unit.code]
            for _ in range(rng.choices([0, 1, 2, 3], weights=[40, 30, 20, 10])[0]):
                if unit.siblings and rng.random() < 0.85:
                    other = rng.choice(unit.siblings)
                else:
                    other = rng.choice(self.geo.by_province[unit.province]).code
                if other not in areas:
                    areas.append(other)
        out["service_areas"].extend({"party_id": party_id, "region_code": code_} for code_ in areas)

        # Capabilities with varied statements.
        for service in chosen:
            s_group = service.group_code
            years = max(0, min(int(age_years), rng.randint(1, 15)))
            projects = int(years * rng.uniform(0.3, 2.5))
            beneficiaries = projects * rng.randint(20, 800)
            out["capabilities"].append({
                "party_id": party_id, "category_code": service.code,
                "statement": self.statement(service, unit, years, projects, beneficiaries, founded),
                "statement_en": self.statement_en(service, unit, years, beneficiaries)
                if rng.random() < 0.3 else None,
                "target_groups": "、".join(rng.sample(GROUP_TEXT[s_group]["targets"], rng.randint(1, 3))),
                "years": years, "projects": projects, "beneficiaries": beneficiaries, "updated_at": plan["created"]})

        # Credentials.
        for credential in self.credentials(unit, registered, founded, code, grade, awarded, workers,
                                           [s.code for s in chosen], plan["created"]):
            credential["party_id"] = party_id
            out["credentials"].append(credential)

        # Standing flags, about 1% (a few of them cleared since).
        if rng.random() < 0.01:
            kind = StandingFlagKind.ABNORMAL_ACTIVITY if rng.random() < 0.8 else StandingFlagKind.SERIOUS_DISHONESTY
            listed = today - timedelta(days=rng.randint(10, 900))
            cleared = listed + timedelta(days=rng.randint(90, 365)) if rng.random() < 0.15 else None
            if cleared and cleared > today:
                cleared = None
            listing = ("社会组织活动异常名录" if kind == StandingFlagKind.ABNORMAL_ACTIVITY
                       else "社会组织严重违法失信名单")
            out["standing_flags"].append({
                "party_id": party_id, "kind": kind, "listed_on": listed, "set_by_id": None,
                "source": f"{unit.province_name}民政厅 {listing}（{listed.isoformat()}公告）",
                "created_at": datetime.combine(listed, datetime.min.time(), UTC) + timedelta(hours=2),
                "cleared_on": cleared, "cleared_by_id": None,
                "clear_reason": "已补报年度工作报告，移出名录 / Annual report filed; removed from the list"
                if cleared else None})

    def statement(self, service, unit: Unit, years: int, projects: int, beneficiaries: int, founded: date) -> str:
        rng = self.rng
        words = GROUP_TEXT[service.group_code]
        place = unit.name if rng.random() < 0.6 else (unit.city_name or unit.province_name)
        openings = OPENINGS if projects else [o for o in OPENINGS if "{projects}" not in o]
        opening = rng.choice(openings).format(start=max(founded.year, self.today.year - years), place=place,
                                              service=service.name_zh, years=max(years, 1), projects=projects)
        methods = rng.sample(words["methods"], rng.randint(1, 3)) + rng.sample(GENERIC_METHODS, rng.randint(0, 2))
        parts = [opening, f"面向{'、'.join(rng.sample(words['targets'], rng.randint(1, 2)))}",
                 f"开展{'、'.join(methods)}"]
        if rng.random() < 0.5:
            parts.append(service.description_zh.rstrip("。").split("，")[rng.randrange(2)] if "，" in
                         service.description_zh else service.description_zh.rstrip("。"))
        parts.append(rng.choice(OUTCOMES).format(beneficiaries=max(beneficiaries, 30), sat=rng.randint(90, 99),
                                                 files=max(projects * rng.randint(10, 60), 12),
                                                 per_year=max(beneficiaries // max(years, 1), 20),
                                                 level=rng.choice(LEVELS), partners=rng.randint(2, 15)))
        return "；".join(parts[:2]) + "，" + "，".join(parts[2:]) + "。"

    def statement_en(self, service, unit: Unit, years: int, beneficiaries: int) -> str:
        rng = self.rng
        words = GROUP_TEXT[service.group_code]
        methods = rng.sample(words["methods_en"], min(2, len(words["methods_en"]))) + \
            rng.sample(GENERIC_METHODS_EN, rng.randint(0, 1))
        span = "one year" if years <= 1 else f"{years} years"
        return (f"{span} of {service.name_en.lower()} in {unit.name_en}: "
                f"{', '.join(methods)} for {rng.choice(words['targets_en'])}. "
                f"{max(beneficiaries, 30):,} people served; satisfaction {rng.randint(90, 99)}%.")

    def credentials(self, unit: Unit, registered: bool, founded: date, code: str | None, grade: str | None,
                    awarded: date | None, workers: int, categories: list[str], created: datetime) -> list[dict]:
        rng, today = self.rng, self.today
        count = rng.choices([0, 1, 2, 3], weights=[15, 35, 30, 20])[0]
        pool = {CredentialType.ANNUAL_AUDIT_REPORT: 20, CredentialType.TAX_EXEMPTION: 10, CredentialType.INSURANCE: 10,
                CredentialType.OTHER: 5}
        if workers:
            pool[CredentialType.SOCIAL_WORK_QUALIFICATION] = 12
        if any(c.startswith("elderly.") for c in categories):
            pool[CredentialType.ELDERLY_CARE_FILING] = 18
        if any(c.startswith(("health.", "elderly.", "disability.rehabilitation")) for c in categories):
            pool[CredentialType.MEDICAL_INSTITUTION_LICENCE] = 3
        if grade:
            pool[CredentialType.GRADE_CERTIFICATE] = 12
        kinds: list[CredentialType] = []
        if registered and count and rng.random() < 0.9:
            kinds.append(CredentialType.REGISTRATION_CERTIFICATE)
        while len(kinds) < count and len(kinds) < len(pool) + 1:
            kind = _weighted(rng, pool)
            if kind not in kinds:
                kinds.append(kind)
        city = unit.city_name or unit.province_name
        rows = []
        for kind in kinds:
            issued = max(founded, today - timedelta(days=rng.randint(20, 6 * 365)))
            expires: date | None
            if kind == CredentialType.REGISTRATION_CERTIFICATE:
                number, issuer, expires = code or f"民证字第{rng.randrange(10**6):06d}号", f"{city}民政局", \
                    _add_years(issued, 5)
            elif kind == CredentialType.GRADE_CERTIFICATE:
                issued = awarded or issued
                number, issuer, expires = f"等级评估第{rng.randrange(10**5):05d}号", f"{city}民政局", \
                    _add_years(issued, 5)
            elif kind == CredentialType.ANNUAL_AUDIT_REPORT:
                issued = max(founded, today - timedelta(days=rng.randint(20, 500)))
                number, issuer, expires = f"审字[{issued.year}]第{rng.randrange(10**4):04d}号", \
                    f"{rng.choice(BRANDS)[0]}会计师事务所", _add_years(issued, 1)
            elif kind == CredentialType.TAX_EXEMPTION:
                number, issuer, expires = f"免税资格{issued.year}-{rng.randrange(10**4):04d}", \
                    f"国家税务总局{city}税务局", _add_years(issued, 5)
            elif kind == CredentialType.INSURANCE:
                issued = max(founded, today - timedelta(days=rng.randint(20, 450)))
                insurer = rng.choice(["中国人民财产保险股份有限公司", "中国平安财产保险股份有限公司",
                                      "中国太平洋财产保险股份有限公司"])
                number, issuer, expires = f"PZ{rng.randrange(10**12):012d}", f"{insurer}{city}分公司", \
                    _add_years(issued, 1)
            elif kind == CredentialType.SOCIAL_WORK_QUALIFICATION:
                number, issuer, expires = f"SW{issued.year}{rng.randrange(10**8):08d}", \
                    "人力资源和社会保障部、民政部", None
            elif kind == CredentialType.ELDERLY_CARE_FILING:
                number, issuer, expires = f"养老备{issued.year}{rng.randrange(10**4):04d}号", \
                    f"{self.geo.full_name(unit)}民政局", None
            elif kind == CredentialType.MEDICAL_INSTITUTION_LICENCE:
                number, issuer, expires = f"PDY{rng.randrange(10**10):010d}", \
                    f"{self.geo.full_name(unit)}卫生健康局", _add_years(issued, 5)
            else:
                number, issuer, expires = f"QT-{rng.randrange(10**6):06d}", f"{city}民政局", None
            status = rng.choices([CredentialStatus.VERIFIED, CredentialStatus.PENDING, CredentialStatus.REJECTED],
                                 weights=[75, 18, 7])[0]
            uploaded = max(created, datetime.combine(issued, datetime.min.time(), UTC) + timedelta(hours=9))
            uploaded = min(uploaded, self.now - timedelta(hours=1))
            decided = uploaded + timedelta(days=rng.uniform(0.1, 7)) if status != CredentialStatus.PENDING else None
            rows.append({
                "type": kind, "number": number, "issuer": issuer, "issued_on": issued, "expires_on": expires,
                "document_name": None, "document_filename": None, "document_type": None, "document_size": None,
                "status": status,
                "status_reason": "证件照片不清晰，请重新上传 / The scan is unreadable; upload it again."
                if status == CredentialStatus.REJECTED else None,
                "decided_by_id": None, "decided_at": min(decided, self.now) if decided else None,
                "expired_marked_at": None, "last_reminder_days": None, "created_at": uploaded,
                "updated_at": uploaded})
        return rows


def _organisations(writer: Writer, rng: random.Random, geo: Geography, count: int, today: date,
                   now: datetime, serial_start: int) -> None:
    maker = OrganisationMaker(rng, geo, today, now, serial_start)
    for start in range(0, count, CHUNK):
        units = geo.pick_many(rng, min(CHUNK, count - start))
        parties, plans = zip(*(maker.party_and_plan(unit) for unit in units), strict=True)
        ids = writer.write(Party, list(parties), returning=True)
        out: dict[str, list[dict]] = {name: [] for name in ("organisation_profiles", "service_areas",
                                                            "capabilities", "credentials", "standing_flags")}
        for party_id, plan in zip(ids, plans, strict=True):
            maker.details(party_id, plan, out)
        writer.write(OrganisationProfile, out["organisation_profiles"])
        writer.write(ServiceArea, out["service_areas"])
        writer.write(Capability, out["capabilities"])
        writer.write(Credential, out["credentials"])
        writer.write(StandingFlag, out["standing_flags"])


# --- Tenders -------------------------------------------------------------------------------------------

def _split_weights(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` positive multiples of 5 adding up to `total` (a multiple of 5)."""
    units = total // 5
    cuts = sorted(rng.sample(range(1, units), parts - 1))
    bounds = [0, *cuts, units]
    return [(b - a) * 5 for a, b in zip(bounds, bounds[1:], strict=False)]


def _tenders(writer: Writer, rng: random.Random, geo: Geography, count: int, today: date, now: datetime,
             reference_start: int, min_bids_for, objection_days: int) -> None:
    services_by_group = {g.code: list(g.services) for g in catalogue.groups()}
    plans = []
    agencies: dict[str, dict] = {}
    for _ in range(count):
        group = _weighted(rng, TENDER_GROUP_WEIGHTS)
        service = rng.choice(services_by_group[group])
        unit = geo.pick(rng)
        roll = rng.random()
        if roll < 0.6 or (roll < 0.9 and not unit.city_area):
            level, area, area_name = "county", unit.code, geo.full_name(unit)
        elif roll < 0.9:
            level, area, area_name = "city", unit.city_area, unit.city_name
        else:
            level, area, area_name = "province", unit.province, unit.province_name
        suffix, province_suffix, buyer_en = rng.choice(BUYERS[group])
        buyer = province_suffix if level == "province" and area not in MUNICIPALITIES else suffix
        agency_name = f"{area_name}{buyer}"
        if agency_name not in agencies:
            region = regions.get(area)
            agencies[agency_name] = {
                "kind": PartyKind.AGENCY, "name": agency_name, "name_en": f"{region.name_en} {buyer_en}",
                "status": PartyStatus.APPROVED, "created_at": now - timedelta(days=rng.uniform(60, 700)),
                "created_by_id": None, "decided_at": None, "decided_by_id": None, "decision_reason": None}
            agencies[agency_name]["decided_at"] = agencies[agency_name]["created_at"] + timedelta(days=1)
        plans.append((group, service, unit, level, area, area_name, buyer, agency_name))

    agency_names = list(agencies)
    agency_ids = dict(zip(agency_names, writer.write(Party, [agencies[n] for n in agency_names], returning=True),
                          strict=True))
    user_id = db.session.scalar(select(User.id).where(User.email == AGENCY_USER_EMAIL))
    if user_id is None:
        user_id = writer.write(User, [{
            "email": AGENCY_USER_EMAIL, "name": "采购经办人 Procurement officer",
            "password_hash": hash_password("market-bench-password-2026"), "locale": "zh_Hans", "is_active": True,
            "created_at": now - timedelta(days=700), "last_login_at": None,
            "password_changed_at": now - timedelta(days=700)}], returning=True)[0]
    writer.write(Membership, [{"user_id": user_id, "party_id": agency_id, "role": MemberRole.ADMIN,
                               "created_at": agencies[name]["created_at"]} for name, agency_id in agency_ids.items()])

    tender_rows, lot_plans, criteria_plans = [], [], []
    year = now.year
    for n, (group, service, unit, level, area, area_name, buyer, agency_name) in enumerate(plans):
        units = [u for u in service.typical_units]
        unit_code = rng.choice(units)
        if unit_code == "post_year":
            method = ProcurementMethod.POST_PURCHASE
        else:
            method = _weighted(rng, METHOD_WEIGHTS)
            units = [u for u in units if u != "post_year"] or ["lump_sum"]
        deadline_day = today + timedelta(days=rng.randint(10, 40))
        deadline = datetime(deadline_day.year, deadline_day.month, deadline_day.day, 9, 30, tzinfo=BEIJING)
        deadline = deadline.astimezone(UTC)
        published = now - timedelta(hours=rng.uniform(1, 14 * 24))
        clarification = deadline - timedelta(days=rng.randint(3, 7)) if rng.random() < 0.7 else None
        start_day = deadline_day + timedelta(days=15)
        service_start = date(start_day.year + start_day.month // 12, start_day.month % 12 + 1, 1)
        months = rng.choices([6, 12, 24, 36], weights=[10, 75, 10, 5])[0]
        end_month = service_start.month - 1 + months
        service_end = date(service_start.year + end_month // 12, end_month % 12 + 1, 1) - timedelta(days=1)
        comprehensive = rng.random() < 0.85
        price_weight = rng.choice([10, 15, 20, 25, 30]) if comprehensive else 30
        words = GROUP_TEXT[group]
        targets = "、".join(rng.sample(words["targets"], rng.randint(1, 2)))
        level_price = PRICE_LEVEL.get(unit.province, 0.85)

        # Lots: split by area (city and province tenders) or by variant, all sharing the tender's rules.
        lot_count = rng.choices([1, 2, 3], weights=[60, 25, 15])[0]
        sub_areas = [r.code for r in regions.children(area) if not r.is_placeholder] if level != "county" else []
        if area in MUNICIPALITIES:
            sub_areas = [c.code for city in regions.children(area) for c in regions.children(city.code)]
        by_area = lot_count > 1 and len(sub_areas) >= lot_count and rng.random() < 0.6
        if by_area:
            picked = rng.sample(sub_areas, min(len(sub_areas), lot_count * rng.randint(1, 2)))
            lot_areas = [picked[i::lot_count] for i in range(lot_count)]
        else:
            lot_areas = [[area]] * lot_count
        requirements = _requirements(rng, service.code, level, area, unit)
        total_volume = 0.0
        lots = []
        variants = rng.sample(AREA_PARTS, lot_count)
        # Lots priced in another unit than the first (short and long stays, as the demo's relief station does).
        other_units = [u for u in units if u != unit_code and u in UNIT_VARIANTS]
        mixed = (lot_count == 2 and not by_area and other_units and unit_code in UNIT_VARIANTS
                 and method != ProcurementMethod.POST_PURCHASE and rng.random() < 0.4)
        for number, codes in enumerate(lot_areas, start=1):
            pricing = rng.choice(other_units) if mixed and number > 1 else unit_code
            low, high, step = PRICES[pricing]
            price = _stepped(rng, low * level_price, high * level_price, step)
            q_low, q_high, q_step = QUANTITIES[pricing]
            quantity = _stepped(rng, q_low, q_high, q_step)
            per_unit = VOLUME_PER_UNIT.get(pricing)
            total_volume += quantity * per_unit if per_unit else rng.randint(50, 3000)
            if lot_count == 1:
                title = service.name_zh
            elif by_area:
                title = f"第{number}包：" + "、".join(regions.get(c).name_zh for c in codes)
            else:
                variant = UNIT_VARIANTS[pricing] if mixed else variants[number - 1]
                title = f"第{number}包：{variant}"
            lot = {"number": number, "title": title, "regions": list(codes),
                   "pricing_unit": PricingUnit(pricing), "quantity": Decimal(int(quantity)),
                   "ceiling_unit_price": Decimal(int(price)), "post_qualification": None, "place_of_work": None,
                   "result": None, **requirements}
            if pricing == "post_year":
                lot["post_qualification"] = rng.choice(POST_QUALIFICATIONS)
                lot["place_of_work"] = f"{area_name}各街道（乡镇）社会工作服务站"
            if rng.random() < 0.1:  # capacity headroom in beneficiaries a year
                lot["min_annual_capacity"] = max(20, int((quantity * per_unit if per_unit else 200) * 0.5))
            lots.append(lot)
        lot_plans.append(lots)

        region_word = area_name if rng.random() < 0.7 else unit.name
        title = rng.choice(TITLES).format(region=region_word, year=deadline_day.year, service=service.name_zh,
                                          buyer=buyer)
        description = rng.choice(DESCRIPTIONS).format(
            description=service.description_zh, area=area_name, targets=targets, unit=UNIT_ZH[unit_code],
            service=service.name_zh, methods="、".join(rng.sample(words["methods"], 2)), buyer=agency_name)
        indicators = "；".join(item.format(n=rng.choice([85, 90, 95]), m=int(total_volume * 4) or 200,
                                          k=rng.choice([20, 30, 50, 100])) for item in rng.sample(INDICATORS, 3))
        created = published - timedelta(days=rng.uniform(1, 10))
        tender_rows.append({
            "agency_party_id": agency_ids[agency_name], "reference": f"SSM-{year}-{reference_start + n:04d}",
            "title": title.replace("服务服务", "服务")[:200], "description": description, "category_code": service.code,
            "procurement_method": method, "beneficiaries": targets,
            "beneficiaries_count": max(10, int(total_volume)), "service_start": service_start,
            "service_end": service_end, "deliverables": "；".join(rng.sample(DELIVERABLES, 2)),
            "outcome_indicators": indicators,
            "evaluation_method": EvaluationMethod.COMPREHENSIVE if comprehensive else EvaluationMethod.LOWEST_PRICE,
            "price_weight": price_weight, "min_bids": min_bids_for(method), "deadline": deadline,
            "clarification_deadline": clarification, "objection_days": objection_days,
            "status": TenderStatus.PUBLISHED, "published_at": published, "opened_at": None,
            "award_published_at": None, "objection_ends_at": None, "awarded_at": None, "cancelled_at": None,
            "cancellation_reason": None, "failed_at": None, "failure_reason": None, "previous_round_id": None,
            "procedure_change_justification": None, "created_by_id": user_id, "created_at": created,
            "updated_at": published})
        if comprehensive:
            chosen = rng.sample(CRITERIA, rng.randint(1, 4))
            weights = _split_weights(rng, 100 - price_weight, len(chosen))
            criteria_plans.append([{"position": position, "name": name, "weight": weight, "guidance": guidance}
                                   for position, ((name, guidance), weight)
                                   in enumerate(zip(chosen, weights, strict=True), start=1)])
        else:
            criteria_plans.append([])

    tender_ids = writer.write(Tender, tender_rows, returning=True)
    lot_rows = [{"tender_id": tender_id, **lot} for tender_id, lots in zip(tender_ids, lot_plans, strict=True)
                for lot in lots]
    # Every lot row needs the same keys for one executemany.
    for lot in lot_rows:
        lot.setdefault("min_annual_capacity", None)
    writer.write(Lot, lot_rows)
    writer.write(EvaluationCriterion, [{"tender_id": tender_id, **c} for tender_id, criteria
                                       in zip(tender_ids, criteria_plans, strict=True) for c in criteria])


def _requirements(rng: random.Random, category: str, level: str, area: str, unit: Unit) -> dict:
    credentials: list[str] = []
    if rng.random() < 0.55:
        credentials.append("registration_certificate")
    extra = {"elderly.institutional": "elderly_care_filing", "elderly.short_stay": "elderly_care_filing",
             "elderly.day_care": "elderly_care_filing", "health.hospice": "medical_institution_licence",
             "health.escort": "medical_institution_licence"}.get(category)
    if category.startswith("social_work.") and rng.random() < 0.3:
        credentials.append("social_work_qualification")
    if extra and rng.random() < 0.4:
        credentials.append(extra)
    if rng.random() < 0.08:
        credentials.append("annual_audit_report")
    based_in = None
    if rng.random() < 0.12:
        local = area if rng.random() < 0.3 else (unit.city_area or unit.province)  # a county tender: often the city
        based_in = local if level == "county" else area
    return {
        "required_credentials": credentials,
        "min_grade": rng.choices(["2A", "3A", "4A"], weights=[30, 55, 15])[0] if rng.random() < 0.25 else None,
        "min_years_registered": rng.choice([1, 2, 3, 5]) if rng.random() < 0.25 else None,
        "min_social_workers": rng.randint(1, 10) if rng.random() < 0.2 else None,
        "based_in": based_in,
        "no_bad_standing": rng.random() < 0.95,
    }


# --- Entry points -------------------------------------------------------------------------------------

def populate(app: Flask, *, organisations: int = 100_000, tenders: int = 1_000, seed: int = 1) -> dict:
    """Fill `app`'s (migrated) database with a generated market and commit; returns rows written per table."""
    from marketplace.organisations.jobs import local_today
    from marketplace.tenders.services import min_bids_for

    rng = random.Random(seed)
    writer = Writer()
    with app.app_context():
        today, now = local_today(), utcnow()
        geo = Geography.build()
        existing_profiles = db.session.scalar(select(func.count()).select_from(OrganisationProfile)) or 0
        existing_refs = db.session.scalar(select(func.count(Tender.id))
                                          .where(Tender.reference.like(f"SSM-{now.year}-%"))) or 0
        _organisations(writer, random.Random(rng.random()), geo, organisations, today, now,
                       SERIAL_BASE + existing_profiles)
        _tenders(writer, random.Random(rng.random()), geo, tenders, today, now, existing_refs + 1, min_bids_for,
                 app.config["OBJECTION_PERIOD_DAYS"])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
    return dict(writer.counts)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when it does not exist yet."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    server = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database)))


def prepare_app(url: str | None = None) -> Flask:
    """An app on BENCH_DATABASE_URL (or `url`): the database created if missing, its schema rebuilt and migrated."""
    url = url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="marketplace-market-"))
    os.environ["MARKETPLACE_INSTANCE_PATH"] = str(workdir)
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "UPLOAD_FOLDER": str(workdir / "uploads")})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=MIGRATIONS)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--tenders", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    app = prepare_app()
    migrated = time.perf_counter()
    counts = populate(app, organisations=args.organisations, tenders=args.tenders, seed=args.seed)
    finished = time.perf_counter()
    with app.app_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
    for table, rows in counts.items():
        print(f"  {table:<24} {rows:>9,}")
    print(f"schema rebuilt and migrated in {migrated - started:.1f} s; market written in {finished - migrated:.1f} s "
          f"({sum(counts.values()):,} rows); total {finished - started:.1f} s")


if __name__ == "__main__":
    main()
