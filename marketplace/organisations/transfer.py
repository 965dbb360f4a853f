"""Bulk import (CSV/XLSX, with a dry run) and export of the directory (CSV/XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook

from marketplace import catalogue, regions
from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Capability as CapabilityRow
from marketplace.models import LegalForm, OrganisationProfile, Party, ServiceArea, User

from . import credit_code
from .services import ProfileInput, create_organisation, profile_problems

#: The columns of an import file, in order. Names are English and stable; the
#: template file shows them in the first row.
COLUMNS = [
    "name", "name_en", "legal_form", "credit_code", "registered_on", "registration_authority", "home_region",
    "address", "contact_name", "contact_phone", "contact_email", "mission", "headcount", "full_time_staff",
    "social_workers_assistant", "social_workers_intermediate", "social_workers_senior", "volunteers",
    "annual_capacity", "current_commitments", "grade", "grade_awarded_on", "service_areas", "categories",
]
REQUIRED = ("name", "legal_form")
INTEGER_COLUMNS = ("headcount", "full_time_staff", "social_workers_assistant", "social_workers_intermediate",
                   "social_workers_senior", "volunteers", "annual_capacity", "current_commitments")
DATE_COLUMNS = ("registered_on", "grade_awarded_on")
MAX_ROWS = 20_000


@dataclass
class RowResult:
    line: int  # spreadsheet line number (the header is line 1)
    name: str
    problems: list = field(default_factory=list)
    data: ProfileInput | None = None
    areas: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    name_en: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportReport:
    rows: list[RowResult]
    imported: int = 0

    @property
    def valid(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM, or GB18030) or XLSX file as dicts of text."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise DomainError(_l("This is not a readable XLSX file."), field="file") from exc
        values = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError(_l("The CSV file is neither UTF-8 nor GB18030 text."), field="file")
        values = list(csv.reader(io.StringIO(text)))
    else:
        raise DomainError(_l("Upload a .csv or .xlsx file."), field="file")
    if not values:
        raise DomainError(_l("The file is empty."), field="file")
    header = [str(h or "").strip().lower() for h in values[0]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise DomainError(_l("The first row must name the columns; missing: %(columns)s. Download the template.",
                             columns=", ".join(missing)), field="file")
    body = [row for row in values[1:] if any(str(v or "").strip() for v in row)]
    if len(body) > MAX_ROWS:
        raise DomainError(_l("At most %(n)d rows can be imported at once.", n=MAX_ROWS), field="file")
    return [{header[i]: str(row[i] or "").strip() for i in range(min(len(header), len(row)))} for row in body]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split(value: str) -> list[str]:
    for separator in ("；", ";", "，", "|"):
        value = value.replace(separator, ",")
    return [item.strip() for item in value.split(",") if item.strip()]


def check_rows(rows: list[dict[str, str]], *, today: date) -> ImportReport:
    """Validate every row (including credit codes repeated inside the file) without writing anything."""
    results = []
    seen_codes: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        result = RowResult(line=index, name=raw.get("name", ""), name_en=raw.get("name_en") or None)
        problems = result.problems
        if not result.name:
            problems.append(_l("name: required"))
        try:
            legal_form = LegalForm(raw.get("legal_form", "").strip().lower())
        except ValueError:
            problems.append(_l("legal_form: one of %(values)s", values=", ".join(f.value for f in LegalForm)))
            results.append(result)
            continue
        values: dict = {"legal_form": legal_form}
        for column in INTEGER_COLUMNS:
            text = raw.get(column, "")
            if text:
                try:
                    values[column] = int(text)
                    if values[column] < 0:
                        raise ValueError
                except ValueError:
                    problems.append(_l("%(column)s: a whole number, 0 or more", column=column))
        for column in DATE_COLUMNS:
            text = raw.get(column, "")
            if text:
                try:
                    values[column] = date.fromisoformat(text.replace("/", "-"))
                except ValueError:
                    problems.append(_l("%(column)s: a date like 2020-05-31", column=column))
        for column in ("credit_code", "registration_authority", "home_region", "address", "contact_name",
                       "contact_phone", "contact_email", "mission", "grade"):
            values[column] = raw.get(column) or None
        if values["grade"]:
            values["grade"] = values["grade"].upper()
        data = ProfileInput(**values)
        problems += [_l("%(column)s: %(message)s", column=column, message=message)
                     for column, message in profile_problems(data, party_id=None, today=today)]
        code = credit_code.normalise(data.credit_code)
        if code:
            if code in seen_codes:
                problems.append(_l("credit_code: the same code is on line %(line)d", line=seen_codes[code]))
            seen_codes.setdefault(code, index)
        result.areas = _split(raw.get("service_areas", ""))
        bad_areas = [code for code in result.areas if not regions.is_valid(code)]
        if bad_areas:
            problems.append(_l("service_areas: not division codes: %(codes)s", codes=", ".join(bad_areas)))
        result.categories = _split(raw.get("categories", ""))
        bad_categories = [code for code in result.categories if not catalogue.is_service(code)]
        if bad_categories:
            problems.append(_l("categories: not in the catalogue: %(codes)s", codes=", ".join(bad_categories)))
        result.data = data
        results.append(result)
    return ImportReport(results)


def import_rows(report: ImportReport, *, only_valid: bool, by: User, today: date) -> ImportReport:
    """Write the checked rows: all of them (refused if any is invalid) or only the valid ones."""
    if report.invalid and not only_valid:
        raise DomainError(_l("%(n)d row(s) have problems; nothing was imported.", n=len(report.invalid)))
    from marketplace.shortlists.jobs import request_rerank_for_organisation

    for row in report.valid:
        party = create_organisation(row.name, row.name_en, row.data, creator=None, today=today)
        for code in row.areas:
            db.session.add(ServiceArea(party_id=party.id, region_code=code))
        for code in row.categories:
            db.session.add(CapabilityRow(party_id=party.id, category_code=code,
                                         statement=""))  # the organisation writes it later
        request_rerank_for_organisation(party.id, "imported")
        report.imported += 1
    db.session.flush()
    audit.record("organisation.import", object_type="parties",
                 summary={"imported": report.imported, "skipped": len(report.invalid), "by": by.email})
    return report


def template_csv() -> bytes:
    return ("\ufeff" + ",".join(COLUMNS) + "\n").encode()


# --- Export ---------------------------------------------------------------------------

EXPORT_COLUMNS = ["name", "name_en", "legal_form", "credit_code", "registered_on", "home_region",
                  "home_region_name", "grade", "grade_awarded_on", "headcount", "certified_social_workers",
                  "annual_capacity", "service_areas", "categories"]


def export_rows(parties: Iterable[Party], profiles: dict[int, OrganisationProfile],
                categories: dict[int, list[str]], areas: dict[int, list[str]], locale: str) -> list[list]:
    rows = []
    for party in parties:
        profile = profiles[party.id]
        rows.append([
            party.name, party.name_en or "", profile.legal_form.value, profile.credit_code or "",
            profile.registered_on.isoformat() if profile.registered_on else "", profile.home_region or "",
            regions.label(profile.home_region, locale) if profile.home_region else "", profile.grade or "",
            profile.grade_awarded_on.isoformat() if profile.grade_awarded_on else "",
            profile.headcount if profile.headcount is not None else "", profile.certified_social_workers,
            profile.annual_capacity if profile.annual_capacity is not None else "",
            ";".join(areas.get(party.id, [])), ";".join(categories.get(party.id, [])),
        ])
    return rows


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organisations")
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
