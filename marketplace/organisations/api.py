"""API endpoints of the provider registry: directory, profiles, areas, capabilities, credentials, members."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from marketplace import catalogue, regions
from marketplace.api import api_error, bp, commit_or_error, fields, json_body, token_required
from marketplace.authz import authorize, can
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import current_locale
from marketplace.models import (
    Capability,
    Credential,
    CredentialType,
    LegalForm,
    OrganisationProfile,
    Party,
    PartyKind,
)

from . import queries, services
from .forms import DirectorySearchForm
from .jobs import local_today
from .views import _directory_filters


def _organisation(party_id: int) -> Party:
    party = db.get_or_404(Party, party_id)
    if party.kind != PartyKind.ORGANISATION:
        from flask import abort

        abort(404)
    return party




def organisation_json(party: Party, profile: OrganisationProfile | None, *, private: bool) -> dict:
    today = local_today()
    body = {"id": party.id, "name": party.name, "name_en": party.name_en}
    if profile is None:
        return body | {"profile": None}
    body |= {
        "legal_form": profile.legal_form.value, "credit_code": profile.credit_code,
        "registered_on": profile.registered_on.isoformat() if profile.registered_on else None,
        "registration_authority": profile.registration_authority, "home_region": profile.home_region,
        "mission": profile.mission, "mission_en": profile.mission_en, "headcount": profile.headcount,
        "full_time_staff": profile.full_time_staff,
        "social_workers": {"assistant": profile.social_workers_assistant or 0,
                           "intermediate": profile.social_workers_intermediate or 0,
                           "senior": profile.social_workers_senior or 0},
        "volunteers": profile.volunteers, "annual_capacity": profile.annual_capacity,
        "current_commitments": profile.current_commitments,
        "grade": profile.grade_valid_on(today),
        "grade_awarded_on": profile.grade_awarded_on.isoformat() if profile.grade_awarded_on else None,
        "service_areas": [a.region_code for a in services.service_areas(party)],
        "capabilities": [capability_json(c) for c in services.capabilities(party)],
        "credentials": [credential_json(c, today) for c in services.credentials(party)],
    }
    if private:
        body["contact"] = {"name": profile.contact_name, "phone": profile.contact_phone,
                           "email": profile.contact_email, "address": profile.address}
    return body


def capability_json(capability: Capability) -> dict:
    return {"id": capability.id, "category": capability.category_code, "statement": capability.statement,
            "statement_en": capability.statement_en, "target_groups": capability.target_groups,
            "years": capability.years, "projects": capability.projects, "beneficiaries": capability.beneficiaries}


def credential_json(credential: Credential, today: date) -> dict:
    return {"id": credential.id, "type": credential.type.value, "number": credential.number,
            "issuer": credential.issuer, "issued_on": credential.issued_on.isoformat(),
            "expires_on": credential.expires_on.isoformat() if credential.expires_on else None,
            "status": credential.status.value, "expired": credential.is_expired(today),
            "counts_for_eligibility": credential.counts_on(today), "has_document": bool(credential.document_name)}


@bp.get("/organisations")
def directory_search():
    """Search the public directory.
    ---
    get:
      summary: Search the directory of social organisations (public)
      security: []
      parameters:
        - {name: q, in: query, schema: {type: string}, description: 'Name, mission or capability text'}
        - {name: category, in: query, schema: {type: string}, description: Service code or group code}
        - {name: region, in: query, schema: {type: string}, description: Division code the organisation serves}
        - {name: min_grade, in: query, schema: {type: string, enum: [1A, 2A, 3A, 4A, 5A]}}
        - {name: legal_form, in: query, schema: {type: string}}
        - {name: credential, in: query, schema: {type: string}, description: Holds a verified credential type}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
      responses:
        200:
          description: One page of organisations
          content:
            application/json:
              schema:
                type: object
                properties:
                  total: {type: integer}
                  page: {type: integer}
                  pages: {type: integer}
                  items: {type: array, items: {$ref: '#/components/schemas/OrganisationSummary'}}
        400: {$ref: '#/components/responses/BadRequest'}
    """
    form = DirectorySearchForm(request.args)
    if request.args.get("region") and not regions.is_valid(request.args["region"]):
        return api_error(400, _("%(code)s is not an administrative division code.", code=request.args["region"]),
                         {"region": [_("Not a division code.")]})
    page = db.paginate(queries.directory_query(_directory_filters(form)),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    ids = [party.id for party in page.items]
    profiles, categories = queries.profiles_by_party(ids), queries.categories_by_party(ids)
    today = local_today()
    return jsonify(total=page.total, page=page.page, pages=page.pages, items=[{
        "id": party.id, "name": party.name, "name_en": party.name_en,
        "legal_form": profiles[party.id].legal_form.value, "home_region": profiles[party.id].home_region,
        "grade": profiles[party.id].grade_valid_on(today), "categories": categories[party.id],
    } for party in page.items])


@bp.get("/organisations/<int:party_id>")
def organisation_detail(party_id: int):
    """An organisation's profile: public fields for everyone, contact details for verifiers and its members.
    ---
    get:
      summary: An organisation's profile
      security: [{}, {bearerToken: []}]
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The profile
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Organisation'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    from marketplace.api import optional_token_user

    party = _organisation(party_id)
    user = optional_token_user()
    return jsonify(organisation_json(party, db.session.get(OrganisationProfile, party.id),
                                     private=can(user, "view_private", party)))


_PROFILE_TEXT = ("credit_code", "registration_authority", "home_region", "address", "contact_name", "contact_phone",
                 "contact_email", "mission", "mission_en", "grade")
_PROFILE_INT = ("headcount", "full_time_staff", "social_workers_assistant", "social_workers_intermediate",
                "social_workers_senior", "volunteers", "annual_capacity", "current_commitments")


@bp.put("/organisations/<int:party_id>/profile")
@token_required
def update_profile(party_id: int):
    """Replace the organisation's profile (the caller must be one of its members).
    ---
    put:
      summary: Replace an organisation's profile
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProfileInput'}
      responses:
        200:
          description: The saved profile
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Organisation'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    party = _organisation(party_id)
    authorize(g.api_user, "edit_organisation", party)

    def save():
        body = json_body()
        try:
            legal_form = LegalForm(body.get("legal_form"))
        except ValueError:
            raise DomainError(_("legal_form must be one of %(values)s.",
                                values=", ".join(f.value for f in LegalForm)), field="legal_form")
        values = {name: (str(body[name]).strip() if body.get(name) is not None else None) for name in _PROFILE_TEXT}
        values |= {name: fields.whole(body, name, required=False) for name in _PROFILE_INT}
        data = services.ProfileInput(
            legal_form=legal_form, registered_on=fields.day(body, "registered_on", required=False),
            grade_awarded_on=fields.day(body, "grade_awarded_on", required=False), **values)
        if "name" in body or "name_en" in body:
            services.rename(party, str(body.get("name") or party.name), body.get("name_en", party.name_en))
        return services.save_profile(party, data, today=local_today())

    return commit_or_error(save, lambda profile: jsonify(organisation_json(party, profile, private=True)))


@bp.put("/organisations/<int:party_id>/areas")
@token_required
def update_areas(party_id: int):
    """Replace the organisation's service areas.
    ---
    put:
      summary: Replace an organisation's service areas (division codes)
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [regions]
              properties:
                regions: {type: array, items: {type: string, pattern: '^[0-9]{6}$'}}
      responses:
        200:
          description: The areas kept (covering a city drops its counties)
          content:
            application/json:
              schema:
                type: object
                properties:
                  regions: {type: array, items: {type: string}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    party = _organisation(party_id)
    authorize(g.api_user, "edit_organisation", party)

    def save():
        codes = json_body().get("regions")
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise DomainError(_("regions must be a list of division codes."), field="regions")
        return services.set_service_areas(party, codes)

    return commit_or_error(save, lambda kept: jsonify(regions=kept))


@bp.post("/organisations/<int:party_id>/capabilities")
@token_required
def add_capability(party_id: int):
    """Add a capability statement for one service.
    ---
    post:
      summary: Add a capability statement
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CapabilityInput'}
      responses:
        201:
          description: The capability
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Capability'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    party = _organisation(party_id)
    authorize(g.api_user, "edit_organisation", party)
    return commit_or_error(lambda: services.save_capability(party, _capability_input(json_body())),
                           lambda capability: (jsonify(capability_json(capability)), 201))


@bp.put("/capabilities/<int:capability_id>")
@token_required
def update_capability(capability_id: int):
    """Change a capability statement.
    ---
    put:
      summary: Change a capability statement
      parameters:
        - {name: capability_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CapabilityInput'}
      responses:
        200:
          description: The capability
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Capability'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    capability = db.get_or_404(Capability, capability_id)
    party = _organisation(capability.party_id)
    authorize(g.api_user, "edit_organisation", party)
    return commit_or_error(lambda: services.save_capability(party, _capability_input(json_body()), capability),
                           lambda saved: jsonify(capability_json(saved)))


@bp.delete("/capabilities/<int:capability_id>")
@token_required
def delete_capability(capability_id: int):
    """Remove a capability statement.
    ---
    delete:
      summary: Remove a capability statement
      parameters:
        - {name: capability_id, in: path, required: true, schema: {type: integer}}
      responses:
        204: {description: Removed}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    capability = db.get_or_404(Capability, capability_id)
    authorize(g.api_user, "edit_organisation", _organisation(capability.party_id))
    services.delete_capability(capability)
    db.session.commit()
    return "", 204


def _capability_input(body: dict) -> services.CapabilityInput:
    return services.CapabilityInput(
        category_code=str(body.get("category") or ""), statement=str(body.get("statement") or ""),
        statement_en=body.get("statement_en"), target_groups=body.get("target_groups"),
        years=fields.whole(body, "years", required=False) or 0,
        projects=fields.whole(body, "projects", required=False) or 0,
        beneficiaries=fields.whole(body, "beneficiaries", required=False) or 0)


@bp.get("/organisations/<int:party_id>/credentials")
@token_required
def list_credentials(party_id: int):
    """The organisation's credentials (members and verifiers).
    ---
    get:
      summary: An organisation's credentials
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: Credentials
          content:
            application/json:
              schema:
                type: object
                properties:
                  credentials: {type: array, items: {$ref: '#/components/schemas/Credential'}}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    party = _organisation(party_id)
    authorize(g.api_user, "view_private", party)
    today = local_today()
    return jsonify(credentials=[credential_json(c, today) for c in services.credentials(party)])


@bp.post("/organisations/<int:party_id>/credentials")
@token_required
def add_credential(party_id: int):
    """Add a credential with its document (multipart form).
    ---
    post:
      summary: Add a credential (it starts pending verification)
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [type, number, issuer, issued_on]
              properties:
                type: {type: string}
                number: {type: string}
                issuer: {type: string}
                issued_on: {type: string, format: date}
                expires_on: {type: string, format: date}
                document: {type: string, format: binary, description: 'PDF, JPEG or PNG, at most 10 MB'}
      responses:
        201:
          description: The credential
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Credential'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    from .documents import MAX_DOCUMENT_BYTES

    party = _organisation(party_id)
    authorize(g.api_user, "edit_organisation", party)
    form = request.form

    def add():
        try:
            kind = CredentialType(form.get("type"))
        except ValueError:
            raise DomainError(_("type must be one of %(values)s.", values=", ".join(t.value for t in CredentialType)),
                              field="type")
        for name in ("number", "issuer"):
            if not (form.get(name) or "").strip():
                raise DomainError(_("%(field)s is required.", field=name), field=name)
        data = services.CredentialInput(type=kind, number=form["number"].strip(), issuer=form["issuer"].strip(),
                                        issued_on=fields.day(form, "issued_on"),
                                        expires_on=fields.day(form, "expires_on", required=False))
        upload = request.files.get("document")
        document = (upload.read(MAX_DOCUMENT_BYTES + 1), upload.filename) if upload and upload.filename else None
        return services.add_credential(party, data, document, today=local_today())

    return commit_or_error(add, lambda credential: (jsonify(credential_json(credential, local_today())), 201))


@bp.get("/organisations/<int:party_id>/members")
@token_required
def organisation_members(party_id: int):
    """The organisation's members (its members only).
    ---
    get:
      summary: An organisation's members
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: Members
          content:
            application/json:
              schema:
                type: object
                properties:
                  members:
                    type: array
                    items:
                      type: object
                      properties:
                        email: {type: string}
                        name: {type: string}
                        role: {type: string, enum: [admin, member]}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    party = _organisation(party_id)
    if g.api_user.membership_in(party.id) is None:
        authorize(g.api_user, "manage_members", party)
    return jsonify(members=[{"email": m.user.email, "name": m.user.name, "role": m.role.value}
                            for m in party.memberships])


@bp.get("/categories")
def service_categories():
    """The service catalogue.
    ---
    get:
      summary: The bilingual catalogue of purchased social services
      security: []
      responses:
        200:
          description: Groups and their services
          content:
            application/json:
              schema:
                type: object
                properties:
                  groups:
                    type: array
                    items:
                      type: object
                      properties:
                        code: {type: string}
                        name_zh: {type: string}
                        name_en: {type: string}
                        services:
                          type: array
                          items:
                            type: object
                            properties:
                              code: {type: string}
                              name_zh: {type: string}
                              name_en: {type: string}
    """
    return jsonify(groups=[{"code": group.code, "name_zh": group.name_zh, "name_en": group.name_en, "services": [
        {"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en} for s in group.services]}
        for group in catalogue.groups()])


@bp.get("/regions")
def region_children():
    """Administrative divisions (GB/T 2260), one level at a time.
    ---
    get:
      summary: Provinces, or the children of a division
      security: []
      parameters:
        - {name: parent, in: query, schema: {type: string}, description: 'Division code; absent for provinces'}
      responses:
        200:
          description: Divisions
          content:
            application/json:
              schema:
                type: object
                properties:
                  regions:
                    type: array
                    items:
                      type: object
                      properties:
                        code: {type: string}
                        name_zh: {type: string}
                        name_en: {type: string}
                        level: {type: string, enum: [province, city, county]}
        404: {$ref: '#/components/responses/NotFound'}
    """
    parent = request.args.get("parent")
    if parent and not regions.is_valid(parent):
        return api_error(404, _("%(code)s is not an administrative division code.", code=parent))
    items = regions.children(parent) if parent else regions.provinces()
    return jsonify(regions=[{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level}
                            for r in items], locale=current_locale())
