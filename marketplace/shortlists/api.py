"""API endpoints for shortlists, invitations, recommendations, forecasts and reference prices."""

from __future__ import annotations

from flask import abort, g, jsonify, request
from flask_babel import gettext as _

from marketplace.api import api_error, bp, commit_or_error, token_required
from marketplace.authz import authorize
from marketplace.extensions import db
from marketplace.models import DeclineReason, MatchResult, Party, PartyKind, Tender, TenderInvitation

from . import invitations, services
from .forecast import forecast


def result_json(result: MatchResult) -> dict:
    return {"party_id": result.party_id, "name": result.party.name, "rank": result.rank, "score": result.score,
            "eligible": result.eligible, "unmet": result.unmet, "components": result.components,
            "reasons": result.reasons, "findings": result.findings, "matcher_version": result.matcher_version,
            "computed_at": result.computed_at.isoformat()}


def _managed(tender_id: int) -> Tender:
    tender = db.get_or_404(Tender, tender_id)
    authorize(g.api_user, "manage", tender)
    return tender


@bp.get("/tenders/<int:tender_id>/shortlist")
@token_required
def get_shortlist(tender_id: int):
    """The tender's shortlist per lot, with components, reasons and invitation states (its agency).
    ---
    get:
      summary: Ranked, explained candidates per lot (eligible and near-eligible)
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: Shortlists
          content:
            application/json:
              schema:
                type: object
                properties:
                  lots: {type: array, items: {type: object}}
                  invitations: {type: array, items: {type: object}}
                  declines: {type: object, additionalProperties: {type: integer}}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    tender = _managed(tender_id)
    lots = []
    for lot in tender.lots:
        eligible, near = services.shortlist(lot)
        lots.append({"lot": lot.number, "lot_id": lot.id, "eligible": [result_json(r) for r in eligible],
                     "near_eligible": [result_json(r) for r in near]})
    return jsonify(lots=lots, declines=dict(invitations.decline_reasons(tender)), invitations=[
        {"id": i.id, "party_id": i.party_id, "status": i.status.value,
         "decline_reason": i.decline_reason.value if i.decline_reason else None}
        for i in invitations.invitations(tender)])


@bp.post("/tenders/<int:tender_id>/invitations")
@token_required
def send_invitations(tender_id: int):
    """Invite organisations to bid: by id, or the top N eligible of every lot.
    ---
    post:
      summary: Invite organisations to bid
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                party_ids: {type: array, items: {type: integer}}
                top: {type: integer, minimum: 1}
      responses:
        200:
          description: The invitations created
          content:
            application/json:
              schema: {type: object, properties: {invited: {type: array, items: {type: integer}}}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    tender = _managed(tender_id)
    body = request.get_json(silent=True) or {}
    party_ids = [i for i in body.get("party_ids") or [] if isinstance(i, int)]
    top = body.get("top") if isinstance(body.get("top"), int) else 0
    for lot in tender.lots if top > 0 else []:
        party_ids += [r.party_id for r in services.shortlist(lot, limit=top)[0]]
    return commit_or_error(lambda: invitations.invite(tender, list(dict.fromkeys(party_ids)), by=g.api_user),
                           lambda created: jsonify(invited=[i.party_id for i in created]))


@bp.post("/tender-invitations/<int:invitation_id>/decline")
@token_required
def decline_invitation(invitation_id: int):
    """Decline an invitation with a structured reason (the invited organisation).
    ---
    post:
      summary: Decline an invitation to bid
      parameters:
        - {name: invitation_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [reason]
              properties:
                reason: {type: string, enum: [price_too_low, capacity, risk, timing, requirements, other]}
                text: {type: string}
      responses:
        200: {description: Declined}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    invitation = db.get_or_404(TenderInvitation, invitation_id)
    if g.api_user.membership_in(invitation.party_id) is None:
        abort(403)
    body = request.get_json(silent=True) or {}
    if body.get("reason") not in DeclineReason._value2member_map_:
        return api_error(400, _("Choose a reason."), {"reason": [", ".join(DeclineReason._value2member_map_)]})
    return commit_or_error(lambda: invitations.decline(invitation, DeclineReason(body["reason"]), body.get("text"),
                                                       by=g.api_user),
                           lambda _r: jsonify(status="declined"))


@bp.get("/organisations/<int:party_id>/recommendations")
@token_required
def organisation_recommendations(party_id: int):
    """Open tenders ranked for one of the user's organisations, with what it is missing.
    ---
    get:
      summary: Tenders for you
      parameters:
        - {name: party_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: Recommended tenders
          content:
            application/json:
              schema: {type: object, properties: {tenders: {type: array, items: {type: object}}}}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    party = db.get_or_404(Party, party_id)
    if party.kind != PartyKind.ORGANISATION or g.api_user.membership_in(party.id) is None:
        abort(403)
    return jsonify(tenders=[result_json(r) | {"tender_id": r.tender_id, "lot_id": r.lot_id}
                            for r in services.recommendations(party)])


@bp.get("/tenders/<int:tender_id>/forecast")
@token_required
def tender_forecast(tender_id: int):
    """The competition forecast of a draft or open tender (its agency).
    ---
    get:
      summary: Eligible organisations, expected bids, risk and remedies per lot
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The forecast
          content:
            application/json:
              schema: {type: object, properties: {lots: {type: array, items: {type: object}}}}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    tender = _managed(tender_id)
    return jsonify(lots=[{
        "lot": f.lot.number, "lot_id": f.lot.id, "eligible": f.eligible, "expected_bids": f.expected_bids,
        "risk": f.risk, "near_eligible": [{"name": name, "missing": code} for name, code in f.near_eligible],
        "reference_range": ({"p25": f.reference_range[0], "p75": f.reference_range[1],
                             "awards": f.reference_range[2]} if f.reference_range else None),
        "ceiling_below_reference": f.ceiling_below_reference,
        "remedies": [{"key": r.key, "rule": r.rule, "value": r.value, "gain": r.gain, "applicable": r.applicable}
                     for r in f.remedies],
        "emerging_candidates": [{"party_id": c.enrolment.party_id, "name": c.enrolment.party.name,
                                 "stage": c.enrolment.stage.value, "readiness": c.score,
                                 "unmet": [finding.code for finding in c.unmet]} for c in f.emerging],
    } for f in forecast(tender)])


@bp.get("/reference-prices")
def get_reference_prices():
    """Reference unit prices from past awards.
    ---
    get:
      summary: The 25th-75th percentile of awarded unit prices per category and unit
      security: []
      responses:
        200:
          description: Reference prices
          content:
            application/json:
              schema: {type: object, properties: {prices: {type: array, items: {type: object}}}}
    """
    return jsonify(prices=services.reference_prices())
