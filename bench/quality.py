"""The matcher's quality benchmark: a labelled generated market, the matcher against an agency's manual baseline.

The market (deterministic for a seed; no database, no Flask):

- Test lots: a service from a set of common purchases, in a county or city of Shaanxi, with a tender text
  in Chinese, in English, or both, and rules: serves the lot's region always; sometimes grade 3A or better,
  a service-specific credential (held verified and valid over the service period), certified social workers.
- Planted for each lot, with what the generator knows to be true about them:
  highly relevant providers (the lot's service, based in the lot's city and serving the region) whose
  statements are PARAPHRASES of the need, never the tender's own words; about a quarter of them registered
  their capability under a sibling service code (an agency's category filter misses them).
  Partly relevant ones: a sibling service of the same group, a generalist that only touches the service,
  or the right service from another city of the province (serving it through a province-wide area).
  Distractors doing the lot's service, half of them in the tender's own words, each failing one rule:
  wrong region, standing flag, credential expired / unverified / lapsing during the service, grade too low
  or expired, too few social workers.
- Background providers across China (denser in Shaanxi), one to three services each, described with
  the same paraphrases or the catalogue's descriptions; grades, credentials and flags drawn at random.

Labels come from that truth, for every provider and lot alike: 0 if ``eligibility.assess`` finds a rule
unmet; else 2 for a core capability in the lot's service, 1 for a weak (generalist) capability in it or a
core capability in a sibling service of the same group, 0 otherwise; and one less (not below 0) for a
provider based outside the lot's city. Grades never change a label: they are a hard rule or nothing.

The baseline is what an agency does by hand: providers registered for the lot's service that are based in
or serve its region, sorted by grade (5A first, ungraded last), then id. It checks no licence or threshold.
Two reference columns: "+ rules", the baseline with every ineligible provider struck out (an agency that
checks each licence and threshold by hand), and "ideal", the providers sorted by label.

Figures, averaged over lots: NDCG@10 (gain 2^label - 1, ideal from all labels of the market), recall@20
(share of label >= 1, and of label 2, providers in the top 20; with more than 20 relevant providers even the
ideal ranking cannot reach 1), and the share of the top 20 shown as eligible that is not (the matcher shows
near-eligible providers too, marked as such). The matcher's ineligible count must be zero, by ``assess`` and
by the generator's own distractors; the script exits 1 otherwise, or if the two disagree on a distractor.

    .venv/bin/python bench/quality.py [--seed 1] [--providers 5000] [--tenders 40]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.defaults import MATCHER_WEIGHTS  # noqa: E402
from marketplace import catalogue, regions  # noqa: E402
from marketplace.matching.eligibility import GRADES, CredentialFact, ProviderFacts, Requirements, assess  # noqa: E402
from marketplace.matching.relevance import RelevanceIndex  # noqa: E402
from marketplace.matching.scoring import LotQuery, ProviderProfile, Weights, rank  # noqa: E402

ON, START, END = date(2026, 6, 1), date(2026, 7, 1), date(2027, 6, 30)
SHAANXI = "610000"
LIMIT = 50  # the shortlist's length
# service: (the need as a tender puts it, zh and en; capability paraphrases, zh and en)
POOLS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "elderly.home_care": (
        "为辖区高龄、独居、失能老年人提供助洁、助浴、助急等居家上门服务",
        "home-based care for older residents: cleaning, bathing and emergency help at home",
        ("上门照护居家老人，开展生活照料、个人清洁和陪同就医", "为空巢和失能老人入户洗澡、打扫卫生、代买代办",
         "护理员定期到老人家中做饭、擦身和翻身护理"),
        ("Carers visit frail older people at home to help with washing, housework and errands",
         "In-home personal care and housekeeping for elderly people living alone")),
    "elderly.day_care": (
        "依托社区日间照料中心为老年人提供日间托管、用餐、康复锻炼和文化娱乐服务",
        "community day care centre for older people with meals, exercise and recreation",
        ("白天接老人到中心休息、吃午饭、做康复操，傍晚送回家", "老年人日托：午餐午休、健身锻炼、手工和唱歌活动"),
        ("Daytime centre for seniors with lunch, rest, exercise classes and transport",
         "Day centre where pensioners spend the day with activities and a hot lunch")),
    "elderly.meal_assistance": (
        "运营长者食堂和社区助餐点，为老年人提供助餐和送餐上门服务",
        "meal assistance for older people: community canteens and meals delivered to homes",
        ("社区老年饭桌每天做营养午餐，行动不便的老人送饭到家", "为老人配餐送餐，低盐低糖菜谱，按月结算"),
        ("Community kitchen cooking lunches for seniors and delivering meals to the housebound",)),
    "elderly.dementia_care": (
        "为认知障碍老年人提供早期筛查、非药物干预和家属照护技能培训",
        "dementia care: early screening, non-drug interventions and training for family carers",
        ("面向失智老人开展记忆训练、怀旧活动和音乐疗法，为照顾者提供喘息服务",
         "老年痴呆早发现、记忆门诊转介和家属照护课堂"),
        ("Memory groups, reminiscence and music sessions for people living with dementia, respite for carers",)),
    "disability.rehabilitation": (
        "为残疾儿童和成年残疾人提供康复评估、康复训练和社区康复服务",
        "rehabilitation assessment and training for disabled children and adults",
        ("为脑瘫、孤独症儿童开展运动训练、言语训练和感统训练", "残障人士功能恢复训练，入户指导家属做家庭康复"),
        ("Physiotherapy, speech therapy and sensory integration for children with disabilities",
         "Home rehabilitation coaching for families of disabled people")),
    "disability.severe_home_care": (
        "为居家重度残疾人提供上门生活照料、护理和家属喘息服务",
        "home care for people with severe disabilities and respite for their families",
        ("护理员入户照顾卧床的重残人员，协助翻身、擦浴、喂饭", "为一二级肢体和智力残疾人提供居家托养照护"),
        ("Personal care at home for bedridden people with severe disabilities, giving family carers a break",)),
    "disability.employment": (
        "为残疾人提供职业评估、技能培训和支持性就业服务",
        "employment support for persons with disabilities: vocational assessment and supported jobs",
        ("帮助残障青年学手艺、找工作，就业辅导员陪同上岗", "开办残疾人庇护工场，开展职业康复和岗位跟踪"),
        ("Job coaching, vocational training and supported placements for disabled people",)),
    "minors.left_behind": (
        "为农村留守儿童提供定期探访、亲情联络、课后陪伴和安全教育",
        "care for rural left-behind children: visits, contact with parents, after-school company",
        ("父母外出打工的孩子每周走访，组织视频通话，周末陪伴并开展防溺水教育",
         "乡村儿童之家驻点，为留守孩子课后辅导和心理关爱"),
        ("Weekly visits, video calls with parents working away and activities for children left in villages",)),
    "minors.after_school": (
        "开设四点半课堂，为社区儿童提供课后托管、作业辅导和兴趣活动",
        "after-school care for children with homework help and hobby activities",
        ("放学后照看孩子写作业，开设绘画、阅读等兴趣小组", "为双职工家庭的小学生提供放学后的看护服务"),
        ("Homework club and hobby groups for primary pupils of working parents",)),
    "health.counselling": (
        "为困难群众和社区居民提供个体心理咨询、团体辅导和情绪疏导",
        "psychological counselling and group support for residents in difficulty",
        ("心理咨询师一对一谈话，缓解焦虑抑郁情绪，开展减压小组", "开通居民心理热线，为情绪困扰的人提供倾听和支持"),
        ("One-to-one counselling and stress-management groups for people with anxiety or low mood",)),
    "legal.mediation": (
        "参与社区人民调解，化解邻里、家庭、物业等矛盾纠纷",
        "community dispute mediation between neighbours, families and property managers",
        ("调解员上门处理邻居吵架、婚姻家庭和物业费争议，促成和解协议",
         "社区调解室由律师和老党员一起化解居民之间的纠纷"),
        ("Mediators help neighbours and families settle quarrels before they reach court",)),
    "social_work.posts": (
        "购买专业社会工作岗位，派驻街道和社区开展个案、小组和社区工作",
        "social-work posts stationed in street offices and communities",
        ("持证社工驻点社区，做个案管理、小组活动和入户走访", "为乡镇社工站派驻专职社会工作者"),
        ("Qualified social workers based in township stations doing casework and group work",)),
    "relief.destitute_support": (
        "为分散供养特困人员提供定期探访、生活照料和代办服务",
        "care for persons in extreme poverty living on their own: visits, daily care, errands",
        ("定期看望散居五保老人，帮助打扫、买药、代缴水电费", "为独自居住的特困供养对象落实照料，每月至少上门两次"),
        ("Regular visits, housework and errands for people in extreme poverty who live alone",)),
}
FILLERS = (("机构拥有专职社工和稳定的志愿者队伍。", "Staffed by qualified social workers and volunteers."),
           ("累计服务居民数千人次，服务流程和档案规范。", "Keeps case records and written service procedures."),
           ("与街道、社区和医疗机构长期合作。", "Works closely with street offices and clinics."))
CREDENTIAL_OF_GROUP = {"elderly": "elderly_care_filing", "health": "medical_institution_licence",
                       "social_work": "social_work_qualification"}
GRADE_MIX = ((None, 35), ("1A", 5), ("2A", 12), ("3A", 23), ("4A", 17), ("5A", 8))
PRICE_RANGE = {"person_day": (60, 200), "person_month": (800, 2500), "post_year": (60_000, 120_000),
               "session": (50, 300), "lump_sum": (100_000, 500_000)}
TYPES = ("core", "misdeclared", "sibling", "generalist", "distant")
METHODS = ("matcher", "baseline", "baseline, rules checked", "ideal")
METRICS = ("NDCG@10", "recall@20, label >= 1", "recall@20, label 2", "ineligible share shown eligible")


@dataclass
class Provider:
    profile: ProviderProfile
    truth: dict[str, int]  # service -> 2 core capability, 1 weak (generalist)
    flaw: str | None = None  # a planted distractor's failed rule
    planted_for: int | None = None  # lot id


@dataclass
class Lot:
    query: LotQuery
    city: str
    language: str  # zh, en or both


def _grade(rng: random.Random, at_least: str | None = None) -> str | None:
    mix = [(g, w) for g, w in GRADE_MIX if at_least is None or (g and GRADES.index(g) >= GRADES.index(at_least))]
    return rng.choices([g for g, _ in mix], [w for _, w in mix])[0]


def _credential(lot: Lot) -> str | None:
    return next(iter(lot.query.requirements.required_credentials), None)


def _statement(rng: random.Random, service: str, strength: int, place: str) -> str:
    """What a provider writes about one service: paraphrases (or the catalogue text), sometimes English too."""
    item = catalogue.service(service)
    group = catalogue.group_of(service)
    if strength == 1:
        parts = [f"机构业务范围较广，也开展一些{group.name_zh}方面的活动，如节日慰问和志愿探访。"]
        english = f"A general community organisation that also runs some {group.name_en.lower()} activities."
    elif service in POOLS:
        _, _, zh, en = POOLS[service]
        parts, english = rng.sample(zh, rng.randint(1, min(2, len(zh)))), rng.choice(en)
    else:
        parts, english = [item.description_zh], item.description_en
    if rng.random() < 0.5:
        parts.append(english)
    if rng.random() < 0.6:
        parts.append(rng.choice(FILLERS)[0 if rng.random() < 0.7 else 1])
    if rng.random() < 0.3:
        parts.append(f"扎根{regions.get(place).name_zh}。")
    return " ".join(parts)


def _profile(rng: random.Random, truth: dict[str, int], declared: list[str], facts: ProviderFacts,
             statements: str) -> ProviderProfile:
    rated = rng.random() < 0.4
    prices = {}
    for code in declared:
        unit = catalogue.service(code).typical_units[0]
        if rng.random() < 0.3:
            low, high = PRICE_RANGE[unit]
            prices[f"{code}:{unit}"] = tuple(round(rng.uniform(low, high)) for _ in range(rng.randint(1, 3)))
    invitations = rng.randint(0, 8)
    return ProviderProfile(
        provider_id=0, name="", facts=facts, categories=tuple(declared), statements=statements,
        experience_years={code: rng.randint(0, 15) for code in declared},
        projects={code: rng.randint(0, 10) for code in declared},
        past_ratings=tuple(round(rng.uniform(0.55, 1.0), 2) for _ in range(rng.randint(1, 5))) if rated else (),
        past_unit_prices=prices, invitations=invitations, bids_when_invited=rng.randint(0, invitations))


def _facts(rng: random.Random, home: str, areas: tuple[str, ...], lot: Lot | None) -> ProviderFacts:
    """Facts meeting every rule of `lot` (None: background, drawn at random whatever the rules)."""
    req = lot.query.requirements if lot else Requirements()
    grade = _grade(rng, req.min_grade)
    awarded = ON - timedelta(days=rng.randint(30, (4 if lot else 6) * 365)) if grade else None
    credentials = [CredentialFact("registration_certificate", True, None)]
    if lot:
        kinds = [_credential(lot)] if _credential(lot) else []
    else:
        kinds = [kind for kind in CREDENTIAL_OF_GROUP.values() if rng.random() < 0.3]
    for kind in kinds:
        expires = END + timedelta(days=rng.randint(1, 1500)) if lot else ON + timedelta(days=rng.randint(-400, 1500))
        credentials.append(CredentialFact(kind, lot is not None or rng.random() < 0.9, expires))
    workers = rng.randint(0, 12)
    capacity = rng.randint(100, 1000)
    return ProviderFacts(
        legal_form="social_service_institution", registered_on=date(rng.randint(2005, 2022), rng.randint(1, 12), 1),
        home_region=home, service_areas=areas, grade=grade, grade_awarded_on=awarded,
        certified_social_workers=max(workers, req.min_social_workers or 0), annual_capacity=capacity,
        current_commitments=rng.randint(0, capacity // 2), credentials=tuple(credentials),
        active_flags=("abnormal_activity",) if lot is None and rng.random() < 0.03 else ())


def _spoil(rng: random.Random, facts: ProviderFacts, flaw: str, lot: Lot, elsewhere: str) -> dict:
    """Changes to otherwise eligible facts that break exactly one rule."""
    kind, req = _credential(lot), lot.query.requirements
    others = tuple(c for c in facts.credentials if c.type != kind)
    if flaw == "wrong_region":
        return {"home_region": elsewhere, "service_areas": (elsewhere,)}
    if flaw == "bad_standing":
        return {"active_flags": ("serious_dishonesty",)}
    if flaw in ("expired_licence", "unverified_licence", "licence_lapses"):
        expires = {"expired_licence": ON - timedelta(days=rng.randint(10, 400)),
                   "licence_lapses": ON + timedelta(days=rng.randint(30, (END - ON).days - 30))}
        return {"credentials": (*others, CredentialFact(kind, flaw != "unverified_licence",
                                                        expires.get(flaw, END + timedelta(days=400))))}
    if flaw == "low_grade":
        return {"grade": rng.choice(GRADES[:GRADES.index(req.min_grade)]), "grade_awarded_on": ON - timedelta(days=90)}
    if flaw == "grade_expired":
        awarded = ON - timedelta(days=5 * 365 + rng.randint(10, 300))  # in force five years
        return {"grade": rng.choice(("4A", "5A")), "grade_awarded_on": awarded}
    return {"certified_social_workers": rng.randint(0, req.min_social_workers - 1)}  # few_social_workers


def make_lot(rng: random.Random, lot_id: int, cities: list[str]) -> Lot:
    service = rng.choice(sorted(POOLS))
    city = rng.choice(cities)
    region = city if rng.random() < 0.3 else rng.choice(regions.children(city)).code
    place = regions.get(region)
    place_zh = place.name_zh if region == city else regions.get(city).name_zh + place.name_zh
    need_zh, need_en, _, _ = POOLS[service]
    item, people = catalogue.service(service), rng.randint(50, 300)
    language = rng.choices(("zh", "both", "en"), (50, 25, 25))[0]
    zh = f"{place_zh}2026年{item.name_zh}项目 {need_zh}。服务期一年，年服务约{people}人。"
    en = f"{place.name_en}: {item.name_en} 2026. {need_en.capitalize()}, about {people} people a year."
    kind = CREDENTIAL_OF_GROUP.get(item.group_code, "insurance")
    requirements = Requirements(
        required_credentials=(kind,) if rng.random() < 0.4 else (), min_grade="3A" if rng.random() < 0.4 else None,
        min_social_workers=rng.randint(2, 5) if rng.random() < 0.3 else None, serves_regions=(region,),
        service_start=START, service_end=END)
    unit = item.typical_units[0]
    query = LotQuery(lot_id=lot_id, category_code=service, text={"zh": zh, "en": en, "both": f"{zh} {en}"}[language],
                     regions=(region,), quantity=float(people * 4), pricing_unit=unit,
                     ceiling_unit_price=float(rng.randint(*PRICE_RANGE[unit])), requirements=requirements,
                     annual_volume=float(people))
    return Lot(query, city, language)


def plant(rng: random.Random, lot: Lot, cities: list[str]) -> list[Provider]:
    """Relevant providers and one-rule-short distractors for one lot (ids are given later)."""
    q = lot.query
    service, region, req = q.category_code, q.regions[0], q.requirements
    siblings = [s.code for s in catalogue.group_of(service).services if s.code != service]
    counties = [r.code for r in regions.children(lot.city)]
    near = [c for c in counties if c != region]
    far_city = rng.choice([c for c in cities if c != lot.city])
    planted = []

    def local() -> tuple[str, tuple[str, ...]]:
        home = region if region != lot.city else rng.choice(counties)
        return home, (lot.city,) if region == lot.city or rng.random() < 0.5 else (region,)

    kinds = ["core"] * rng.randint(4, 7) + ["misdeclared"] * rng.randint(1, 3) + \
        [rng.choice(TYPES[2:]) for _ in range(rng.randint(3, 6))]
    for kind in kinds:
        home, areas = local()
        truth, declared = {service: 2}, [service]
        if kind in ("sibling", "misdeclared"):
            sibling = rng.choice(siblings)
            truth, declared = ({sibling: 2}, [sibling]) if kind == "sibling" else ({service: 2}, [sibling])
        elif kind == "generalist":
            truth = {service: 1}
        elif kind == "distant":
            home, areas = rng.choice(regions.children(far_city)).code, (SHAANXI,)
        text = " ".join(_statement(rng, code, truth[code], home) for code in truth)
        facts = _facts(rng, home, areas, lot)
        planted.append(Provider(_profile(rng, truth, declared, facts, text), truth, None, q.lot_id))

    flaws = ["wrong_region", "bad_standing"]  # one rule each distractor fails, among the rules the lot sets
    flaws += ["expired_licence", "unverified_licence", "licence_lapses"] if req.required_credentials else []
    flaws += ["low_grade", "grade_expired"] if req.min_grade else []
    flaws += ["few_social_workers"] if req.min_social_workers else []
    rng.shuffle(flaws)
    need_zh, need_en, _, _ = POOLS[service]
    for n in range(rng.randint(6, 10)):
        flaw = flaws[n % len(flaws)]
        home, areas = local()
        elsewhere = rng.choice(near) if region != lot.city and near else rng.choice(regions.children(far_city)).code
        if rng.random() < 0.5:  # the tender's own words
            text = need_zh + (f" {need_en}" if lot.language != "zh" else "") + " " + rng.choice(FILLERS)[0]
        else:
            text = _statement(rng, service, 2, elsewhere if flaw == "wrong_region" else home)
        facts = _facts(rng, home, areas, lot)
        facts = replace(facts, **_spoil(rng, facts, flaw, lot, elsewhere))
        planted.append(Provider(_profile(rng, {service: 2}, [service], facts, text), {service: 2}, flaw, q.lot_id))
    return planted


def background(rng: random.Random, count: int, shaanxi: list[str], elsewhere: list[str]) -> list[Provider]:
    services = [s.code for s in catalogue.all_services()]
    result = []
    for _ in range(count):
        home = rng.choice(shaanxi if rng.random() < 0.25 else elsewhere)
        areas = rng.choices(((home,), (home[:4] + "00",), (home[:2] + "0000",)), (50, 40, 10))[0]
        truth = {code: 1 if rng.random() < 0.15 else 2 for code in rng.sample(services, rng.choice((1, 1, 2, 2, 3)))}
        text = " ".join(_statement(rng, code, strength, home) for code, strength in truth.items())
        result.append(Provider(_profile(rng, truth, list(truth), _facts(rng, home, areas, None), text), truth))
    return result


def label(provider: Provider, lot: Lot, eligible: bool) -> int:
    if not eligible:
        return 0
    service = lot.query.category_code
    strength = provider.truth.get(service, 0)
    group = catalogue.group_of(service).code
    if strength == 0 and any(s == 2 and catalogue.group_of(c).code == group for c, s in provider.truth.items()):
        strength = 1
    if not regions.covers(lot.city, provider.profile.facts.home_region):  # one step away: from another city
        strength -= 1
    return max(strength, 0)


def baseline(lot: Lot, providers: list[Provider]) -> list[int]:
    """Registered for the service, based in or serving the region; grade (5A first, none last), then id."""
    region, service = lot.query.regions[0], lot.query.category_code

    def in_region(f: ProviderFacts) -> bool:
        return regions.covers(region, f.home_region) or any(regions.covers(a, region) for a in (*f.service_areas,
                                                                                                 f.home_region))
    found = [p.profile for p in providers if service in p.profile.categories and in_region(p.profile.facts)]
    found.sort(key=lambda p: (-(GRADES.index(p.facts.grade) if p.facts.grade in GRADES else -1), p.provider_id))
    return [p.provider_id for p in found]


def ndcg(ranked: list[int], labels: dict[int, int], k: int = 10) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = dcg(sorted(labels.values(), reverse=True))
    return dcg([labels.get(pid, 0) for pid in ranked]) / ideal if ideal else 0.0


def recall(ranked: list[int], labels: dict[int, int], least: int, k: int = 20) -> float:
    relevant = {pid for pid, g in labels.items() if g >= least}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 1.0


def evaluate(seed: int = 1, providers: int = 5000, tenders: int = 40) -> dict:
    """Generate the market, rank every lot both ways and return the averaged figures."""
    started = time.perf_counter()
    rng = random.Random(seed)
    cities = [r.code for r in regions.children(SHAANXI) if not r.is_placeholder and regions.children(r.code)]
    counties = {code for p in regions.provinces() for code in regions.descendants(p.code)
                if regions.get(code).level == "county"}
    shaanxi = sorted(c for c in counties if c.startswith("61"))
    elsewhere = sorted(counties - set(shaanxi))
    lots = [make_lot(rng, n, cities) for n in range(1, tenders + 1)]
    market = background(rng, providers, shaanxi, elsewhere)
    for lot in lots:
        market.extend(plant(rng, lot, cities))
    for pid, provider in zip(rng.sample(range(1, len(market) + 1), len(market)), market, strict=True):
        provider.profile = replace(provider.profile, provider_id=pid, name=f"org {pid}")
    profiles = [p.profile for p in market]
    index = RelevanceIndex.build({p.provider_id: p.statements for p in profiles})
    weights = Weights.from_mapping(MATCHER_WEIGHTS)
    generated = time.perf_counter()

    sums: dict[tuple[str, str], float] = dict.fromkeys(((m, k) for m in METHODS for k in METRICS), 0.0)
    by_language: dict[str, list[float]] = {}
    counts = dict.fromkeys(("ineligible_as_eligible", "marked_eligible", "distractors_as_eligible", "distractors",
                            "disagreements", "baseline_distractors", "baseline_misses", "relevant"), 0)
    ranking_seconds = 0.0
    for lot in lots:
        q = lot.query
        eligible = {p.profile.provider_id: assess(q.requirements, p.profile.facts, ON).eligible for p in market}
        labels = {p.profile.provider_id: label(p, lot, eligible[p.profile.provider_id]) for p in market}
        planted = {p.profile.provider_id: p for p in market if p.planted_for == q.lot_id}
        for pid, p in planted.items():  # the generator's notion of eligibility must agree with assess
            counts["disagreements"] += (p.flaw is None) != eligible[pid]
        tick = time.perf_counter()
        matches = sorted(rank(q, profiles, on=ON, weights=weights, index=index, limit=LIMIT), key=lambda m: m.rank)
        ranking_seconds += time.perf_counter() - tick
        marked = {m.provider_id for m in matches if m.eligible}
        for pid in marked:  # ineligible by assess, or a planted distractor (the generator's own notion)
            flaw = planted[pid].flaw if pid in planted else None
            counts["ineligible_as_eligible"] += not eligible[pid] or flaw is not None
            counts["distractors_as_eligible"] += flaw is not None
        counts["marked_eligible"] += len(marked)
        theirs = baseline(lot, market)
        counts["distractors"] += sum(p.flaw is not None for p in planted.values())
        counts["baseline_distractors"] += sum(pid in planted and planted[pid].flaw is not None for pid in theirs[:20])
        counts["baseline_misses"] += sum(g == 2 and pid not in theirs for pid, g in labels.items())
        counts["relevant"] += sum(g >= 1 for g in labels.values())
        rankings = {  # the ranking and who in it is shown as eligible
            "matcher": ([m.provider_id for m in matches], marked),
            "baseline": (theirs, set(theirs)),
            "baseline, rules checked": ([pid for pid in theirs if eligible[pid]], set(theirs)),
            "ideal": (sorted((pid for pid, g in labels.items() if g), key=lambda pid: (-labels[pid], pid)), labels),
        }
        for method, (ranked, shown) in rankings.items():
            top = [pid for pid in ranked[:20] if pid in shown]
            values = (ndcg(ranked, labels), recall(ranked, labels, 1), recall(ranked, labels, 2),
                      sum(not eligible[pid] for pid in top) / len(top) if top else 0.0)
            for metric, value in zip(METRICS, values, strict=True):
                sums[method, metric] += value
        by_language.setdefault(lot.language, []).append(ndcg(rankings["matcher"][0], labels))
    return {"figures": {key: value / len(lots) for key, value in sums.items()}, **counts,
            "ndcg_by_language": {lang: sum(v) / len(v) for lang, v in sorted(by_language.items())},
            "lots": len(lots), "providers": len(market), "background": providers,
            "generate_seconds": generated - started, "ranking_seconds": ranking_seconds,
            "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--providers", type=int, default=5000, help="background providers")
    parser.add_argument("--tenders", type=int, default=40, help="test lots")
    args = parser.parse_args(argv)
    r = evaluate(args.seed, args.providers, args.tenders)
    print(f"Matcher quality: {r['lots']} lots, {r['providers']:,} providers ({r['background']:,} background), "
          f"seed {args.seed}; {r['relevant'] / r['lots']:.1f} relevant providers a lot on average")
    print(f"  {'':38}" + "".join(f"{method:>12}" for method in ("matcher", "baseline", "+ rules", "ideal")))
    for metric in METRICS:
        print(f"  {metric:38}" + "".join(f"{r['figures'][method, metric]:12.3f}" for method in METHODS))
    languages = r["ndcg_by_language"].items()
    print("  matcher NDCG@10 by tender language: " + ", ".join(f"{k} {v:.3f}" for k, v in languages))
    print(f"  ineligible marked eligible by the matcher: {r['ineligible_as_eligible']} of {r['marked_eligible']} "
          f"marked eligible; planted distractors among them: {r['distractors_as_eligible']} of {r['distractors']}")
    print(f"  planted distractors in the baseline's top 20: {r['baseline_distractors']}; "
          f"label-2 providers its category filter misses: {r['baseline_misses']}")
    print(f"  generator vs assess disagreements: {r['disagreements']}")
    print(f"  time: {r['seconds']:.1f} s (market and index {r['generate_seconds']:.1f} s, "
          f"ranking {r['ranking_seconds'] * 1000 / r['lots']:.0f} ms a lot)")
    return 1 if r["ineligible_as_eligible"] or r["disagreements"] else 0


if __name__ == "__main__":
    sys.exit(main())
