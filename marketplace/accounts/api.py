"""API endpoints for the signed-in user and their parties."""

from __future__ import annotations

from flask import g, jsonify

from marketplace.api import bp, token_required
from marketplace.authz import authorize, can
from marketplace.extensions import db
from marketplace.models import Party


def party_summary(party: Party) -> dict:
    return {"id": party.id, "kind": party.kind.value, "name": party.name, "name_en": party.name_en,
            "status": party.status.value}


@bp.get("/me")
@token_required
def me():
    """The account the token belongs to.
    ---
    get:
      summary: The current user, their platform roles and parties
      responses:
        200:
          description: The current user
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: integer}
                  email: {type: string}
                  name: {type: string}
                  locale: {type: string, nullable: true}
                  platform_roles: {type: array, items: {type: string, enum: [admin, expert]}}
                  parties:
                    type: array
                    items:
                      allOf:
                        - $ref: '#/components/schemas/PartySummary'
                        - type: object
                          properties:
                            role: {type: string, enum: [admin, member, mentor]}
        401: {$ref: '#/components/responses/Unauthorized'}
    """
    user = g.api_user
    return jsonify(
        id=user.id,
        email=user.email,
        name=user.name,
        locale=user.locale,
        platform_roles=sorted(grant.role.value for grant in user.role_grants),
        parties=[party_summary(m.party) | {"role": m.role.value} for m in user.memberships],
    )


@bp.get("/parties/<int:party_id>")
@token_required
def party_detail(party_id: int):
    """One party the user belongs to, with its members when the user manages it.
    ---
    get:
      summary: A party (agency, organisation or incubator) the user belongs to
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The party
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/PartySummary'
                  - type: object
                    properties:
                      members:
                        type: array
                        items:
                          type: object
                          properties:
                            email: {type: string}
                            name: {type: string}
                            role: {type: string, enum: [admin, member, mentor]}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    party = db.get_or_404(Party, party_id)
    authorize(g.api_user, "view", party)
    body = party_summary(party)
    if can(g.api_user, "manage_members", party):
        body["members"] = [{"email": m.user.email, "name": m.user.name, "role": m.role.value}
                           for m in party.memberships]
    return jsonify(body)
