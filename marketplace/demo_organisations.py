"""Demo organisations from marketplace/demo_data/organisations.json (fictional, realistic)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from marketplace.extensions import db
from marketplace.models import (
    Capability,
    Credential,
    CredentialStatus,
    CredentialType,
    LegalForm,
    OrganisationProfile,
    Party,
    PartyKind,
    PartyStatus,
    PastProject,
    ServiceArea,
    utcnow,
)
from marketplace.organisations import credit_code

DATA = Path(__file__).parent / "demo_data" / "organisations.json"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load_demo_organisations(existing: dict[str, Party] | None = None) -> int:
    """Create the demo organisations; `existing` maps data keys to parties the demo users already own."""
    existing = existing or {}
    entries = json.loads(DATA.read_text(encoding="utf-8"))
    for serial, entry in enumerate(entries, start=1):
        party = existing.get(entry["key"])
        if party is None:
            party = Party(kind=PartyKind.ORGANISATION, name=entry["name_zh"], name_en=entry.get("name_en"),
                          status=PartyStatus.APPROVED)
            db.session.add(party)
            db.session.flush()
        legal_form = LegalForm(entry["legal_form"])
        workers = entry.get("social_workers") or {}
        db.session.add(OrganisationProfile(
            party_id=party.id, legal_form=legal_form,
            credit_code=None if legal_form == LegalForm.UNREGISTERED else credit_code.make(
                legal_form.value, entry["home_region"], 20_000_000 + serial * 7919),
            registered_on=_date(entry.get("registered_on")),
            registration_authority=entry.get("registration_authority"), home_region=entry["home_region"],
            address=entry.get("address_zh"), contact_name=entry.get("contact_name"),
            contact_phone=entry.get("contact_phone"), contact_email=entry.get("contact_email"),
            mission=entry.get("mission_zh"), mission_en=entry.get("mission_en"), headcount=entry.get("headcount"),
            full_time_staff=entry.get("full_time_staff"), social_workers_assistant=workers.get("assistant"),
            social_workers_intermediate=workers.get("intermediate"), social_workers_senior=workers.get("senior"),
            volunteers=entry.get("volunteers"), annual_capacity=entry.get("annual_capacity"),
            current_commitments=entry.get("current_commitments"), grade=entry.get("grade"),
            grade_awarded_on=_date(entry.get("grade_awarded_on"))))
        for code in entry.get("service_areas", []):
            db.session.add(ServiceArea(party_id=party.id, region_code=code))
        for item in entry.get("capabilities", []):
            db.session.add(Capability(
                party_id=party.id, category_code=item["category"], statement=item["statement_zh"],
                statement_en=item.get("statement_en"), target_groups=item.get("target_groups_zh"),
                years=item.get("years", 0), projects=item.get("projects", 0),
                beneficiaries=item.get("beneficiaries", 0)))
        for item in entry.get("credentials", []):
            status = CredentialStatus(item["status"])
            db.session.add(Credential(
                party_id=party.id, type=CredentialType(item["type"]), number=item["number"], issuer=item["issuer"],
                issued_on=_date(item["issued_on"]), expires_on=_date(item.get("expires_on")), status=status,
                status_reason="证件照片不清晰，请重新上传 / The scan is unreadable; upload it again."
                if status == CredentialStatus.REJECTED else None,
                decided_at=utcnow() if status != CredentialStatus.PENDING else None))
        for item in entry.get("past_projects", []):
            db.session.add(PastProject(
                party_id=party.id, title=item["title_zh"], buyer=item["buyer"], category_code=item.get("category"),
                started_on=_date(item["start"]), ended_on=_date(item.get("end")),
                value=Decimal(str(item["value_cny"])) if item.get("value_cny") is not None else None,
                beneficiaries=item.get("beneficiaries"), reference_contact=item.get("reference")))
    db.session.flush()
    return len(entries)
