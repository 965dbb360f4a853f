"""The provider registry in Chromium: profile form with the region picker, service areas, credentials and
their verification, the public directory, and the Chinese UI (see conftest.py for the fixtures)."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from marketplace.organisations import credit_code
from tests import factories

pytestmark = pytest.mark.browser

PHONE = "0917-1234567"  # the contact phone of factories.organisation()


def pick_region(page: Page, *names: str) -> None:
    """Choose province, city (and county) in the cascading picker; each select fills in once its parent is
    chosen, and select_option waits for the option to arrive."""
    for level, name in zip(("Province", "City", "County / district"), names, strict=False):
        page.get_by_role("combobox", name=level, exact=True).select_option(label=name)


def open_own_organisation(page: Page, party) -> None:
    """From the dashboard (where log_in lands), through the nav link to the organisation's own profile."""
    page.get_by_role("navigation").get_by_role("link", name=party.display_name("en"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=party.display_name("en"))).to_be_visible()


def test_profile_form_with_region_picker(new_page, live_server):
    user, party = factories.party_admin(name="Li Na")
    code = credit_code.make("social_service_institution", "610302", 4242)
    page = new_page(user)

    card = page.locator(".card").filter(has_text=party.name_en)
    expect(card).to_contain_text("Profile completeness: ")
    card.get_by_role("link", name="Edit profile").click()
    expect(page).to_have_url(f"{live_server}/organisations/{party.id}/edit")
    expect(page.get_by_role("link", name="Profile", exact=True)).to_have_attribute("aria-current", "page")

    page.get_by_label("Name (Chinese)").fill("宝鸡市渭滨区阳光社会工作服务中心")
    page.get_by_label("Name in English (optional)").fill("Sunshine Social Work Centre")
    page.get_by_label("Legal form").select_option(label="Social service institution (社会服务机构)")
    page.get_by_label("Unified social credit code").fill(code)
    page.get_by_label("Registration date").fill("2016-05-20")

    home_region = page.get_by_label("Home region (division code)")
    expect(home_region).to_have_value("")
    pick_region(page, "Shaanxi Province", "Baoji City", "Weibin District")
    expect(home_region).to_have_value("610302")  # the picker writes the deepest chosen code

    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(f"{live_server}/organisations/{party.id}")
    expect(page.get_by_role("alert")).to_contain_text("Profile saved.")
    expect(page.get_by_role("heading", level=1, name="Sunshine Social Work Centre")).to_be_visible()
    meter = page.get_by_role("progressbar", name="Profile completeness")
    expect(meter).to_be_visible()
    expect(page.locator("#completeness").get_by_role("heading")).to_contain_text(
        re.compile(r"Profile completeness: \d+%"))
    expect(page.get_by_text("Shaanxi Province · Baoji City · Weibin District")).to_be_visible()
    expect(page.get_by_text(code)).to_be_visible()

    # The saved code shows again in the picker's selects when the form is reopened.
    page.get_by_role("link", name="Profile", exact=True).click()
    expect(home_region).to_have_value("610302")
    expect(page.get_by_role("combobox", name="County / district", exact=True)).to_have_value("610302")
    expect(page.get_by_role("combobox", name="City", exact=True)).to_have_value("610300")


def test_service_areas_with_multiple_picker(new_page, live_server):
    user = factories.UserFactory()
    party = factories.organisation(areas=(), admin=user)
    page = new_page(user)
    open_own_organisation(page, party)
    expect(page.get_by_role("definition").filter(has_text="Baoji City")).to_have_count(1)  # only "Based in"

    page.get_by_role("link", name="Service areas", exact=True).click()
    expect(page).to_have_url(f"{live_server}/organisations/{party.id}/areas")
    add = page.get_by_role("button", name="Add region")
    expect(add).to_be_disabled()
    pick_region(page, "Shaanxi Province", "Baoji City")
    expect(add).to_be_enabled()
    add.click()

    expect(page.get_by_label("Service areas")).to_have_value("610300")
    expect(page.get_by_role("button", name="Remove Shaanxi Province · Baoji City")).to_be_visible()
    page.get_by_role("button", name="Save service areas").click()

    expect(page).to_have_url(f"{live_server}/organisations/{party.id}")
    expect(page.get_by_role("alert")).to_contain_text("Service areas saved.")
    serves = page.locator("dt", has_text="Serves").locator("xpath=following-sibling::dd[1]")
    expect(serves).to_have_text("Shaanxi Province · Baoji City")


def test_credential_upload_and_verification(new_page, tmp_path):
    user = factories.UserFactory()
    party = factories.organisation(admin=user)
    document = tmp_path / "registration-certificate.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")

    ngo = new_page(user)
    ngo.locator(".card").filter(has_text=party.name).get_by_role("link", name="Credentials").click()
    expect(ngo.get_by_text("No credentials yet")).to_be_visible()
    ngo.get_by_label("Type").select_option(label="Registration certificate")
    ngo.get_by_label("Number").fill("陕宝民证字第0042号")
    ngo.get_by_label("Issued by").fill("宝鸡市民政局")
    ngo.get_by_label("Issue date").fill("2015-03-01")
    ngo.get_by_label("Document (PDF, JPEG or PNG, at most 10 MB)").set_input_files(document)
    ngo.get_by_role("button", name="Save credential").click()

    expect(ngo.get_by_role("alert")).to_contain_text("Credential added. A verifier will check it.")
    row = ngo.get_by_role("row").filter(has_text="陕宝民证字第0042号")
    expect(row).to_contain_text("Registration certificate")
    expect(row.get_by_text("Pending verification")).to_be_visible()
    expect(row.get_by_role("link", name="Document")).to_be_visible()

    admin = new_page(factories.admin_user())
    admin.get_by_role("navigation").get_by_role("link", name="Verification").click()
    expect(admin.get_by_role("heading", name="Credentials awaiting verification")).to_be_visible()
    pending = admin.locator(".card").filter(has_text=party.name)
    expect(pending).to_contain_text("No. 陕宝民证字第0042号")
    expect(pending.get_by_role("link", name="Document")).to_be_visible()
    pending.get_by_role("button", name="Verify").click()
    expect(admin.get_by_role("alert")).to_contain_text("Credential verified.")
    expect(admin.get_by_text("Nothing to verify")).to_be_visible()

    ngo.reload()
    expect(row.get_by_text("Verified", exact=True)).to_be_visible()
    expect(row.get_by_text("Pending verification")).to_have_count(0)


def test_directory_search_for_anonymous_visitor(page, live_server):
    city_wide = factories.organisation("宝鸡市夕阳红养老服务中心", home_region="610303", areas=("610300",),
                                       categories=("elderly.short_stay",), serial=11)
    factories.organisation("西安市雁塔区长者照护中心", home_region="610113", areas=("610113",),
                           categories=("elderly.home_care",), serial=12)  # elsewhere in Shaanxi
    factories.organisation("宝鸡市渭滨区青少年服务中心", home_region="610302", areas=("610302",),
                           categories=("minors.protection",), serial=13)  # in the county, another service

    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", name="Directory of social organisations")).to_be_visible()
    results = page.locator(".list-group")
    expect(results.get_by_role("link")).to_have_count(3)

    page.get_by_label("Service", exact=True).select_option(label="Elderly care (all)")
    page.get_by_label("Serving region (division code)").fill("610302")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(r"/organisations/\?.*region=610302"))
    expect(page).to_have_url(re.compile(r"category=elderly(&|$)"))
    expect(page.get_by_label("Serving region (division code)")).to_have_value("610302")
    expect(results.get_by_role("link")).to_have_count(1)
    result = results.get_by_role("link").filter(has_text=city_wide.name)
    expect(result).to_contain_text("Shaanxi Province · Baoji City · Jintai District")
    expect(result).to_contain_text("Short-stay care")

    result.click()
    expect(page).to_have_url(f"{live_server}/organisations/{city_wide.id}")
    expect(page.get_by_role("heading", level=1, name=city_wide.name)).to_be_visible()
    expect(page.get_by_text("Shaanxi Province · Baoji City", exact=True)).to_be_visible()  # serves the city
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)
    expect(page.locator(".private-contact")).to_have_count(0)
    expect(page.get_by_text(PHONE)).to_have_count(0)
    assert PHONE not in page.content()
    assert "contact@example.org" not in page.content()


def test_directory_in_chinese(new_page):
    factories.organisation()
    with force_locale("zh_Hans"):
        heading = gettext("Directory of social organisations")
    page = new_page(locale="zh-CN")
    page.goto("/organisations/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-current", "true")
    expect(page.locator(".list-group")).to_contain_text("陕西省 宝鸡市 渭滨区")  # region names follow the locale
