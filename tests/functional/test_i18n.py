"""Both languages: choice order, catalogue completeness, local time and money."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale

from marketplace.i18n import local_datetime, money

from ..conftest import post_form
from ..factories import UserFactory

TRANSLATIONS = Path(__file__).resolve().parents[2] / "marketplace" / "translations"
CATALOGUE = TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po"


def page(client, url="/", **headers):
    return client.get(url, headers=headers).get_data(as_text=True)


def test_zh_cn_browser_gets_chinese(client):
    html = page(client, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert 'lang="zh-Hans"' in html and "社会服务购买平台" in html


def test_english_browser_gets_english(client):
    html = page(client, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in html and "Social Service Marketplace" in html


def test_header_switch_beats_the_browser(client):
    post_form(client, "/language", {"locale": "en", "next": "/"})
    assert 'lang="en"' in page(client, **{"Accept-Language": "zh-CN"})
    post_form(client, "/language", {"locale": "zh_Hans", "next": "/"})
    assert 'lang="zh-Hans"' in page(client, **{"Accept-Language": "en"})


def test_saved_preference_beats_the_browser_and_the_switch_saves_it(client, login):
    user = UserFactory(locale="zh_Hans")
    login(user)
    assert 'lang="zh-Hans"' in page(client, "/dashboard", **{"Accept-Language": "en"})
    post_form(client, "/language", {"locale": "en", "next": "/dashboard"})
    assert user.locale == "en"
    assert 'lang="en"' in page(client, "/dashboard", **{"Accept-Language": "zh-CN"})


def test_language_switch_refuses_offsite_redirect(client):
    response = post_form(client, "/language", {"locale": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_error_pages_in_both_languages(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "Page not found" in response.get_data(as_text=True)


def _not_hidden(path: str) -> bool:
    """Babel skips '_'-prefixed folders by default, which would miss templates/_macros."""
    return not Path(path).name.startswith(".")


def test_catalogue_is_complete_and_current():
    """Every string in the code and templates is in the catalogue, translated, not fuzzy."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    root = TRANSLATIONS.parents[1]
    with (root / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    extracted = {message[0] if isinstance(message, tuple) else message
                 for _file, _line, message, _comments, _context
                 in extract_from_dir(str(root), method_map, options_map, keywords=keywords,
                                     directory_filter=_not_hidden)}
    missing = sorted(str(i) for i in extracted - {m.id for m in catalogue if m.id})
    assert missing == [], "run `make extract-messages` and translate the new strings"


def test_compiled_catalogue_exists():
    assert (CATALOGUE.with_suffix(".mo")).exists(), "translations are compiled by `make setup`"


def test_dates_in_shanghai_time_and_money_in_cny(app):
    moment = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 March in Shanghai
    with app.test_request_context(), force_locale("en"):
        assert "Mar 2, 2026" in local_datetime(moment) and "12:30" in local_datetime(moment)
        assert money(1500) == "CN¥1,500.00"
    with app.test_request_context(), force_locale("zh_Hans"):
        assert "2026年3月2日" in local_datetime(moment)
        assert money(1500) == "¥1,500.00"
