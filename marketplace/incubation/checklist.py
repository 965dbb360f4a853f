"""The readiness checklist template (``INCUBATION_CHECKLIST`` in the configuration) and its stage gates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from marketplace.models import LADDER, Stage


@dataclass(frozen=True)
class TemplateItem:
    key: str
    en: str
    zh: str
    needed_for: Stage  # the stage a group may enter only with this item done
    answers: str | None = None  # the eligibility rule it satisfies: "grade", "credential:insurance"...

    def label(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


def template() -> list[TemplateItem]:
    return [TemplateItem(key=item["key"], en=item["en"], zh=item["zh"], needed_for=Stage(item["needed_for"]),
                         answers=item.get("answers")) for item in current_app.config["INCUBATION_CHECKLIST"]]


def item(key: str) -> TemplateItem | None:
    return next((entry for entry in template() if entry.key == key), None)


def needed_to_enter(stage: Stage) -> list[TemplateItem]:
    """Every item a group must have done to enter `stage`: that stage's own and those of the stages below."""
    if stage not in LADDER:
        return []
    reached = LADDER.index(stage)
    return [entry for entry in template() if LADDER.index(entry.needed_for) <= reached]


def answering(finding_rule: str, params: dict) -> TemplateItem | None:
    """The checklist item that would satisfy an unmet eligibility finding, if any."""
    for entry in template():
        if entry.answers is None:
            continue
        rule, _sep, detail = entry.answers.partition(":")
        if rule == finding_rule and (not detail or params.get("type") == detail):
            return entry
    return None
