"""End-to-end journeys through the real UI in Chromium (see conftest.py for the fixtures)."""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.error import HTTPError

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import MailStatus, OutboxMessage
from tests import factories

pytestmark = pytest.mark.browser

BRAND = "Social Service Marketplace"


def api_get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the live server)
            return response.status, json.load(response)
    except HTTPError as error:
        with error:
            return error.code, json.load(error)


def open_admin_menu(page, item: str) -> None:
    page.wait_for_load_state("load")  # the dropdown needs Bootstrap's script, which loads last
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name=item).click()


def test_log_in_and_log_out(new_page, live_server):
    user = factories.UserFactory(name="Ada Lovelace")
    page = new_page(user)  # logs in through the form and checks "Welcome, Ada Lovelace"

    page.get_by_role("button", name="Ada Lovelace", exact=True).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("alert")).to_contain_text("You have logged out.")
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in", exact=True)).to_be_visible()

    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdashboard$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_language_switch(new_page):
    with force_locale("zh_Hans"):
        chinese_brand = gettext(BRAND)
    page = new_page()
    page.goto("/")
    html, brand = page.locator("html"), page.locator(".navbar-brand")
    expect(html).to_have_attribute("lang", "en")
    expect(brand).to_have_text(BRAND)

    page.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-current", "true")
    if chinese_brand != BRAND:  # the zh_Hans catalogue translates it
        expect(brand).to_have_text(chinese_brand)

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(brand).to_have_text(BRAND)

    chinese_browser = new_page(locale="zh-CN")
    chinese_browser.goto("/")
    expect(chinese_browser.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_invitation_to_new_member(new_page, live_server, run_jobs):
    admin, party = factories.party_admin()
    page = new_page(admin)
    page.get_by_role("navigation").get_by_role("link", name=party.name_en).click()
    page.get_by_role("link", name="Members").click()  # an organisation's nav link opens its profile
    expect(page.get_by_role("heading", name="Invite a member")).to_be_visible()

    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to newcomer@example.org.")
    expect(page.get_by_role("heading", name="Open invitations")).to_be_visible()
    invitation_row = page.get_by_role("row").filter(has_text="newcomer@example.org")
    expect(invitation_row.get_by_role("button", name="Withdraw")).to_be_visible()

    run_jobs()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "newcomer@example.org")).one()
    assert message.status == MailStatus.KEPT
    link = re.search(r"http://localhost/\S+", message.body).group(0)

    guest = new_page()
    guest.goto(link.replace("http://localhost", live_server, 1))
    expect(guest.get_by_role("heading", name=f"Join {party.name_en}")).to_be_visible()
    guest.get_by_label("Your name").fill("Nora Newcomer")
    guest.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    guest.get_by_label("Repeat the password").fill(factories.PASSWORD)
    guest.get_by_role("button", name="Create account and join").click()

    expect(guest).to_have_url(f"{live_server}/parties/{party.id}")
    expect(guest.get_by_role("alert")).to_contain_text(f"You have joined {party.name}.")
    member_row = guest.get_by_role("row").filter(has_text="newcomer@example.org")
    expect(member_row).to_contain_text("Nora Newcomer")
    expect(member_row).to_contain_text("Member")


def test_agency_approval(new_page):
    name, name_en = "示范区民政局", "Model District Civil Affairs Bureau"
    applicant = new_page()
    applicant.goto("/signup")
    applicant.get_by_label("Your name").fill("Wang Fang")
    applicant.get_by_label("E-mail address").fill("wang.fang@example.gov.cn")
    applicant.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    applicant.get_by_label("Repeat the password").fill(factories.PASSWORD)
    applicant.get_by_label("A government agency that buys services (needs approval)").check()
    applicant.get_by_label("Name of the body (in Chinese)").fill(name)
    applicant.get_by_label("Name of the body in English (optional)").fill(name_en)
    applicant.get_by_role("button", name="Create account").click()

    expect(applicant.get_by_role("heading", name="Welcome, Wang Fang")).to_be_visible()
    card = applicant.locator(".card").filter(has_text=name_en)
    expect(card.get_by_text("Awaiting approval")).to_be_visible()

    admin = new_page(factories.admin_user())
    open_admin_menu(admin, "Approvals")
    application = admin.locator(".card").filter(has_text=name)
    expect(application).to_contain_text("wang.fang@example.gov.cn")
    application.get_by_role("button", name="Approve").click()
    expect(admin.get_by_role("alert")).to_contain_text(f"{name} approved.")
    expect(admin.get_by_text("Nothing to review")).to_be_visible()

    applicant.reload()
    expect(card.get_by_text("Approved", exact=True)).to_be_visible()
    expect(card.get_by_text("Awaiting approval")).to_have_count(0)


def test_api_token_create_use_revoke(new_page, live_server):
    user = factories.UserFactory()
    page = new_page(user)
    page.get_by_role("button", name=user.name, exact=True).click()
    page.get_by_role("link", name="API tokens").click()

    page.get_by_label("Token name").fill("sync")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("ssm_")

    status, body = api_get(f"{live_server}/api/v1/me", token)
    assert status == 200
    assert body["email"] == user.email

    page.get_by_role("row").filter(has_text="sync").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("alert")).to_contain_text("Token revoked.")
    expect(page.locator("#new-token")).to_have_count(0)
    status, body = api_get(f"{live_server}/api/v1/me", token)
    assert status == 401
    assert body["error"]["status"] == 401


def test_audit_verification_job_status(new_page, run_jobs):
    page = new_page(factories.admin_user())
    open_admin_menu(page, "Audit log")
    page.get_by_role("button", name="Verify the chain now").click()

    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Verify the audit chain")
    expect(heading).to_contain_text("Queued")

    run_jobs()
    page.reload()
    expect(heading).to_contain_text("Finished")
    expect(page.locator("#job-result")).to_contain_text("Audit chain intact")
