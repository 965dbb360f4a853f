"""Demo incubation: the Baoji incubator's programme for the thin markets (children in difficulty, relief).

Seven groups, one at every rung of the ladder plus one that withdrew, each moved up by the incubation
services with its checklist ticked as the gates require, mentoring sessions with action items, a support
ledger within the budget, and a graduate that has bid on the relief station's re-run vagrant-relief tender.
Dates are counted back from today, so the history (stage moves, readiness chart, overdue actions) looks the
same whenever the demo is seeded. Everything goes through the services, so it is all audited.

The graduate works with street children (minors.street_children) and bids on the vagrant-relief re-run (street
outreach and family tracing) without declaring a relief service of its own: the forecast counts only the
providers in the lot's field, so the re-run stays high-risk and keeps showing the programme's groups at the pilot
and market-ready stages as emerging candidates.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts import parties
from marketplace.accounts import services as accounts
from marketplace.bids import services as bidding
from marketplace.extensions import db
from marketplace.incubation import services as incubation
from marketplace.incubation.services import ActionInput, ProgrammeInput, SessionInput
from marketplace.matching.eligibility import add_years
from marketplace.models import (
    Credential,
    CredentialType,
    Enrolment,
    LegalForm,
    MemberRole,
    OrganisationProfile,
    Party,
    PartyKind,
    ReadinessSnapshot,
    Stage,
    SupportKind,
    Tender,
    TenderStatus,
    User,
)
from marketplace.organisations import credit_code
from marketplace.organisations import services as registry
from marketplace.organisations.jobs import local_today
from marketplace.organisations.services import CapabilityInput, CredentialInput, PastProjectInput, ProfileInput

MENTOR_EMAIL = "mentor@demo.example"
MENTOR_NAME = "杨晓华 Yang Xiaohua (university social-work lecturer, mentor)"
GRADUATE_EMAIL = "graduate@demo.example"
GRADUATE_NAME = "马超 Ma Chao (Huhang street-children relief, incubation graduate)"

PROGRAMME_NAME = "宝鸡市困境儿童关爱与社会救助服务培育计划"
FOCUS_CATEGORIES = ["minors.protection", "minors.street_children", "minors.left_behind", "minors.after_school",
                    "relief.vagrant_relief", "relief.family_tracing", "relief.temporary_assistance"]
SUPPORT_OFFERED = ("孵化基地免费办公工位与会议室；每组最高3万元种子资金；登记注册、财务规范、项目设计与招投标实务培训；"
                   "高校社工专家一对一督导；对接救助站、民政部门的试点服务与政府购买服务机会。")
PROGRAMME_DAYS_AGO = 300  # the programme started this many days before the demo is seeded


class _Seeder:
    """The incubator's staff at work, day by day: each call says on which day (counted back from today)."""

    def __init__(self, incubator: Party, staff: User, mentor: User, admin: User) -> None:
        self.incubator, self.staff, self.mentor, self.admin = incubator, staff, mentor, admin
        self.today = local_today()
        self.zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.last_snapshot = db.session.scalar(select(func.max(ReadinessSnapshot.id))) or 0
        self.serial = 0
        self.programme = None

    def day(self, ago: int) -> date:
        return self.today - timedelta(days=ago)

    def _stamp(self, on: date) -> None:
        """Readiness snapshots are taken "now"; give the new ones the day the change happened (demo history)."""
        fresh = db.session.scalars(select(ReadinessSnapshot).where(ReadinessSnapshot.id > self.last_snapshot)
                                   .order_by(ReadinessSnapshot.id)).all()
        for snapshot in fresh:
            snapshot.taken_at = datetime.combine(on, time(10, 0), tzinfo=self.zone)
            self.last_snapshot = snapshot.id
        db.session.flush()

    # --- incubation ----------------------------------------------------------------------------

    def enrol(self, party: Party, ago: int, intake: str, *, stage: Stage = Stage.GRASSROOTS,
              done: tuple[str, ...] = ()) -> Enrolment:
        enrolment = incubation.enrol(self.programme, party, intake, by=self.staff, on=self.day(ago), stage=stage,
                                     done=done)
        self._stamp(self.day(ago))
        return enrolment

    def new_group(self, name: str, name_en: str, home_region: str, ago: int, intake: str, contact: str,
                  phone: str) -> Enrolment:
        enrolment = incubation.create_group(self.programme, name, home_region, by=self.staff, on=self.day(ago),
                                            intake_assessment=intake, name_en=name_en, contact_name=contact,
                                            contact_phone=phone)
        self._stamp(self.day(ago))
        return enrolment

    def tick(self, enrolment: Enrolment, ago: int, key: str, evidence: str) -> None:
        incubation.set_item(enrolment, key, True, by=self.staff, on=self.day(ago), evidence=evidence)
        self._stamp(self.day(ago))

    def move(self, enrolment: Enrolment, to: Stage, ago: int, note: str) -> None:
        incubation.move(enrolment, to, by=self.staff, on=self.day(ago), note=note)
        self._stamp(self.day(ago))

    def session(self, enrolment: Enrolment, mentor: User, ago: int, topics: str, notes: str,
                actions: list[tuple[str, str, int, int | None]] = ()) -> None:
        """`actions`: (what, who, due days ago (negative: ahead), done days ago or None while open)."""
        session = incubation.record_session(enrolment, mentor, SessionInput(
            held_on=self.day(ago), topics=topics, notes=notes,
            actions=[ActionInput(text, owner, self.day(due)) for text, owner, due, _done in actions]))
        for action, (_text, _owner, _due, done) in zip(session.actions, actions, strict=True):
            if done is not None:
                incubation.complete_action(action, on=self.day(done))

    def support(self, enrolment: Enrolment, kind: SupportKind, ago: int, description: str, amount: int) -> None:
        incubation.add_support(enrolment, kind, description, Decimal(amount), given_on=self.day(ago), by=self.staff)

    # --- the registry --------------------------------------------------------------------------

    def profile(self, party: Party, ago: int, **changes) -> None:
        """Change some fields of the registry profile, keeping the others."""
        current = db.session.get(OrganisationProfile, party.id)
        values = {item.name: getattr(current, item.name) for item in fields(ProfileInput)} if current else {}
        values.update(changes)
        registry.save_profile(party, ProfileInput(**values), today=self.day(ago))

    def credential(self, party: Party, kind: CredentialType, number: str, issuer: str, issued_ago: int,
                   years: int | None) -> Credential:
        """A credential the organisation uploads and the platform verifies."""
        issued = self.day(issued_ago)
        expires = add_years(issued, years) - timedelta(days=1) if years else None
        credential = registry.add_credential(party, CredentialInput(kind, number, issuer, issued, expires), None,
                                             today=self.day(max(issued_ago - 1, 0)))
        registry.decide_credential(credential, verify=True, reason=None, by=self.admin)
        return credential

    def new_credit_code(self, legal_form: LegalForm, region: str) -> str:
        while True:
            self.serial += 1
            code = credit_code.make(legal_form.value, region, 31_000_000 + self.serial * 7919)
            if db.session.scalar(select(OrganisationProfile.party_id)
                                 .where(OrganisationProfile.credit_code == code)) is None:
                return code

    def register(self, enrolment: Enrolment, ago: int, name: str, name_en: str, authority: str,
                 number: str) -> None:
        """The group is registered as a social service institution: new name, credit code, certificate."""
        party = enrolment.party
        region = db.session.get(OrganisationProfile, party.id).home_region
        self.profile(party, ago, legal_form=LegalForm.SOCIAL_SERVICE_INSTITUTION, registered_on=self.day(ago + 3),
                     registration_authority=authority,
                     credit_code=self.new_credit_code(LegalForm.SOCIAL_SERVICE_INSTITUTION, region))
        registry.rename(party, name, name_en)
        self.credential(party, CredentialType.REGISTRATION_CERTIFICATE, number, authority, ago + 3, 5)
        self.tick(enrolment, ago, "registration", f"{authority}登记证书（{number}）")


def _mentor(incubator: Party, staff: User) -> User:
    """An outside expert joins the incubator with the mentor role, like any demo user joins a party."""
    from marketplace.demo import DEMO_PASSWORD

    user = accounts.create_user(MENTOR_EMAIL, MENTOR_NAME, DEMO_PASSWORD, "zh_Hans")
    invitation = parties.invite_member(incubator, MENTOR_EMAIL, MemberRole.MENTOR, by=staff)
    parties.accept_invitation(invitation, user)
    return user


def _programme(seed: _Seeder) -> None:
    starts = seed.day(PROGRAMME_DAYS_AGO)
    seed.programme = incubation.create_programme(seed.incubator, ProgrammeInput(
        name=f"{PROGRAMME_NAME}（{starts.year}年度）", focus_categories=FOCUS_CATEGORIES, focus_regions=["610300"],
        starts_on=starts, ends_on=starts + timedelta(days=545), capacity=8, budget=Decimal(300_000),
        support_offered=SUPPORT_OFFERED), by=seed.staff)
    incubation.add_mentor(seed.programme, seed.staff)
    incubation.add_mentor(seed.programme, seed.mentor)


def _graduate(seed: _Seeder) -> Enrolment:
    """A small registered organisation that arrived with its papers in order and graduated; it has bid since."""
    from marketplace.demo import DEMO_PASSWORD

    user = accounts.create_user(GRADUATE_EMAIL, GRADUATE_NAME, DEMO_PASSWORD, "zh_Hans")
    registered = seed.day(PROGRAMME_DAYS_AGO + 800)
    party = registry.create_organisation(
        "宝鸡市护航流浪未成年人救助服务中心", "Huhang Street Children Relief and Protection Centre, Baoji",
        ProfileInput(legal_form=LegalForm.SOCIAL_SERVICE_INSTITUTION,
                     credit_code=seed.new_credit_code(LegalForm.SOCIAL_SERVICE_INSTITUTION, "610302"),
                     registered_on=registered, registration_authority="宝鸡市渭滨区民政局", home_region="610302",
                     address="陕西省宝鸡市渭滨区经二路街道火车站社区服务中心二楼", contact_name="马超",
                     contact_phone="0917-3265018", contact_email="huhang-street-children@example.org",
                     mission="让每一个离家在外的孩子被看见、被护送回家。",
                     mission_en="Every child away from home seen, protected and brought home.",
                     headcount=5, full_time_staff=2, volunteers=36, annual_capacity=120, current_commitments=20),
        creator=user, today=seed.day(PROGRAMME_DAYS_AGO))
    registry.set_service_areas(party, ["610300"])
    registry.save_capability(party, CapabilityInput(
        "minors.street_children",
        "在火车站、汽车站和网吧周边开展街面巡查，发现流浪和离家出走的未成年人后协助救助站临时监护、心理疏导，"
        "通过公安寻亲平台和家庭走访护送返家，并回访家庭监护状况，防止再次外流。",
        "Street outreach around the railway and bus stations and internet cafes; children found away from home are "
        "placed in the relief station's temporary care, counselled, traced through the police family-tracing "
        "platform and escorted home, and their families are visited afterwards so they do not leave again.",
        "流浪、离家出走的未成年人及其家庭", years=3, projects=2, beneficiaries=96))
    registry.save_capability(party, CapabilityInput(
        "minors.protection",
        "为监护缺失、监护不当的困境儿童开展家庭监护评估和个案管理，链接民政、教育和妇联资源，建立社区发现报告机制。",
        "Guardianship assessment and case management for children without adequate care, linking civil affairs, "
        "schools and the women's federation, and a community reporting network.",
        "困境儿童、监护缺失儿童", years=2, projects=1, beneficiaries=40))
    seed.credential(party, CredentialType.REGISTRATION_CERTIFICATE, "陕宝渭民证字第0615号", "宝鸡市渭滨区民政局",
                    PROGRAMME_DAYS_AGO + 800, 5)

    enrolment = seed.enrol(party, 285, "已登记两年多，骨干稳定但只有2名专职人员、无持证社工，主要靠志愿者开展街面巡查；"
                                       "财务由代理记账公司处理。目标：一年内具备独立承接政府购买服务的能力。",
                           stage=Stage.BUILDING_CAPACITY, done=("charter_board", "registration", "bank_bookkeeping"))
    seed.support(enrolment, SupportKind.SPACE, 285, "孵化基地A区2个办公工位及会议室（12个月）", 6000)
    seed.session(enrolment, seed.staff, 280, "入驻评估与年度发展计划",
                 "梳理了机构现状：街面巡查经验丰富，但专业化不足。约定先补齐专职人员和持证社工，再做一个可评估的试点。",
                 [("制定专职人员招聘计划（2名）", "马超", 265, 262),
                  ("报名社会工作者职业资格考试", "机构专职人员", 250, 251)])
    seed.support(enrolment, SupportKind.TRAINING, 250, "社会工作者职业资格考前培训（2人）", 4000)
    seed.profile(party, 255, full_time_staff=4, headcount=7)
    seed.tick(enrolment, 255, "trained_staff", "新招专职人员2名，完成岗前培训40学时")
    seed.profile(party, 240, social_workers_assistant=2, social_workers_intermediate=1)
    seed.tick(enrolment, 240, "social_worker", "助理社工师2名、社工师1名，证书已核验")
    seed.move(enrolment, Stage.PILOT_DELIVERY, 235, "专职团队到位，启动火车站片区街面救助试点")
    seed.support(enrolment, SupportKind.SEED_FUNDING, 230, "街面救助护送试点种子资金", 30000)
    seed.session(enrolment, seed.mentor, 220, "试点方案设计与街面巡查安全规范",
                 "试点以火车站片区为主，每周巡查三次。强调两人同行、全程记录、发现未成年人第一时间报告救助站和派出所，"
                 "不得私自带离。建议用个案记录表统一口径，便于试点结束后评估。",
                 [("制定街面巡查安全手册和个案记录表", "项目主管", 205, 207),
                  ("与救助站签订试点合作协议", "马超", 215, 216)])
    registry.add_past_project(party, PastProjectInput(
        "火车站片区流浪未成年人街面救助护送试点", "宝鸡市救助管理站", seed.day(230), seed.day(170),
        "minors.street_children", Decimal(30000), 38, "王站长, 0917-3211101"), today=seed.day(170))
    seed.tick(enrolment, 170, "first_pilot", "试点6个月，发现并护送返家38人次，救助站评价优秀")
    seed.credential(party, CredentialType.INSURANCE, "PZHB2026610300018", "中国人民财产保险宝鸡市分公司", 162, 2)
    seed.tick(enrolment, 160, "insurance", "公众责任险及志愿者意外险，保额200万元")
    seed.move(enrolment, Stage.MARKET_READY, 155, "试点评估通过，具备投标条件，下一步申请等级评估")
    seed.session(enrolment, seed.mentor, 150, "政府购买服务投标实务",
                 "讲解了竞争性磋商和公开招标的区别、服务方案的写法和报价测算。以本机构试点为例练习写了一份响应文件，"
                 "重点是成效指标要可量化。",
                 [("准备社会组织等级评估申报材料", "马超", 120, 118)])
    seed.support(enrolment, SupportKind.PROJECT_SUPPORT, 110, "等级评估辅导（第三方评估专家2次上门）", 8000)
    seed.profile(party, 100, grade="2A", grade_awarded_on=seed.day(100))
    seed.credential(party, CredentialType.GRADE_CERTIFICATE, "宝民评2A-2026-031", "宝鸡市民政局", 100, 5)
    seed.tick(enrolment, 95, "evaluation_grade", "获评2A级社会组织")
    seed.move(enrolment, Stage.GRADUATED, 90, "毕业：登记、财务、团队、试点、保险和等级评估全部达标")
    seed.session(enrolment, seed.staff, 12, "毕业后跟进：救助寻亲项目重新采购",
                 "救助站流浪乞讨人员救助寻亲项目公开招标流标，改为竞争性磋商，并请孵化基地推荐新机构。"
                 "机构的街面巡查和护送返家经验与该项目高度相关，建议参与；团队需补充成年受助人员寻亲的工作流程。",
                 [("完成竞争性磋商响应文件并在截止前提交", "马超", -3, 0)])
    _bid(party, user)
    return enrolment


def _bid(party: Party, user: User) -> None:
    """The graduate's bid on the relief station's re-run, saved as a draft and then submitted."""
    rerun = db.session.scalar(select(Tender).where(Tender.category_code == "relief.vagrant_relief",
                                                   Tender.status == TenderStatus.PUBLISHED))
    if rerun is None:
        raise RuntimeError("The demo's vagrant-relief re-run is missing: load the demo tenders first.")
    lot = rerun.lots[0]
    texts = {
        "服务方案": "以火车站、汽车站片区为重点，每周开展三次街面巡查；对受助人员建立个案档案，通过公安寻亲平台、"
                    "网络寻亲和家庭走访开展寻亲，护送返乡后30天内回访，防止再次流浪。",
        "团队与专业资质": "项目主管1名（社工师），助理社工师2名，专职巡查员2名，志愿者36名；全员购买意外险。",
        "以往业绩": "2026年承接救助站火车站片区流浪未成年人街面救助护送试点，发现并护送返家38人次，评价优秀。",
    }
    proposals = {str(criterion.id): next((text for key, text in texts.items() if criterion.name.startswith(key)),
                                         "按照项目要求组建专职团队，建立个案档案，每月评估服务成效。")
                 for criterion in rerun.criteria}
    data = bidding.BidInput(
        unit_price=Decimal("236000.00"), proposals=proposals,
        team="项目主管1名（社工师），助理社工师2名，专职巡查员2名，志愿者36名",
        implementation_plan="第一个月与救助站对接流程、完成人员培训；第二个月起常态化街面巡查与寻亲护送；"
                            "每季度向救助站提交服务报告，年末第三方评估。")
    draft = bidding.save(lot, party, data, by=user)
    bidding.submit(lot, party, data, by=user, expected_version=draft.version)


def _market_ready(seed: _Seeder) -> Enrolment:
    """A volunteer family-tracing team registered during the programme; it waits only for an evaluation grade."""
    enrolment = seed.new_group(
        "金台区归途寻亲志愿队", "Guitu Family-Tracing Volunteers, Jintai", "610303", 290,
        "由退休民警和热心市民组成的志愿团队，已协助救助站为20余名受助人员找到家人；无登记、无专职人员，"
        "经费靠成员自筹。寻亲经验难得，适合培育为救助寻亲专业机构。", "郭建国", "0917-3358210")
    party = enrolment.party
    seed.profile(party, 290, address="陕西省宝鸡市金台区东风路街道行政中心三楼", headcount=6, volunteers=30,
                 mission="帮走失的人回家，帮找人的家庭团圆。",
                 mission_en="Helping the lost get home and families find their own.")
    registry.set_service_areas(party, ["610303"])
    registry.save_capability(party, CapabilityInput(
        "relief.family_tracing",
        "协助救助站对身份不明的受助人员开展寻亲：比对公安寻亲平台信息、发布网络寻亲启事、方言辨识和实地走访，"
        "找到家人后协助办理返乡手续并护送。",
        "Tracing the families of unidentified people in the relief station's care: police platform searches, "
        "online notices, dialect identification and field visits, then the formalities and escort home.",
        "救助站受助人员、走失老人和智障人员", years=3, projects=2, beneficiaries=24))
    seed.support(enrolment, SupportKind.SPACE, 285, "孵化基地B区1个办公工位（12个月）", 3000)
    seed.session(enrolment, seed.staff, 285, "入驻评估与登记路径",
                 "团队寻亲经验丰富，但没有章程和理事会。约定先成立理事会、确定机构名称，再向金台区民政局申请登记。",
                 [("起草章程并召开成立大会", "郭建国", 270, 276)])
    seed.tick(enrolment, 275, "charter_board", "章程经成立大会通过，理事会5人")
    seed.move(enrolment, Stage.REGISTERING, 272, "章程和理事会到位，开始准备登记材料")
    seed.session(enrolment, seed.mentor, 230, "登记申请材料与业务主管单位",
                 "逐项检查了登记申请表、章程、验资证明和场所证明。提醒业务范围写清“救助寻亲”，与救助站的合作写入发展规划。",
                 [("向金台区民政局提交登记申请", "郭建国", 220, 221)])
    seed.register(enrolment, 210, "宝鸡市金台区归途寻亲服务中心", "Guitu Family-Tracing Service Centre, Jintai, Baoji",
                  "宝鸡市金台区民政局", "陕宝金民证字第0327号")
    seed.tick(enrolment, 200, "bank_bookkeeping", "开立基本户，委托代理记账，建立财务制度")
    seed.move(enrolment, Stage.BUILDING_CAPACITY, 195, "登记完成，进入能力建设")
    seed.support(enrolment, SupportKind.EQUIPMENT, 195, "寻亲信息登记用电脑2台、打印机1台", 9800)
    seed.support(enrolment, SupportKind.TRAINING, 150, "社会救助政策与个案管理培训（3人）", 3000)
    seed.session(enrolment, seed.mentor, 150, "寻亲个案管理与隐私保护",
                 "寻亲过程中受助人员照片、身份信息的发布要经救助站同意，网络启事不得公开精神状况等敏感信息。"
                 "建议建立个案编号和信息脱敏规范。",
                 [("制定受助人员信息保护规范", "项目主管", 135, 133)])
    seed.profile(party, 160, full_time_staff=3)
    seed.tick(enrolment, 160, "trained_staff", "专职人员3名，完成救助政策与个案管理培训")
    seed.profile(party, 140, social_workers_assistant=1)
    seed.tick(enrolment, 140, "social_worker", "1名专职人员取得助理社会工作师证书")
    seed.move(enrolment, Stage.PILOT_DELIVERY, 135, "与救助站合作开展寻亲返乡试点")
    seed.support(enrolment, SupportKind.SEED_FUNDING, 130, "救助寻亲试点种子资金", 25000)
    registry.set_service_areas(party, ["610300"])  # the pilot took it across the city
    seed.tick(enrolment, 60, "first_pilot", "试点4个月，为17名受助人员找到家人，其中11人护送返乡")
    seed.credential(party, CredentialType.INSURANCE, "PZHB2026610300052", "中国人民财产保险宝鸡市分公司", 52, 1)
    seed.tick(enrolment, 50, "insurance", "公众责任险及志愿者意外险")
    seed.move(enrolment, Stage.MARKET_READY, 45, "试点成效明显，可参与救助类项目投标")
    seed.session(enrolment, seed.staff, 38, "等级评估与首次投标准备",
                 "机构登记未满两年，暂不能申请等级评估。救助站刚发布的流浪乞讨人员救助寻亲项目不设等级门槛，"
                 "但机构业绩尚少、仍在培育期，这次先研究招标文件，练习编写响应文件，为下一次投标做准备。",
                 [("整理试点案例，形成寻亲服务手册", "郭建国", 10, 12),
                  ("关注救助类项目采购公告，准备首次投标", "郭建国", -20, None)])
    return enrolment


def _pilot(seed: _Seeder) -> Enrolment:
    """A group for children in difficulty, registered during the programme, running its first pilot."""
    enrolment = seed.new_group(
        "渭滨区护苗困境儿童关爱志愿队", "Humiao Volunteers for Children in Difficulty, Weibin", "610302", 295,
        "由社区儿童主任和退休教师发起，定期探访辖区困境儿童家庭；骨干5人，无登记、无专职人员，"
        "儿童保护意识强但缺乏规范的个案工作方法。", "黄丽娟", "0917-3277065")
    party = enrolment.party
    seed.profile(party, 295, address="陕西省宝鸡市渭滨区清姜路街道社区服务中心", headcount=5, volunteers=25,
                 mission="让每个困境儿童身边都有一个靠得住的大人。",
                 mission_en="A reliable adult beside every child in difficulty.")
    registry.set_service_areas(party, ["610302"])
    registry.save_capability(party, CapabilityInput(
        "minors.protection",
        "协助社区儿童主任对困境儿童家庭开展定期探访、监护状况评估和个案跟进，为儿童提供学业陪伴和心理支持，"
        "发现侵害线索及时报告。",
        "Regular visits to the families of children in difficulty with the community children's officers, "
        "guardianship assessments and case follow-up, homework help and emotional support, and reporting of abuse.",
        "困境儿童、留守儿童", years=2, projects=1, beneficiaries=35))
    seed.support(enrolment, SupportKind.SPACE, 290, "孵化基地B区1个办公工位（12个月）", 3000)
    seed.session(enrolment, seed.staff, 290, "入驻评估与团队分工",
                 "明确了发起人、财务和志愿者协调三个角色。困境儿童个案信息目前散落在微信群里，需要尽快建立档案。",
                 [("建立困境儿童个案档案（纸质加电子）", "黄丽娟", 275, 271)])
    seed.tick(enrolment, 270, "charter_board", "章程通过，理事会5人，监事1人")
    seed.move(enrolment, Stage.REGISTERING, 265, "开始准备登记材料")
    seed.support(enrolment, SupportKind.TRAINING, 235, "儿童保护政策与个案工作方法培训（4人）", 3500)
    seed.session(enrolment, seed.mentor, 240, "儿童保护工作规范",
                 "讲解了强制报告制度和儿童保护政策的要点。志愿者与儿童单独相处、拍照发布都要有规范。",
                 [("起草机构儿童保护政策", "黄丽娟", 210, 212)])
    seed.register(enrolment, 190, "宝鸡市渭滨区护苗儿童关爱服务中心",
                  "Humiao Child Care Service Centre, Weibin, Baoji", "宝鸡市渭滨区民政局", "陕宝渭民证字第0702号")
    seed.tick(enrolment, 180, "bank_bookkeeping", "开立基本户，兼职会计1名，按民非会计制度记账")
    seed.move(enrolment, Stage.BUILDING_CAPACITY, 175, "登记完成")
    seed.session(enrolment, seed.staff, 160, "财务规范与项目预算",
                 "检查了前三个月的账目：票据基本齐全，但项目支出和行政支出未分开核算。示范了项目预算表的编制。",
                 [("按项目设立明细科目，补做前三个月分类账", "兼职会计", 140, 138)])
    seed.profile(party, 120, full_time_staff=2)
    seed.tick(enrolment, 120, "trained_staff", "专职人员2名")
    seed.profile(party, 100, social_workers_assistant=1)
    seed.tick(enrolment, 100, "social_worker", "1名专职人员取得助理社会工作师证书")
    registry.set_service_areas(party, ["610302", "610303"])
    seed.move(enrolment, Stage.PILOT_DELIVERY, 95, "启动渭滨区、金台区困境儿童个案管理试点")
    seed.support(enrolment, SupportKind.SEED_FUNDING, 95, "困境儿童个案管理试点种子资金", 20000)
    seed.session(enrolment, seed.mentor, 90, "试点设计与成效评估",
                 "试点覆盖两个区30名困境儿童。建议用监护评估量表做前后测，试点结束时形成评估报告，作为投标业绩。",
                 [("完成30名儿童的基线评估", "项目主管", 60, 58), ("为志愿者和服务对象购买意外险", "黄丽娟", 5, None),
                  ("完成试点中期评估报告", "项目主管", -20, None)])
    return enrolment


def _building(seed: _Seeder) -> Enrolment:
    """An after-school volunteer team from the registry, registered during the programme."""
    party = _registry_group("陈仓区虢镇四点半课堂志愿团队")
    enrolment = seed.enrol(party, 280, "社区四点半课堂已运行两年，每天约30名儿童，家长认可度高；全靠志愿者，"
                                       "无登记、无专职人员，经费来自街道微创投。希望登记后承接困境儿童课后关爱项目。")
    seed.session(enrolment, seed.staff, 275, "入驻评估与发展方向",
                 "四点半课堂服务稳定，可从课后托管延伸到困境儿童的学业和成长陪伴。先完成章程和理事会。",
                 [("召开志愿者大会讨论章程草案", "蒋敏", 250, 245)])
    seed.tick(enrolment, 240, "charter_board", "章程通过，理事会3人")
    seed.move(enrolment, Stage.REGISTERING, 235, "准备向陈仓区民政局申请登记")
    seed.session(enrolment, seed.mentor, 200, "登记材料与业务范围",
                 "业务范围建议写“儿童课后托管、成长陪伴、困境儿童关爱”，为以后承接困境儿童项目留出空间。",
                 [("补齐活动场所使用证明", "蒋敏", 185, 180)])
    seed.register(enrolment, 150, "宝鸡市陈仓区虢镇四点半儿童成长服务中心",
                  "Guozhen Half-Past-Four Children's Centre, Chencang, Baoji", "宝鸡市陈仓区民政局",
                  "陕宝陈民证字第0418号")
    seed.tick(enrolment, 135, "bank_bookkeeping", "开立基本户，委托代理记账")
    seed.move(enrolment, Stage.BUILDING_CAPACITY, 130, "登记完成，进入能力建设")
    seed.support(enrolment, SupportKind.EQUIPMENT, 130, "儿童图书角书架与图书300册", 5600)
    seed.support(enrolment, SupportKind.TRAINING, 125, "社会组织财务规范化培训（2人）", 2000)
    seed.session(enrolment, seed.staff, 120, "记账规范与年度检查",
                 "讲解了年度检查要求和捐赠票据管理。目前唯一的助理社工师是兼职志愿者，需要培养一名专职人员持证。",
                 [("建立志愿者服务时长登记台账", "蒋敏", 100, 96)])
    seed.profile(party, 60, full_time_staff=1)
    seed.tick(enrolment, 60, "trained_staff", "招聘专职人员1名，完成岗前培训")
    seed.session(enrolment, seed.mentor, 55, "课后托管安全管理与服务设计",
                 "重点讨论了接送签到、食品安全和意外处置预案。建议为困境儿童单独建立成长档案，为试点做准备。",
                 [("专职人员报名社会工作者职业资格考试", "专职人员", -60, None),
                  ("制定接送签到和意外处置预案", "蒋敏", 30, 33)])
    return enrolment


def _registering(seed: _Seeder) -> Enrolment:
    """A mountain volunteer team for left-behind children from the registry, preparing its registration."""
    party = _registry_group("麟游县九成宫山区志愿服务队")
    enrolment = seed.enrol(party, 80, "镇上教师和返乡青年组成的志愿队，周末到偏远村组为留守儿童辅导功课；"
                                      "已在镇政府备案，财务由县孵化点代管。山区留守儿童服务几乎空白，值得重点扶持。")
    seed.session(enrolment, seed.staff, 78, "入驻评估与登记准备",
                 "团队有热情、有本地信任，但成员都是兼职。登记需要章程、理事会和固定场所，镇政府愿意提供场所。",
                 [("召开成员大会通过章程，选出理事会", "邓立新", 55, 50)])
    seed.support(enrolment, SupportKind.TRAINING, 60, "章程与理事会制度工作坊（线上加实地）", 1500)
    seed.tick(enrolment, 50, "charter_board", "章程通过，理事会3人")
    seed.move(enrolment, Stage.REGISTERING, 45, "准备向麟游县民政局申请登记")
    seed.support(enrolment, SupportKind.EQUIPMENT, 45, "便携投影仪和音响（山区流动课堂用）", 3000)
    seed.session(enrolment, seed.mentor, 40, "实地督导：登记材料与山区服务模式",
                 "随队到两个村组实地了解服务。登记材料中场所证明和验资证明尚缺；建议把“流动课堂”做成固定的服务模式。",
                 [("向麟游县民政局提交登记申请材料", "邓立新", 7, None),
                  ("取得镇政府出具的场所使用证明", "邓立新", 25, 27)])
    return enrolment


def _grassroots(seed: _Seeder, volunteers: Party) -> Enrolment:
    """The neighbourhood volunteers the incubator already runs (demo.py), just enrolled."""
    if db.session.get(OrganisationProfile, volunteers.id) is None:
        seed.profile(volunteers, 40, legal_form=LegalForm.UNREGISTERED, home_region="610302",
                     address="陕西省宝鸡市渭滨区桥南街道姜谭路社区服务站", contact_name="魏亚军",
                     contact_phone="0917-3283946", headcount=4, volunteers=85,
                     mission="邻里守望、互帮互助，把社区里的热心人组织起来照顾身边的老人和孩子。",
                     mission_en="Neighbours looking out for each other, caring for the older people and children "
                                "next door.")
        registry.set_service_areas(volunteers, ["610302"])
    enrolment = seed.enrol(volunteers, 35, "社区志愿队，85名志愿者，以照顾独居老人为主；近期发现小区里有几户"
                                           "困境儿童家庭无人照看，希望把探访延伸到儿童。尚无章程和固定骨干分工。")
    seed.session(enrolment, seed.staff, 33, "入驻评估：从邻里互助到困境儿童探访",
                 "志愿者多、热情高，但活动随意性大。先明确骨干和分工，再考虑章程；儿童探访要先学习儿童保护的基本规范。",
                 [("确定3名骨干并明确分工", "魏亚军", 20, 18)])
    seed.support(enrolment, SupportKind.TRAINING, 20, "志愿者儿童保护基础培训（1天）", 800)
    seed.session(enrolment, seed.staff, 10, "章程草案与探访计划",
                 "参考孵化基地的章程范本讨论了宗旨和业务范围；探访计划先覆盖姜谭路社区6户困境儿童家庭。",
                 [("起草章程草案", "魏亚军", -14, None), ("完成6户困境儿童家庭首次探访", "志愿者骨干", -21, None)])
    return enrolment


def _withdrawn(seed: _Seeder) -> Enrolment:
    """A women's mutual-aid group from the registry that left the programme."""
    party = _registry_group("眉县首善街道妇女互助会")
    enrolment = seed.enrol(party, 270, "社区妇女互助会，组织家庭教育读书会和亲子活动；成员多为留守妇女，"
                                       "时间不固定。有意在家庭教育方向开展留守儿童服务。")
    seed.session(enrolment, seed.staff, 265, "入驻评估与服务方向",
                 "家庭教育活动口碑好，但成员农忙季节难以保证时间。先试着固定每月两次活动，再看是否具备登记条件。",
                 [("制定上半年活动计划", "夏杰", 250, 248)])
    seed.support(enrolment, SupportKind.TRAINING, 250, "家庭教育指导师入门培训（2人）", 1200)
    seed.session(enrolment, seed.mentor, 200, "留守儿童家庭教育服务设计",
                 "讨论了以“妈妈课堂”带动留守儿童家庭的方案。成员表示猕猴桃季节后核心成员将外出务工，登记暂难推进。",
                 [("与成员商议是否继续参加培育", "夏杰", 185, 183)])
    seed.move(enrolment, Stage.WITHDRAWN, 180, "核心成员外出务工，团队决定暂以社区互助会形式活动，不再推进登记，"
                                               "退出本期培育；孵化基地保持联系。")
    return enrolment


def _registry_group(name: str) -> Party:
    party = db.session.scalar(select(Party).where(Party.kind == PartyKind.ORGANISATION, Party.name == name)
                              .order_by(Party.id))
    if party is None:
        raise RuntimeError(f"The demo organisation {name} is missing: load the demo organisations first.")
    return party


def load_demo_incubation(incubator: Party, volunteers: Party) -> list[tuple[str, str]]:
    """The Baoji incubator's programme; returns (login, what it is) lines for the demo's list."""
    staff = next(m.user for m in incubator.memberships if m.role == MemberRole.ADMIN)
    admin = accounts.find_user_by_email("admin@demo.example")
    seed = _Seeder(incubator, staff, _mentor(incubator, staff), admin)
    _programme(seed)
    _graduate(seed)
    _market_ready(seed)
    _pilot(seed)
    _building(seed)
    _registering(seed)
    _grassroots(seed, volunteers)
    _withdrawn(seed)
    db.session.flush()
    for enrolment in seed.programme.enrolments:
        db.session.expire(enrolment)  # snapshots were added by id; reload the relationships
    return [(MENTOR_EMAIL, f"incubator mentor: {incubator.name_en}"),
            (GRADUATE_EMAIL, "organisation admin: Huhang Street Children Relief (incubation graduate, has bid)"),
            ("(1 programme)", "incubation: groups at every stage, mentoring, support ledger, emerging candidates")]
