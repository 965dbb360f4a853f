"""Bulk import with a dry run, all-or-nothing or valid rows only; export."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import OrganisationProfile, Party, PartyKind, PartyStatus, ServiceArea
from marketplace.organisations import credit_code, transfer

from ..conftest import csrf_token
from ..factories import UserFactory, admin_user, party_admin

EN = {"Accept-Language": "en"}


def row(n: int, **changes) -> dict:
    return {"name": f"导入测试组织{n}", "name_en": f"Imported {n}", "legal_form": "social_service_institution",
            "credit_code": credit_code.make("social_service_institution", "610302", 5000 + n),
            "registered_on": "2016-01-01", "home_region": "610302", "headcount": "12", "full_time_staff": "8",
            "grade": "2A", "grade_awarded_on": "2024-01-01", "service_areas": "610300",
            "categories": "elderly.home_care;elderly.day_care"} | changes


def as_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=transfer.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(transfer.COLUMNS)
    for item in rows:
        sheet.append([item.get(column, "") for column in transfer.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, filename: str, mode: str):
    return client.post("/organisations/import", data={
        "csrf_token": csrf_token(client, "/organisations/import"), "mode": mode,
        "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data", headers=EN)


def organisations() -> int:
    return db.session.scalar(select(func.count(Party.id)).where(Party.kind == PartyKind.ORGANISATION))


def test_dry_run_reports_every_problem_and_writes_nothing(client, login):
    login(admin_user())
    rows = [row(1), row(2, credit_code="526103020000000X00"), row(3, home_region="999999"),
            row(4, categories="elderly.home_care;nonsense"), row(5, legal_form="company"), row(6, name=""),
            row(7, credit_code=row(1)["credit_code"])]
    response = upload(client, as_csv(rows), "orgs.csv", "dry_run")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "7 rows: 1 valid, 6 with problems; 0 imported." in page
    for fragment in ("credit_code", "999999", "nonsense", "legal_form", "name: required", "same code is on line 2"):
        assert fragment in page, fragment
    assert organisations() == 0


def test_all_or_nothing_refuses_a_file_with_bad_rows(client, login):
    login(admin_user())
    response = upload(client, as_csv([row(1), row(2, home_region="999999")]), "orgs.csv", "all")
    assert response.status_code == 400 and "nothing was imported" in response.get_data(as_text=True)
    assert organisations() == 0


def test_valid_rows_only(client, login):
    login(admin_user())
    response = upload(client, as_xlsx([row(1), row(2, home_region="999999"), row(3)]), "orgs.xlsx", "valid_only")
    assert response.status_code == 200 and "2 imported" in response.get_data(as_text=True)
    assert organisations() == 2
    assert db.session.scalar(select(func.count(ServiceArea.id))) == 2
    profile = db.session.scalar(select(OrganisationProfile).limit(1))
    assert profile.grade == "2A" and profile.registered_on.isoformat() == "2016-01-01"


def test_import_of_a_whole_valid_file(client, login):
    agency_user, _agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    login(agency_user)
    response = upload(client, as_csv([row(n) for n in range(1, 41)]), "orgs.csv", "all")
    assert response.status_code == 200
    assert organisations() == 40


def test_import_is_for_verifiers_only(client, login):
    login(UserFactory())
    assert client.get("/organisations/import").status_code == 403
    response = upload(client, as_csv([row(1)]), "orgs.csv", "all")
    assert response.status_code == 403 and organisations() == 0


def test_unreadable_files_are_refused(client, login):
    login(admin_user())
    assert "Upload a .csv or .xlsx file." in upload(client, b"x", "orgs.txt", "dry_run").get_data(as_text=True)
    assert "not a readable XLSX" in upload(client, b"not a zip", "orgs.xlsx", "dry_run").get_data(as_text=True)
    response = upload(client, b"foo,bar\n1,2\n", "orgs.csv", "dry_run")
    assert response.status_code == 400 and "missing: name, legal_form" in response.get_data(as_text=True)


def test_gb18030_csv_is_read():
    content = ("name,legal_form\n宝鸡市测试,unregistered\n").encode("gb18030")
    assert transfer.read_rows(content, "a.csv") == [{"name": "宝鸡市测试", "legal_form": "unregistered"}]
