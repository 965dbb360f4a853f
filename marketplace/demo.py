"""The demo: real-sounding parties from the field (Baoji, Shanghai) and one user per role."""

from __future__ import annotations

from marketplace.accounts import parties, services
from marketplace.demo_incubation import load_demo_incubation
from marketplace.demo_organisations import load_demo_organisations
from marketplace.demo_tenders import load_demo_tenders
from marketplace.extensions import db
from marketplace.models import MemberRole, PartyKind, PlatformRole

# Demo parties whose registry profile comes from demo_data/organisations.json.
ORGANISATION_DATA_KEYS = {"sunshine": "baoji-sunshine-children", "homecare": "baoji-kangle-homecare",
                          "jiaxin": "shanghai-jiaxin-social-work"}
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (documented demo password)

# (email, name, locale, platform role, party key, party role)
DEMO_USERS = [
    ("admin@demo.example", "平台管理员 Platform Admin", "zh_Hans", PlatformRole.ADMIN, None, None),
    ("expert@demo.example", "李评审 Li Ping (expert)", "zh_Hans", PlatformRole.EXPERT, None, None),
    ("station@demo.example", "王站长 Wang Jun (Baoji relief station)", "zh_Hans", None, "baoji", MemberRole.ADMIN),
    ("caseworker@demo.example", "赵敏 Zhao Min (relief station)", "zh_Hans", None, "baoji", MemberRole.MEMBER),
    ("dpf@demo.example", "陈芳 Chen Fang (Jiading DPF)", "en", None, "jiading", MemberRole.ADMIN),
    ("incubator@demo.example", "刘洋 Liu Yang (incubator)", "zh_Hans", None, "incubator", MemberRole.ADMIN),
    ("ngo@demo.example", "张蕾 Zhang Lei (Sunshine child protection)", "zh_Hans", None, "sunshine",
     MemberRole.ADMIN),
    ("homecare@demo.example", "孙丽 Sun Li (home-care centre)", "zh_Hans", None, "homecare", MemberRole.ADMIN),
    ("jiaxin@demo.example", "周杰 Zhou Jie (Jiaxin social work)", "en", None, "jiaxin", MemberRole.ADMIN),
    ("pending-agency@demo.example", "吴涛 Wu Tao (awaiting approval)", "zh_Hans", None, "fengxiang",
     MemberRole.ADMIN),
]

# key: (kind, Chinese name, English name, approved by the platform?)
DEMO_PARTIES = {
    "baoji": (PartyKind.AGENCY, "宝鸡市救助管理站", "Baoji Municipal Relief Station", True),
    "jiading": (PartyKind.AGENCY, "上海市嘉定区残疾人联合会",
                "Jiading District Disabled Persons' Federation, Shanghai", True),
    "fengxiang": (PartyKind.AGENCY, "凤翔区民政局", "Fengxiang District Civil Affairs Bureau", False),
    "incubator": (PartyKind.INCUBATOR, "宝鸡市社会组织孵化基地", "Baoji Social Organisation Incubation Centre", True),
    "sunshine": (PartyKind.ORGANISATION, "宝鸡市阳光儿童保护中心", "Baoji Sunshine Child Protection Centre", True),
    "homecare": (PartyKind.ORGANISATION, "宝鸡市金台区康乐居家养老服务中心",
                 "Kangle Home-Care Centre for the Elderly, Jintai, Baoji", True),
    "jiaxin": (PartyKind.ORGANISATION, "上海嘉馨社会工作服务社", "Shanghai Jiaxin Social Work Services", True),
    "volunteers": (PartyKind.ORGANISATION, "渭滨区邻里互助志愿队", "Weibin Neighbourhood Mutual-Aid Volunteers",
                   True),
}


def load_demo() -> list[tuple[str, str]]:
    """Create the demo accounts and parties; returns (email, role) of what was created."""
    if services.find_user_by_email(DEMO_USERS[0][0]) is not None:
        return []
    admin = None
    created_parties = {}
    created: list[tuple[str, str]] = []
    for email, name, locale, platform_role, party_key, party_role in DEMO_USERS:
        user = services.create_user(email, name, DEMO_PASSWORD, locale)
        if platform_role is not None:
            services.grant_role(user, platform_role, granted_by=admin)
            admin = admin or user
            created.append((email, f"platform {platform_role.value}"))
            continue
        if party_key not in created_parties:
            kind, name_zh, name_en, approved = DEMO_PARTIES[party_key]
            party = parties.create_party(kind, name_zh, name_en, creator=user)
            if approved and party.status.value == "pending":
                parties.decide_party(party, approve=True, reason=None, by=admin)
            created_parties[party_key] = party
        else:
            party = created_parties[party_key]
            invitation = parties.invite_member(party, email, party_role, by=party.memberships[0].user)
            parties.accept_invitation(invitation, user)
        created.append((email, f"{party.kind.value} {party_role.value}: {party.name_en}"))
    # An organisation with no account of its own yet (a grassroots group run by the incubator).
    kind, name_zh, name_en, _approved = DEMO_PARTIES["volunteers"]
    incubator_admin = created_parties["incubator"].memberships[0].user
    volunteers = parties.create_party(kind, name_zh, name_en, creator=incubator_admin)
    db.session.flush()
    created.append(("(incubator staff)", f"organisation admin: {volunteers.name_en}"))
    existing = {data_key: created_parties[party_key] for party_key, data_key in ORGANISATION_DATA_KEYS.items()}
    count = load_demo_organisations({**existing, "baoji-weibin-neighbourhood-volunteers": volunteers})
    created.append((f"({count} organisations)", "registry profiles around Baoji and in Shanghai"))
    users = {email: services.find_user_by_email(email) for email in ("station@demo.example", "dpf@demo.example")}
    tenders = load_demo_tenders(created_parties["baoji"], created_parties["jiading"], users["station@demo.example"],
                                users["dpf@demo.example"])
    created.append((f"({tenders} tenders)", "in every state: draft, open, scoring, award notice, awarded, "
                                            "failed and re-run, cancelled"))
    created.extend(load_demo_incubation(created_parties["incubator"], volunteers))
    return created
