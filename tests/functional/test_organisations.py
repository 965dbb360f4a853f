"""The provider registry through the UI: profile, areas, capabilities, credentials, verification, directory."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from marketplace.extensions import db
from marketplace.models import (
    BackgroundJob,
    Capability,
    Credential,
    CredentialStatus,
    OrganisationProfile,
    PartyKind,
    PartyStatus,
    ServiceArea,
    StandingFlag,
)
from marketplace.organisations import credit_code

from ..conftest import csrf_token, post_form
from ..factories import UserFactory, admin_user, organisation, party_admin

EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def profile_data(**changes) -> dict:
    data = {"name": "宝鸡市阳光社会工作服务中心", "name_en": "Baoji Sunshine Social Work Centre",
            "legal_form": "social_service_institution",
            "credit_code": credit_code.make("social_service_institution", "610302", 777),
            "registered_on": "2014-05-20", "registration_authority": "宝鸡市民政局", "home_region": "610302",
            "address": "宝鸡市渭滨区经二路1号", "contact_name": "张蕾", "contact_phone": "0917-3210000",
            "contact_email": "office@sunshine.example.org", "mission": "守护困境儿童", "mission_en": "",
            "headcount": "25", "full_time_staff": "15", "social_workers_assistant": "6",
            "social_workers_intermediate": "3", "social_workers_senior": "1", "volunteers": "120",
            "annual_capacity": "1500", "current_commitments": "400", "grade": "3A", "grade_awarded_on": "2023-09-01"}
    return data | changes


def signed_up_ngo(client, login):
    user, party = party_admin(PartyKind.ORGANISATION, PartyStatus.APPROVED)
    login(user)
    return user, party


def test_ngo_builds_a_profile(client, login):
    _user, party = signed_up_ngo(client, login)
    response = post_form(client, f"/organisations/{party.id}/edit", profile_data(),
                         token_from=f"/organisations/{party.id}/edit")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    profile = db.session.get(OrganisationProfile, party.id)
    assert profile.credit_code.startswith("52610302") and profile.certified_social_workers == 10
    assert profile.grade_expires_on == date(2028, 9, 1)
    # A re-rank request is queued for the matcher.
    assert db.session.scalar(select(BackgroundJob).where(
        BackgroundJob.func_name == "shortlists.rerank_organisation")) is not None
    page = client.get(f"/organisations/{party.id}", headers=EN).get_data(as_text=True)
    assert "Profile completeness" in page and "Service areas" in page


def test_invalid_credit_code_is_explained_and_nothing_stored(client, login):
    _user, party = signed_up_ngo(client, login)
    good = profile_data()["credit_code"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = post_form(client, f"/organisations/{party.id}/edit", profile_data(credit_code=bad),
                         token_from=f"/organisations/{party.id}/edit", headers=EN)
    assert response.status_code == 400
    assert f"it should be {good[17]}" in response.get_data(as_text=True)
    assert db.session.get(OrganisationProfile, party.id) is None


def test_duplicate_credit_code_is_refused(client, login):
    other = organisation(serial=5)
    taken = db.session.get(OrganisationProfile, other.id).credit_code
    _user, party = signed_up_ngo(client, login)
    response = post_form(client, f"/organisations/{party.id}/edit", profile_data(credit_code=taken),
                         token_from=f"/organisations/{party.id}/edit", headers=EN)
    assert response.status_code == 400
    assert "already registered with this credit code" in response.get_data(as_text=True)


def test_unknown_region_is_refused(client, login):
    _user, party = signed_up_ngo(client, login)
    response = post_form(client, f"/organisations/{party.id}/edit", profile_data(home_region="999999"),
                         token_from=f"/organisations/{party.id}/edit", headers=EN)
    assert response.status_code == 400 and "999999 is not an administrative division code" in response.get_data(
        as_text=True)
    response = post_form(client, f"/organisations/{party.id}/areas", {"regions": "610300, 123456"},
                         token_from=f"/organisations/{party.id}/areas", headers=EN)
    assert response.status_code == 400 and "123456" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ServiceArea.id))) == 0


def test_unregistered_group_needs_no_credit_code(client, login):
    _user, party = signed_up_ngo(client, login)
    data = profile_data(legal_form="unregistered", credit_code="", registered_on="", grade="",
                        grade_awarded_on="", registration_authority="")
    response = post_form(client, f"/organisations/{party.id}/edit", data, token_from=f"/organisations/{party.id}/edit")
    assert response.status_code == 302
    assert db.session.get(OrganisationProfile, party.id).credit_code is None


def test_service_areas_keep_the_widest(client, login):
    _user, party = signed_up_ngo(client, login)
    response = post_form(client, f"/organisations/{party.id}/areas", {"regions": "610302,610300,310114"},
                         token_from=f"/organisations/{party.id}/areas")
    assert response.status_code == 302
    codes = set(db.session.scalars(select(ServiceArea.region_code)))
    assert codes == {"610300", "310114"}  # Baoji city covers Weibin district


def test_capabilities(client, login):
    _user, party = signed_up_ngo(client, login)
    url = f"/organisations/{party.id}/capabilities"
    data = {"category_code": "minors.protection",
            "statement": "以个案管理为核心，为困境儿童提供监护评估、家庭支持和转介服务。", "statement_en": "",
            "target_groups": "困境儿童", "years": "6", "projects": "12", "beneficiaries": "800"}
    assert post_form(client, url, data, token_from=url).status_code == 302
    response = post_form(client, url, data, token_from=url, headers=EN)
    assert response.status_code == 400 and "already have a statement" in response.get_data(as_text=True)
    response = post_form(client, url, data | {"category_code": "minors.left_behind", "statement": "short"},
                         token_from=url, headers=EN)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Capability.id))) == 1


def upload_credential(client, party_id, content: bytes, filename: str, **fields):
    """Post the form as one in-memory multipart body (the test client would spool a large one to a temp file)."""
    url = f"/organisations/{party_id}/credentials"
    data = {"csrf_token": csrf_token(client, url), "type": "registration_certificate", "number": "民证字第0001号",
            "issuer": "宝鸡市民政局", "issued_on": "2021-03-01", "expires_on": "2026-12-31",
            "document": FileStorage(io.BytesIO(content), filename)} | fields
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=EN)


def test_credential_upload_and_verification(app, client, login):
    _user, party = signed_up_ngo(client, login)
    response = upload_credential(client, party.id, PDF, "certificate.pdf")
    assert response.status_code == 302
    credential = db.session.scalar(select(Credential))
    assert credential.status == CredentialStatus.PENDING and credential.document_type == "application/pdf"
    assert credential.document_name.endswith(".pdf") and "certificate" not in credential.document_name
    download = client.get(f"/organisations/credentials/{credential.id}/document")
    body = download.data
    download.close()
    assert download.status_code == 200 and body == PDF
    assert "attachment" in download.headers["Content-Disposition"]

    verifier = login(admin_user(), test_client=app.test_client())
    response = post_form(verifier, f"/organisations/credentials/{credential.id}/decide", {"reject": "1", "reason": ""},
                         token_from="/organisations/verification")
    assert db.session.get(Credential, credential.id).status == CredentialStatus.PENDING  # a reason is required
    post_form(verifier, f"/organisations/credentials/{credential.id}/decide", {"verify": "1"},
              token_from="/organisations/verification")
    assert db.session.get(Credential, credential.id).status == CredentialStatus.VERIFIED

    # Editing a verified credential sends it back to pending.
    url = f"/organisations/credentials/{credential.id}/edit"
    response = post_form(client, url, {"type": "registration_certificate", "number": "民证字第0002号",
                                       "issuer": "宝鸡市民政局", "issued_on": "2021-03-01", "expires_on": "2027-12-31"},
                         token_from=url)
    assert response.status_code == 302
    assert db.session.get(Credential, credential.id).status == CredentialStatus.PENDING


def test_bad_documents_are_refused_and_nothing_stored(client, login):
    _user, party = signed_up_ngo(client, login)
    cases = [
        (b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024), "big.pdf", "at most 10 MB"),
        (PDF, "renamed.png", "its name ends in .png"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "setup.pdf", "Only PDF, JPEG or PNG"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "tool.pdf", "Only PDF, JPEG or PNG"),
    ]
    for content, filename, message in cases:
        response = upload_credential(client, party.id, content, filename)
        assert response.status_code == 400, filename
        assert message in response.get_data(as_text=True), filename
    assert db.session.scalar(select(func.count(Credential.id))) == 0


def test_expiry_before_issue_is_refused(client, login):
    _user, party = signed_up_ngo(client, login)
    response = upload_credential(client, party.id, PNG, "scan.png", expires_on="2020-01-01")
    assert response.status_code == 400 and "cannot be before the issue date" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Credential.id))) == 0


def test_member_cannot_edit_another_organisation(client, login):
    _user, _party = signed_up_ngo(client, login)
    other = organisation(serial=9)
    assert client.get(f"/organisations/{other.id}/edit").status_code == 403
    response = post_form(client, f"/organisations/{other.id}/areas", {"regions": "610300"})
    assert response.status_code == 403
    response = post_form(client, f"/organisations/{other.id}/capabilities", {
        "category_code": "elderly.day_care", "statement": "x" * 40})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Capability.id))) == 1  # only the other's own


def test_documents_are_private(app, client, login, tmp_path):
    owner, party = signed_up_ngo(client, login)
    upload_credential(client, party.id, PDF, "certificate.pdf")
    credential = db.session.scalar(select(Credential))
    url = f"/organisations/credentials/{credential.id}/document"
    public = app.test_client()
    assert public.get(url).status_code == 302  # to the log-in page
    stranger = login(party_admin()[0], test_client=app.test_client())
    assert stranger.get(url).status_code == 403
    agency_user, _agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    response = login(agency_user, test_client=app.test_client()).get(url)
    response.close()
    assert response.status_code == 200
    pending_agency_user, _pending = party_admin(PartyKind.AGENCY, PartyStatus.PENDING)
    assert login(pending_agency_user, test_client=app.test_client()).get(url).status_code == 403
    assert "/static/" not in credential.document_name


def test_public_profile_hides_private_fields(app, client, login):
    party = organisation(serial=3)
    public_page = app.test_client().get(f"/organisations/{party.id}", headers=EN).get_data(as_text=True)
    assert party.name in public_page and "0917-1234567" not in public_page
    agency_user, _agency = party_admin(PartyKind.AGENCY, PartyStatus.APPROVED)
    login(agency_user)
    assert "0917-1234567" in client.get(f"/organisations/{party.id}").get_data(as_text=True)


def test_standing_flags_only_by_verifiers(app, client, login):
    party = organisation(serial=4)
    ngo_user, _own = party_admin()
    ngo = login(ngo_user, test_client=app.test_client())
    data = {"kind": "abnormal_activity", "source": "宝鸡市民政局 2026年第3号公告", "listed_on": "2026-03-01"}
    assert post_form(ngo, f"/organisations/{party.id}/flags", data).status_code == 403
    login(admin_user())
    post_form(client, f"/organisations/{party.id}/flags", data, token_from=f"/organisations/{party.id}")
    flag = db.session.scalar(select(StandingFlag))
    assert flag.source.startswith("宝鸡市民政局") and flag.is_active
    page = app.test_client().get(f"/organisations/{party.id}", headers=EN).get_data(as_text=True)
    assert "Abnormal-activity list" in page


def test_directory_search_and_filters(app):
    city_wide = organisation("宝鸡市全市养老服务中心", areas=("610300",), categories=("elderly.short_stay",),
                             grade="4A", serial=11)
    county = organisation("渭滨区社区儿童之家", areas=("610302",), categories=("minors.protection",), grade=None,
                          serial=12)
    shanghai = organisation("嘉定区助残服务社", home_region="310114", areas=("310114",),
                            categories=("disability.rehabilitation",), grade="5A", serial=13)
    client = app.test_client()

    def names(**params):
        html = client.get("/organisations/", query_string=params, headers=EN).get_data(as_text=True)
        return {p.name for p in (city_wide, county, shanghai) if p.name in html}

    assert names() == {city_wide.name, county.name, shanghai.name}
    assert names(region="610302") == {city_wide.name, county.name}  # a county search finds city-wide providers
    assert names(region="310114") == {shanghai.name}
    assert names(category="elderly") == {city_wide.name}
    assert names(category="minors.protection") == {county.name}
    assert names(min_grade="4A") == {city_wide.name, shanghai.name}
    assert names(q="助残") == {shanghai.name}
    assert names(q="短期托养") == {city_wide.name, county.name, shanghai.name}  # capability text
    response = client.get("/organisations/?region=999999", headers=EN)
    assert response.status_code == 400


def test_directory_export(app):
    organisation(serial=21)
    client = app.test_client()
    csv_response = client.get("/organisations/export.csv?region=610302")
    assert csv_response.status_code == 200 and "宝鸡市测试社会工作服务中心" in csv_response.data.decode("utf-8-sig")
    xlsx_response = client.get("/organisations/export.xlsx")
    assert xlsx_response.status_code == 200 and xlsx_response.data[:2] == b"PK"


def test_expired_credential_does_not_count(app):
    party = organisation(serial=31)
    today = date(2026, 11, 23)
    db.session.add_all([
        Credential(party_id=party.id, type="registration_certificate", number="1", issuer="x",
                   issued_on=date(2020, 1, 1), expires_on=today - timedelta(days=1), status=CredentialStatus.VERIFIED),
        Credential(party_id=party.id, type="annual_audit_report", number="2", issuer="x",
                   issued_on=date(2020, 1, 1), expires_on=None, status=CredentialStatus.PENDING),
    ])
    db.session.commit()
    assert not any(c.counts_on(today) for c in db.session.scalars(select(Credential)))


def test_verification_queue_is_for_verifiers(client, login):
    login(UserFactory())
    assert client.get("/organisations/verification").status_code == 403
