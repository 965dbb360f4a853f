"""Language choice and the display of dates and money.

Order: the user's saved preference, then the header switch (kept in the
session), then the browser's Accept-Language. A ``zh-CN`` browser gets the
``zh_Hans`` catalogue.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

LOCALE_LABELS = {"zh_Hans": "中文", "en": "English"}
# Browser language tags we understand, mapped to our catalogues.
_BROWSER_TAGS = {"zh": "zh_Hans", "en": "en"}


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("-", "_")
    if value in LOCALE_LABELS:
        return value
    primary = value.split("_")[0].lower()
    return _BROWSER_TAGS.get(primary)


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs: force_locale() or the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALE_LABELS:
        return current_user.locale
    chosen = normalise_locale(session.get("locale"))
    if chosen:
        return chosen
    best = request.accept_languages.best_match(list(_BROWSER_TAGS))
    return _BROWSER_TAGS.get(best or "", current_app.config["BABEL_DEFAULT_LOCALE"])


def current_locale() -> str:
    locale = get_locale()
    return "zh_Hans" if locale and locale.language == "zh" else "en"


def money(amount: Decimal | int | float | None) -> str:
    if amount is None:
        return ""
    return format_currency(amount, current_app.config["CURRENCY"])


def number(value) -> str:
    return format_decimal(value) if value is not None else ""


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def local_date(value: date | datetime | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def init_i18n(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.globals["LOCALE_LABELS"] = LOCALE_LABELS
    app.jinja_env.globals["current_locale"] = current_locale
    from marketplace.authz import can

    app.jinja_env.globals["can"] = can
