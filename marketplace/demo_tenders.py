"""Demo tenders that mirror the field, in every state of the lifecycle."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.bids import services as bidding
from marketplace.extensions import db
from marketplace.models import (
    Capability,
    EvaluationMethod,
    OrganisationProfile,
    Party,
    PartyKind,
    PricingUnit,
    ProcurementMethod,
    User,
    utcnow,
)
from marketplace.tenders import services as tenders
from marketplace.tenders.services import CriterionInput, LotInput, TenderInput

QUALITY = [CriterionInput("服务方案 Service plan", 35, "方案完整、针对受助对象特点、风险预案可行"),
           CriterionInput("团队与专业资质 Team and qualifications", 20, "持证社工与护理人员比例"),
           CriterionInput("以往业绩 Past performance", 15, "近三年同类项目及评价")]


def _providers(category_prefix: str, region_prefix: str, count: int, exclude: set[int] = frozenset()) -> list[Party]:
    rows = db.session.scalars(
        select(Party).join(OrganisationProfile, OrganisationProfile.party_id == Party.id)
        .where(Party.kind == PartyKind.ORGANISATION, OrganisationProfile.home_region.startswith(region_prefix),
               Party.id.in_(select(Capability.party_id).where(Capability.category_code.startswith(category_prefix))))
        .order_by(Party.id)).all()
    chosen = [party for party in rows if party.id not in exclude][:count]
    if len(chosen) < count:  # fall back to any organisation of the region
        extra = db.session.scalars(select(Party).join(OrganisationProfile, OrganisationProfile.party_id == Party.id)
                                   .where(OrganisationProfile.home_region.startswith(region_prefix))
                                   .order_by(Party.id)).all()
        chosen += [p for p in extra if p not in chosen and p.id not in exclude][:count - len(chosen)]
    return chosen


def _bid_all(tender, parties: list[Party], by: User, when: datetime, discounts=(0.92, 0.88, 0.95, 0.9)) -> list:
    bids = []
    for lot in tender.lots:
        for party, discount in zip(parties, discounts, strict=False):
            price = (lot.ceiling_unit_price * Decimal(str(discount))).quantize(Decimal("0.01"))
            bids.append(bidding.submit(lot, party, bidding.BidInput(
                unit_price=price,
                proposals={str(c.id): f"{party.name}的{c.name.split(' ')[0]}：按照项目要求组建专职团队，"
                                      f"建立个案档案，每月评估服务成效。" for c in tender.criteria},
                team="项目主管1名（中级社工师），社工4名，护理员6名",
                implementation_plan="第一阶段需求评估与建档；第二阶段分类服务与康复照护；第三阶段评估总结与转介。"),
                by=by, now=when))
    return bids


def _score_all(tender, by: User, points=(0.8, 0.9, 0.7, 0.85)) -> None:
    for bid, share in zip(tenders.submitted_bids(tender), points * 4, strict=False):
        for criterion in tender.criteria:
            tenders.score(bid, criterion, (Decimal(criterion.weight) * Decimal(str(share))).quantize(Decimal("0.1")),
                          "符合要求", scorer=by)


def load_demo_tenders(baoji: Party, jiading: Party, station_user: User, dpf_user: User) -> int:
    now = utcnow()
    past = now - timedelta(days=40)
    year = date.today().year + 1
    service = (date(year, 1, 1), date(year, 12, 31))
    created = 0

    # 1. Baoji relief station: short-stay care for relief recipients (open for bids).
    short_stay = tenders.create_draft(baoji, TenderInput(
        title="宝鸡市救助管理站受助人员短期托养服务项目", category_code="elderly.short_stay",
        description="为救助站临时无法返乡、需要照料的受助人员（以老年人和残疾人为主）提供托养照料：生活照料、基础护理、"
                    "康复训练与心理疏导。15天以内按人天计价（50元/人/天），超过15天按人月计价（1500元/人/月）。",
        procurement_method=ProcurementMethod.OPEN_TENDER, service_start=service[0], service_end=service[1],
        evaluation_method=EvaluationMethod.COMPREHENSIVE, deadline=now + timedelta(days=14, hours=3),
        clarification_deadline=now + timedelta(days=7), beneficiaries="救助站受助人员（老年人、残疾人）",
        beneficiaries_count=300, deliverables="月度服务报告、个案档案、年度总结",
        outcome_indicators="受助人员满意度≥90%；安全事故为0；平均返乡/转介周期≤20天"), [
        LotInput(title="短期托养（15天以内）", pricing_unit=PricingUnit.PERSON_DAY, quantity=Decimal(3000),
                 ceiling_unit_price=Decimal(50), regions=["610300"], min_grade="2A",
                 required_credentials=["registration_certificate", "elderly_care_filing"]),
        LotInput(title="长期托养（超过15天）", pricing_unit=PricingUnit.PERSON_MONTH, quantity=Decimal(120),
                 ceiling_unit_price=Decimal(1500), regions=["610300"], min_grade="2A",
                 required_credentials=["registration_certificate", "elderly_care_filing"]),
    ], [CriterionInput(c.name, c.weight, c.guidance) for c in QUALITY], by=station_user)
    tenders.publish(short_stay, by=station_user, now=now)
    created += 1

    # 2. Child protection: opened, being scored.
    child = tenders.create_draft(baoji, TenderInput(
        title="困境儿童关爱保护社会工作服务项目", category_code="minors.protection",
        description="为渭滨区、金台区困境儿童和留守儿童提供监护评估、个案管理、家庭支持和社区保护网络建设。",
        procurement_method=ProcurementMethod.OPEN_TENDER, service_start=service[0], service_end=service[1],
        evaluation_method=EvaluationMethod.COMPREHENSIVE, deadline=past + timedelta(days=25),
        beneficiaries="困境儿童及其家庭", beneficiaries_count=200), [
        LotInput(title="困境儿童关爱保护", pricing_unit=PricingUnit.LUMP_SUM, quantity=Decimal(1),
                 ceiling_unit_price=Decimal(380000), regions=["610302", "610303"],
                 required_credentials=["registration_certificate"], min_social_workers=3)],
        [CriterionInput(c.name, c.weight, c.guidance) for c in QUALITY], by=station_user)
    tenders.publish(child, by=station_user, now=past)
    child_bids = _bid_all(child, _providers("minors", "6103", 3), station_user, past + timedelta(days=10))
    tenders.close_and_open(child, now=child.deadline)
    for bid in child_bids:
        tenders.qualify(bid, qualified=True, reason=None, by=station_user)
    tenders.finish_qualification(child, by=station_user)
    created += 1

    # 3. Jiading post purchase: 21 social-work posts at 50,000 CNY per post-year (awarded).
    posts = tenders.create_draft(jiading, TenderInput(
        title="嘉定区残联助残社会工作岗位购买项目（21个岗位）", category_code="social_work.posts",
        description="购买21个助残社会工作岗位，派驻各街镇残疾人服务社，开展个案服务、康复指导和社区融合活动。",
        procurement_method=ProcurementMethod.POST_PURCHASE, service_start=service[0], service_end=service[1],
        evaluation_method=EvaluationMethod.COMPREHENSIVE, deadline=past + timedelta(days=20),
        beneficiaries="持证残疾人及家庭", beneficiaries_count=2100), [
        LotInput(title="助残社工岗位", pricing_unit=PricingUnit.POST_YEAR, quantity=Decimal(21),
                 ceiling_unit_price=Decimal(50000), regions=["310114"], post_qualification="助理社会工作师及以上",
                 place_of_work="嘉定区各街镇残疾人服务社", required_credentials=["registration_certificate"])],
        [CriterionInput(c.name, c.weight, c.guidance) for c in QUALITY], by=dpf_user)
    tenders.publish(posts, by=dpf_user, now=past)
    post_bids = _bid_all(posts, _providers("social_work", "3101", 3), dpf_user, past + timedelta(days=5))
    tenders.close_and_open(posts, now=posts.deadline)
    for bid in post_bids:
        tenders.qualify(bid, qualified=True, reason=None, by=dpf_user)
    tenders.finish_qualification(posts, by=dpf_user)
    _score_all(posts, dpf_user)
    tenders.propose_award(posts, by=dpf_user)
    tenders.publish_award(posts, by=dpf_user, now=posts.deadline + timedelta(days=3))
    tenders.finalise_award(posts, now=posts.objection_ends_at)
    created += 1

    # 4. Home care for severely disabled people, one lot per town (award notice, objection period running).
    home_care = tenders.create_draft(jiading, TenderInput(
        title="嘉定区重度残疾人居家托养服务项目", category_code="disability.severe_home_care",
        description="为重度残疾人提供上门照护、康复训练和家庭照护者喘息服务，按街镇分包。",
        procurement_method=ProcurementMethod.OPEN_TENDER, service_start=service[0], service_end=service[1],
        evaluation_method=EvaluationMethod.COMPREHENSIVE, deadline=now - timedelta(days=6),
        beneficiaries="重度残疾人", beneficiaries_count=360), [
        LotInput(title=f"{town}包", pricing_unit=PricingUnit.PERSON_MONTH, quantity=Decimal(quantity),
                 ceiling_unit_price=Decimal(1500), regions=["310114"],
                 required_credentials=["registration_certificate"])
        for town, quantity in (("嘉定镇街道", 1200), ("安亭镇", 1440), ("南翔镇", 1680))],
        [CriterionInput(c.name, c.weight, c.guidance) for c in QUALITY], by=dpf_user)
    tenders.publish(home_care, by=dpf_user, now=now - timedelta(days=30))
    care_bids = _bid_all(home_care, _providers("disability", "3101", 3), dpf_user, now - timedelta(days=15))
    tenders.close_and_open(home_care, now=home_care.deadline)
    for bid in care_bids:
        tenders.qualify(bid, qualified=True, reason=None, by=dpf_user)
    tenders.finish_qualification(home_care, by=dpf_user)
    _score_all(home_care, dpf_user)
    tenders.propose_award(home_care, by=dpf_user)
    tenders.publish_award(home_care, by=dpf_user, now=now - timedelta(days=1))
    created += 1

    # 5. Vagrant relief: zero competition, so it failed; its re-run is a competitive consultation (open).
    relief_input = TenderInput(
        title="流浪乞讨人员救助寻亲服务项目", category_code="relief.vagrant_relief",
        description="协助救助站开展街面巡查、寻亲返乡和个案跟进服务。",
        procurement_method=ProcurementMethod.OPEN_TENDER, service_start=service[0], service_end=service[1],
        evaluation_method=EvaluationMethod.COMPREHENSIVE, deadline=past + timedelta(days=21))
    relief = tenders.create_draft(baoji, relief_input, [
        LotInput(title="救助寻亲", pricing_unit=PricingUnit.LUMP_SUM, quantity=Decimal(1),
                 ceiling_unit_price=Decimal(260000), regions=["610300"])],
        [CriterionInput(c.name, c.weight, c.guidance) for c in QUALITY], by=station_user)
    tenders.publish(relief, by=station_user, now=past)
    _bid_all(relief, _providers("relief", "6103", 1), station_user, past + timedelta(days=8))
    tenders.close_and_open(relief, now=relief.deadline)
    rerun = tenders.rerun(relief, by=station_user, method=ProcurementMethod.COMPETITIVE_CONSULTATION,
                          justification="公开招标仅收到1份投标，依法流标；本地有能力的社会组织较少，改为竞争性磋商，"
                                        "同时请孵化基地培育新的服务机构。")
    rerun.deadline = now + timedelta(days=10)
    tenders.publish(rerun, by=station_user, now=now)
    created += 2

    # 6. A cancelled tender and a private draft.
    cancelled = tenders.create_draft(baoji, TenderInput(
        title="救助站心理疏导服务项目", category_code="health.counselling", description="为受助人员提供心理疏导。",
        procurement_method=ProcurementMethod.COMPETITIVE_CONSULTATION, service_start=service[0],
        service_end=service[1], evaluation_method=EvaluationMethod.LOWEST_PRICE, deadline=now + timedelta(days=9)), [
        LotInput(title="心理疏导", pricing_unit=PricingUnit.SESSION, quantity=Decimal(400),
                 ceiling_unit_price=Decimal(300), regions=["610300"])], [], by=station_user)
    tenders.publish(cancelled, by=station_user, now=now - timedelta(days=2))
    tenders.cancel(cancelled, "预算调整，项目并入2027年度综合救助服务项目。", by=station_user, now=now)
    tenders.create_draft(jiading, TenderInput(
        title="残疾人辅助器具适配服务（草稿）", category_code="disability.assistive_devices",
        description="草稿：为残疾人提供辅助器具评估与适配。",
        procurement_method=ProcurementMethod.COMPETITIVE_CONSULTATION,
        service_start=service[0], service_end=service[1], evaluation_method=EvaluationMethod.LOWEST_PRICE), [
        LotInput(title="辅具适配", pricing_unit=PricingUnit.SESSION, quantity=Decimal(800),
                 ceiling_unit_price=Decimal(200), regions=["310114"])], [], by=dpf_user)
    # 7. A draft whose rules leave a single eligible provider: its forecast is high-risk, and dropping the
    # minimum grade (one click on the draft's page) brings it to three.
    tenders.create_draft(baoji, TenderInput(
        title="金台区返乡受助老人居家照护服务项目（草稿）", category_code="elderly.home_care",
        description="草稿：为返乡安置的受助老人提供上门生活照料、助浴助洁和定期探访。",
        procurement_method=ProcurementMethod.OPEN_TENDER, service_start=service[0], service_end=service[1],
        evaluation_method=EvaluationMethod.COMPREHENSIVE, deadline=now + timedelta(days=12), price_weight=30), [
        LotInput(title="居家照护", pricing_unit=PricingUnit.SESSION, quantity=Decimal(2400),
                 ceiling_unit_price=Decimal(60), regions=["610303"], min_grade="3A",
                 required_credentials=["registration_certificate", "elderly_care_filing"])],
        [CriterionInput(c.name, c.weight, c.guidance) for c in QUALITY], by=station_user)
    created += 3
    db.session.flush()
    # Every tender that reached the market has its shortlist (the re-run's forecast is high-risk).
    from marketplace.shortlists import services as shortlists
    from marketplace.shortlists.market import Market

    market = Market.load()
    for tender in (short_stay, child, posts, home_care, relief, rerun, cancelled):
        shortlists.rank_tender(tender, market=market)
    return created
