"""The matcher's walkthrough in Chromium: a draft whose rules leave one provider gets a high-risk forecast,
the agency applies a remedy, publishes, reads the explained shortlist and invites the top five; the same
shortlist in Chinese (see conftest.py for the fixtures)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import InvitationStatus, PartyKind, PartyStatus, TenderInvitation
from tests import factories
from tests.functional.test_shortlists import draft

pytestmark = pytest.mark.browser

BEST = "宝鸡颐养院"  # the only 4A provider
OTHERS = [f"宝鸡养老服务中心{serial}" for serial in range(1, 6)]  # 3A
OUTSIDE = "上海静安养老服务中心"  # right service, but works in Shanghai
LOW_GRADE = "宝鸡二级养老机构"  # right service and city, grade 2A
REASON = re.compile(r"^(Relevance|Category fit|Proximity|Experience|Past performance|Capacity|Price fit|Responsiveness)"
                    r" \d\.\d\d$")


def baoji_market() -> None:
    """Six Baoji short-stay care providers (one 4A, five 3A) and two that miss one rule each."""
    factories.organisation(BEST, areas=("610300",), grade="4A", serial=100)
    for serial, name in enumerate(OTHERS, start=101):
        factories.organisation(name, areas=("610300",), grade="3A", serial=serial)
    factories.organisation(OUTSIDE, home_region="310106", areas=("310106",), grade="3A", serial=150)
    factories.organisation(LOW_GRADE, areas=("610300",), grade="2A", serial=151)


def forecast_card(page: Page):
    return page.locator(".card").filter(has=page.get_by_role("heading", name=re.compile(r"^Lot 1:")))


def test_forecast_remedy_publish_shortlist_and_invitations(new_page, live_server, run_jobs):
    baoji_market()
    # No saved language, so each browser's Accept-Language chooses (the factory's default is "en").
    user, agency = factories.party_admin(PartyKind.AGENCY, PartyStatus.APPROVED, name="Zhao Min", locale=None)
    tender = draft(user, agency, min_grade="4A")
    db.session.commit()

    # The draft's forecast: only the 4A provider is eligible; accepting 3A adds the other five.
    page = new_page(user)
    page.goto(f"/tenders/{tender.id}/manage")
    expect(page.get_by_role("heading", level=2, name="Competition forecast")).to_be_visible()
    card = forecast_card(page)
    expect(card).to_contain_text("High risk of too little competition")
    expect(card).to_contain_text("1 organisation(s) eligible")
    remedy = card.get_by_role("listitem").filter(has_text="accept grade 3A")
    expect(remedy).to_contain_text("accept grade 3A: +5")
    remedy.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("alert")).to_contain_text("Remedy applied: 5 more organisation(s) eligible.")
    card = forecast_card(page)
    expect(card).to_contain_text("6 organisation(s) eligible")
    expect(card).to_contain_text("Low risk")
    expect(card).not_to_contain_text("High risk")
    db.session.expire_all()
    assert tender.lots[0].min_grade == "3A"

    # Publish from the manage page; the ranking job runs.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open for bids")
    run_jobs()

    # The shortlist: six ranked providers with the reasons behind each score, the near-eligible apart.
    page.goto(f"/tenders/{tender.id}/shortlist")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Shortlist: {tender.title}")
    rows = page.locator("table.shortlist tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.filter(has_text="宝鸡")).to_have_count(6)
    for index in range(6):
        expect(rows.nth(index).locator("td").nth(1)).to_have_text(str(index + 1))
        expect(rows.nth(index).locator("td").nth(3)).to_have_text(re.compile(r"^0\.\d\d$"))  # the score
        reasons = rows.nth(index).locator("td").nth(4).locator(".badge")  # its four largest components
        expect(reasons).to_have_count(4)
        for badge in range(4):
            expect(reasons.nth(badge)).to_have_text(REASON)
        expect(reasons.filter(has_text="Category fit")).to_have_text("Category fit 1.00")
    expect(page.locator("table.shortlist")).not_to_contain_text(OUTSIDE)
    expect(page.locator("table.shortlist")).not_to_contain_text(LOW_GRADE)
    near_heading = page.get_by_role("heading", level=3, name="Near-eligible (one rule unmet)")
    expect(near_heading).to_be_visible()
    near = page.locator("h3 + ul")
    expect(near.get_by_role("listitem").filter(has_text=LOW_GRADE)).to_contain_text(
        "grade 2A, tender requires 3A")
    expect(near.get_by_role("listitem").filter(has_text=OUTSIDE)).to_be_visible()
    scores = [float(rows.nth(index).locator("td").nth(3).inner_text()) for index in range(6)]
    assert scores == sorted(scores, reverse=True)
    top_five = [rows.nth(index).get_by_role("link").inner_text() for index in range(5)]

    # Invite the top five of the lot.
    page.get_by_label("Invite the top").fill("5")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Invitations sent.")
    for index in range(6):
        expect(rows.nth(index).locator("td").last).to_have_text("Sent" if index < 5 else "")
    invitations = db.session.scalars(select(TenderInvitation).where(TenderInvitation.tender_id == tender.id)).all()
    assert len(invitations) == 5
    assert all(invitation.status == InvitationStatus.SENT for invitation in invitations)
    assert sorted(invitation.party.name for invitation in invitations) == sorted(top_five)

    # The same shortlist for a Chinese browser, signed in with the same session.
    chinese = new_page(locale="zh-CN")
    chinese.context.add_cookies(page.context.cookies())
    chinese.goto(f"/tenders/{tender.id}/shortlist")
    expect(chinese.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(chinese.get_by_role("heading", level=1)).to_contain_text(f"候选名单: {tender.title}")
    expect(chinese.get_by_role("heading", level=2)).to_contain_text("第1包")
    expect(chinese.get_by_role("heading", level=3, name="接近符合资格（仅一项条件未满足）")).to_be_visible()
    expect(chinese.get_by_role("columnheader", name="排序依据")).to_be_visible()
    expect(chinese.locator("table.shortlist")).to_contain_text("类别匹配")
    expect(chinese.locator("table.shortlist")).to_contain_text("地理邻近")
    expect(chinese.locator("table.shortlist")).to_contain_text("已发送")
    expect(chinese.get_by_text("评估等级为2A，项目要求3A")).to_be_visible()
