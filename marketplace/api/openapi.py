"""The OpenAPI 3 document, generated from the API views' docstrings (the YAML after '---')."""

from __future__ import annotations

from apispec import APISpec
from apispec.yaml_utils import load_operations_from_docstring
from flask import current_app, jsonify

from . import bp

API_VERSION = "1.0.0"

COMPONENTS = {
    "securitySchemes": {
        "bearerToken": {"type": "http", "scheme": "bearer",
                        "description": "A personal access token created under Account > API tokens."}
    },
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            }}},
        },
        "PartySummary": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["agency", "organisation", "incubator"]},
                "name": {"type": "string"},
                "name_en": {"type": "string", "nullable": True},
                "status": {"type": "string", "enum": ["pending", "approved", "rejected", "suspended"]},
            },
        },
        "OrganisationSummary": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "name_en": {"type": "string", "nullable": True},
                "legal_form": {"type": "string"}, "home_region": {"type": "string", "nullable": True},
                "grade": {"type": "string", "nullable": True, "description": "Only while in force"},
                "categories": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Organisation": {
            "type": "object",
            "description": "Public profile; `contact` only for the organisation's members and verifiers.",
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "name_en": {"type": "string", "nullable": True},
                "legal_form": {"type": "string"}, "credit_code": {"type": "string", "nullable": True},
                "registered_on": {"type": "string", "format": "date", "nullable": True},
                "home_region": {"type": "string", "nullable": True}, "grade": {"type": "string", "nullable": True},
                "service_areas": {"type": "array", "items": {"type": "string"}},
                "capabilities": {"type": "array", "items": {"$ref": "#/components/schemas/Capability"}},
                "credentials": {"type": "array", "items": {"$ref": "#/components/schemas/Credential"}},
                "contact": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
            },
        },
        "ProfileInput": {
            "type": "object",
            "required": ["legal_form"],
            "properties": {
                "name": {"type": "string"}, "name_en": {"type": "string", "nullable": True},
                "legal_form": {"type": "string", "enum": ["social_group", "social_service_institution", "foundation",
                                                          "unregistered", "other"]},
                "credit_code": {"type": "string", "nullable": True},
                "registered_on": {"type": "string", "format": "date", "nullable": True},
                "registration_authority": {"type": "string", "nullable": True},
                "home_region": {"type": "string", "nullable": True}, "address": {"type": "string", "nullable": True},
                "contact_name": {"type": "string", "nullable": True},
                "contact_phone": {"type": "string", "nullable": True},
                "contact_email": {"type": "string", "nullable": True},
                "mission": {"type": "string", "nullable": True}, "mission_en": {"type": "string", "nullable": True},
                "headcount": {"type": "integer", "minimum": 0}, "full_time_staff": {"type": "integer", "minimum": 0},
                "social_workers_assistant": {"type": "integer", "minimum": 0},
                "social_workers_intermediate": {"type": "integer", "minimum": 0},
                "social_workers_senior": {"type": "integer", "minimum": 0},
                "volunteers": {"type": "integer", "minimum": 0}, "annual_capacity": {"type": "integer", "minimum": 0},
                "current_commitments": {"type": "integer", "minimum": 0},
                "grade": {"type": "string", "nullable": True, "enum": ["1A", "2A", "3A", "4A", "5A", None]},
                "grade_awarded_on": {"type": "string", "format": "date", "nullable": True},
            },
        },
        "CapabilityInput": {
            "type": "object",
            "required": ["category", "statement"],
            "properties": {
                "category": {"type": "string", "description": "A service code from /categories"},
                "statement": {"type": "string"}, "statement_en": {"type": "string", "nullable": True},
                "target_groups": {"type": "string", "nullable": True}, "years": {"type": "integer", "minimum": 0},
                "projects": {"type": "integer", "minimum": 0}, "beneficiaries": {"type": "integer", "minimum": 0},
            },
        },
        "Capability": {"allOf": [{"$ref": "#/components/schemas/CapabilityInput"},
                                 {"type": "object", "properties": {"id": {"type": "integer"}}}]},
        "Credential": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "type": {"type": "string"}, "number": {"type": "string"},
                "issuer": {"type": "string"}, "issued_on": {"type": "string", "format": "date"},
                "expires_on": {"type": "string", "format": "date", "nullable": True},
                "status": {"type": "string", "enum": ["pending", "verified", "rejected"]},
                "expired": {"type": "boolean"}, "counts_for_eligibility": {"type": "boolean"},
                "has_document": {"type": "boolean"},
            },
        },
        "Tender": {"type": "object", "description": "A tender with lots, criteria, amendments, answers, awards",
                   "properties": {"id": {"type": "integer"}, "reference": {"type": "string"},
                                  "title": {"type": "string"}, "status": {"type": "string"},
                                  "deadline": {"type": "string", "format": "date-time", "nullable": True},
                                  "lots": {"type": "array", "items": {"type": "object"}},
                                  "criteria": {"type": "array", "items": {"type": "object"}}}},
        "TenderInput": {"type": "object", "required": ["agency_id", "title", "description", "category",
                                                       "service_start", "service_end", "lots"],
                        "properties": {"agency_id": {"type": "integer"}, "title": {"type": "string"},
                                       "description": {"type": "string"}, "category": {"type": "string"},
                                       "procurement_method": {"type": "string"},
                                       "evaluation_method": {"type": "string"},
                                       "service_start": {"type": "string", "format": "date"},
                                       "service_end": {"type": "string", "format": "date"},
                                       "deadline": {"type": "string", "format": "date-time"},
                                       "price_weight": {"type": "integer"},
                                       "lots": {"type": "array", "items": {"type": "object"}},
                                       "criteria": {"type": "array", "items": {"type": "object"}}}},
        "Bid": {"type": "object", "properties": {
            "id": {"type": "integer"}, "status": {"type": "string", "enum": ["draft", "submitted", "withdrawn"]},
            "version": {"type": "integer"}, "unit_price": {"type": "string", "nullable": True},
            "total_price": {"type": "string", "nullable": True},
            "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
            "receipt_hash": {"type": "string", "nullable": True}, "rank": {"type": "integer", "nullable": True}}},
        "Job": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "job": {"type": "string"},
                "description": {"type": "string"},
                "status": {"type": "string",
                           "enum": ["queued", "scheduled", "running", "retrying", "finished", "failed"]},
                "attempts": {"type": "integer"},
                "max_attempts": {"type": "integer"},
                "enqueued_at": {"type": "string", "format": "date-time"},
                "started_at": {"type": "string", "format": "date-time", "nullable": True},
                "ended_at": {"type": "string", "format": "date-time", "nullable": True},
                "result": {"type": "object", "nullable": True},
            },
        },
        "GapCell": {
            "type": "object",
            "description": "Demand against supply for one service (or service group) in one region",
            "properties": {
                "region": {"type": "string"}, "region_name": {"type": "string"},
                "category": {"type": "string"}, "category_name": {"type": "string"},
                "open_tenders": {"type": "integer"}, "recent_tenders": {"type": "integer"},
                "failed_tenders": {"type": "integer"}, "budget": {"type": "string", "description": "CNY"},
                "providers": {"type": "integer"}, "bids_per_tender": {"type": "number", "nullable": True},
                "level": {"type": "string", "enum": ["zero", "thin", "watch", "ok", "idle"]},
            },
        },
        "ProgrammeInput": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "focus_categories": {"type": "array", "items": {"type": "string"},
                                     "description": "Service codes from /categories"},
                "focus_regions": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{6}$"}},
                "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
                "capacity": {"type": "integer", "minimum": 1}, "budget": {"type": "string", "description": "CNY"},
                "support_offered": {"type": "string", "nullable": True},
            },
        },
        "Programme": {
            "type": "object",
            "description": "A programme; `spent` to `outcomes` only on a single programme, `email` of mentors only "
                           "for the incubator's staff.",
            "properties": {
                "id": {"type": "integer"},
                "incubator": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "name": {"type": "string"},
                "focus_categories": {"type": "array", "items": {"type": "string"}},
                "focus_regions": {"type": "array", "items": {"type": "string"}},
                "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
                "capacity": {"type": "integer"}, "enrolled": {"type": "integer", "description": "Active groups"},
                "budget": {"type": "string"}, "support_offered": {"type": "string", "nullable": True},
                "spent": {"type": "string"},
                "spent_by_kind": {"type": "object", "additionalProperties": {"type": "string"}},
                "mentors": {"type": "array", "items": {"type": "object", "properties": {
                    "user_id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}}}},
                "enrolments": {"type": "array", "items": {"type": "object"}},
                "outcomes": {"type": "array", "items": {"type": "object"},
                             "description": "Each graduate's bids and awards since graduating"},
            },
        },
        "ActionItem": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "text": {"type": "string"}, "owner": {"type": "string"},
                "due_on": {"type": "string", "format": "date"},
                "done_on": {"type": "string", "format": "date", "nullable": True}, "overdue": {"type": "boolean"},
            },
        },
        "MentoringSession": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "held_on": {"type": "string", "format": "date"},
                "topics": {"type": "string"}, "notes": {"type": "string", "nullable": True},
                "mentor": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "actions": {"type": "array", "items": {"$ref": "#/components/schemas/ActionItem"}},
            },
        },
        "SupportEntry": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "enrolment_id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["space", "equipment", "seed_funding", "training",
                                                    "project_support"]},
                "description": {"type": "string"}, "amount": {"type": "string", "description": "CNY"},
                "given_on": {"type": "string", "format": "date"}, "over_budget_confirmed": {"type": "boolean"},
            },
        },
        "Enrolment": {
            "type": "object",
            "description": "One group in one programme; `budget` only for the incubator's staff.",
            "properties": {
                "id": {"type": "integer"}, "programme": {"type": "object"}, "party": {"type": "object"},
                "stage": {"type": "string", "enum": ["grassroots", "registering", "building_capacity",
                                                     "pilot_delivery", "market_ready", "graduated", "withdrawn"]},
                "active": {"type": "boolean"}, "enrolled_on": {"type": "string", "format": "date"},
                "graduated_on": {"type": "string", "format": "date", "nullable": True},
                "withdrawn_on": {"type": "string", "format": "date", "nullable": True},
                "intake_assessment": {"type": "string"},
                "next_stages": {"type": "array", "items": {"type": "object", "properties": {
                    "stage": {"type": "string"}, "missing": {"type": "array", "items": {"type": "string"}}}}},
                "moves": {"type": "array", "items": {"type": "object"}},
                "checklist": {"type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string"}, "label": {"type": "string"}, "needed_for": {"type": "string"},
                    "done": {"type": "boolean"}, "done_on": {"type": "string", "format": "date", "nullable": True},
                    "evidence": {"type": "string", "nullable": True}}}},
                "readiness": {"type": "array", "items": {"type": "object"}, "description": "Score history"},
                "gap_analysis": {"type": "object", "properties": {
                    "considered": {"type": "integer"}, "eligible": {"type": "integer"}, "score": {"type": "number"},
                    "blockers": {"type": "array", "items": {"type": "object", "properties": {
                        "item": {"type": "string"}, "label": {"type": "string"}, "blocks": {"type": "integer"}}}},
                    "closest": {"type": "array", "items": {"type": "object"}}}},
                "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/MentoringSession"}},
                "support": {"type": "array", "items": {"$ref": "#/components/schemas/SupportEntry"}},
                "budget": {"type": "object", "properties": {"budget": {"type": "string"}, "spent": {"type": "string"}}},
            },
        },
    },
    "responses": {
        "BadRequest": {"description": "Invalid input; `fields` names each field at fault",
                       "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "Conflict": {"description": "Not possible in the tender's current state",
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "Unauthorized": {"description": "No valid token",
                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "Forbidden": {"description": "Not allowed for this object",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "NotFound": {"description": "No such object",
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    },
}


def _openapi_path(rule: str) -> str:
    """Flask `/jobs/<int:job_id>` -> OpenAPI `/jobs/{job_id}`, relative to the server URL."""
    import re

    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.removeprefix(bp.url_prefix))


def build_spec() -> dict:
    spec = APISpec(
        title="Social Service Marketplace API",
        version=API_VERSION,
        openapi_version="3.0.3",
        info={"description": "Government purchase of social services. Authenticate with a personal "
                             "access token: `Authorization: Bearer ssm_...`."},
        servers=[{"url": bp.url_prefix}],
        security=[{"bearerToken": []}],
    )
    for name, component in COMPONENTS["schemas"].items():
        spec.components.schema(name, component)
    for name, component in COMPONENTS["responses"].items():
        spec.components.response(name, component)
    for name, component in COMPONENTS["securitySchemes"].items():
        spec.components.security_scheme(name, component)
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        view = current_app.view_functions[rule.endpoint]
        operations = load_operations_from_docstring(view.__doc__ or "")
        if operations:
            spec.path(path=_openapi_path(rule.rule), operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI document of this API.
    ---
    get:
      summary: This OpenAPI document
      security: []
      responses:
        200:
          description: OpenAPI 3 document
          content:
            application/json:
              schema: {type: object}
    """
    return jsonify(build_spec())
