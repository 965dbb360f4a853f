"""Public JSON for the cascading region picker: the children of a region, named in the visitor's language."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from marketplace import regions
from marketplace.errors import ERROR_MESSAGES
from marketplace.i18n import current_locale

bp = Blueprint("regions", __name__, url_prefix="/regions")

CACHE_CONTROL = "public, max-age=86400"


@bp.get("/children")
def children():
    """`?parent=CODE` lists the regions under CODE; without it, the provinces. Unknown parent: 404."""
    parent = request.args.get("parent", "").strip()
    if parent and not regions.is_valid(parent):
        response = jsonify(error={"status": 404, "message": str(ERROR_MESSAGES[404])})
        response.status_code = 404
        return response
    found = regions.children(parent) if parent else regions.provinces()
    locale = current_locale()
    response = jsonify(regions=[
        {"code": region.code, "name": region.name(locale), "level": region.level,
         "has_children": bool(regions.children(region.code))}
        for region in found
    ])
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept-Language")  # the names follow the visitor's language
    return response
