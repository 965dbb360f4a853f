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
    },
    "responses": {
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

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix(bp.url_prefix))


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
