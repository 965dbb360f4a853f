"""The catalogue of purchased social services (政府购买服务指导性目录), in two languages.

Pure Python, no Flask: the data lives in ``data/categories.json`` and is read once, on first use.
Codes are ``group`` for a group and ``group.service`` for a service (lowercase ASCII).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "categories.json"

#: Price units a service may be bought in (see DOMAIN.md, "Facts that constrain the design").
UNITS = ("person_day", "person_month", "post_year", "session", "lump_sum")

SEPARATOR = " › "


def _is_english(locale: str | None) -> bool:
    return bool(locale) and str(locale).lower().replace("-", "_").split("_")[0] == "en"


@dataclass(frozen=True)
class Service:
    code: str
    group_code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    typical_units: tuple[str, ...]

    def name(self, locale: str | None) -> str:
        """English name for an ``en`` locale, Chinese otherwise."""
        return self.name_en if _is_english(locale) else self.name_zh

    def description(self, locale: str | None) -> str:
        return self.description_en if _is_english(locale) else self.description_zh


@dataclass(frozen=True)
class ServiceGroup:
    code: str
    name_zh: str
    name_en: str
    services: tuple[Service, ...]

    def name(self, locale: str | None) -> str:
        """English name for an ``en`` locale, Chinese otherwise."""
        return self.name_en if _is_english(locale) else self.name_zh


@dataclass(frozen=True)
class _Catalogue:
    groups: tuple[ServiceGroup, ...]
    by_code: dict[str, Service | ServiceGroup]


_lock = threading.Lock()
_catalogue: _Catalogue | None = None


def _parse(raw: dict) -> _Catalogue:
    groups: list[ServiceGroup] = []
    by_code: dict[str, Service | ServiceGroup] = {}
    for g in raw["groups"]:
        services = tuple(
            Service(
                code=s["code"],
                group_code=g["code"],
                name_zh=s["name_zh"],
                name_en=s["name_en"],
                description_zh=s["description_zh"],
                description_en=s["description_en"],
                typical_units=tuple(s["typical_units"]),
            )
            for s in g["services"]
        )
        group = ServiceGroup(code=g["code"], name_zh=g["name_zh"], name_en=g["name_en"], services=services)
        for item in (group, *services):
            if item.code in by_code:
                raise ValueError(f"duplicate catalogue code: {item.code}")
            by_code[item.code] = item
        for s in services:
            if not s.code.startswith(group.code + "."):
                raise ValueError(f"service {s.code} does not belong to group {group.code}")
            unknown = set(s.typical_units) - set(UNITS)
            if unknown:
                raise ValueError(f"service {s.code} has unknown units: {sorted(unknown)}")
        groups.append(group)
    return _Catalogue(groups=tuple(groups), by_code=by_code)


def _load() -> _Catalogue:
    global _catalogue
    if _catalogue is None:
        with _lock:
            if _catalogue is None:
                with DATA_FILE.open(encoding="utf-8") as fh:
                    _catalogue = _parse(json.load(fh))
    return _catalogue


def groups() -> list[ServiceGroup]:
    """All groups, in catalogue order."""
    return list(_load().groups)


def all_services() -> list[Service]:
    """All services, in catalogue order."""
    return [s for g in _load().groups for s in g.services]


def get(code: str | None) -> Service | ServiceGroup | None:
    """The service or group with this code, or None."""
    if not code:
        return None
    return _load().by_code.get(code)


def service(code: str | None) -> Service | None:
    """The service with this code, or None (also None for a group code)."""
    item = get(code)
    return item if isinstance(item, Service) else None


def is_service(code: str | None) -> bool:
    return service(code) is not None


def group_of(code: str | None) -> ServiceGroup | None:
    """The group of a service code, or the group itself for a group code; None if unknown."""
    item = get(code)
    if isinstance(item, ServiceGroup):
        return item
    if isinstance(item, Service):
        found = get(item.group_code)
        return found if isinstance(found, ServiceGroup) else None
    return None


def choices(locale: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options for a grouped <select>: [(group name, [(service code, service name), ...]), ...]."""
    return [(g.name(locale), [(s.code, s.name(locale)) for s in g.services]) for g in _load().groups]


def label(code: str | None, locale: str | None) -> str:
    """Group › service, e.g. "Elderly care › Short-stay care" / "养老服务 › 短期托养".

    A group code gives the group's name; an unknown code is returned as it is.
    """
    item = get(code)
    if isinstance(item, ServiceGroup):
        return item.name(locale)
    if isinstance(item, Service):
        group = group_of(item.code)
        return f"{group.name(locale)}{SEPARATOR}{item.name(locale)}" if group else item.name(locale)
    return code or ""
