"""API endpoints for tenders and bids. Sealed bids stay sealed here too."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.api import api_error, bp, commit_or_error, json_body, optional_token_user, token_required
from marketplace.authz import authorize, can
from marketplace.bids import services as bidding
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Amendment,
    Bid,
    Clarification,
    EvaluationMethod,
    Lot,
    Party,
    PartyKind,
    PricingUnit,
    ProcurementMethod,
    Tender,
    TenderStatus,
    utcnow,
)
from marketplace.web import arrival_time

from . import services
from .eligibility import assess_for_lot


def _when(value, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("%(field)s must be an ISO 8601 time with its offset, e.g. 2027-01-31T17:00:00+08:00.",
                            field=name), field=name)
    if moment.tzinfo is None:
        raise DomainError(_("%(field)s needs a time-zone offset, e.g. +08:00.", field=name), field=name)
    return moment


def _day(value, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("%(field)s must be a date like 2027-01-31.", field=name), field=name)


def _money(value, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(field)s must be a number.", field=name), field=name)


def _visible(tender_id: int) -> Tender:
    tender = db.get_or_404(Tender, tender_id)
    if tender.status == TenderStatus.DRAFT and not can(optional_token_user(), "view", tender):
        abort(404)
    return tender


def tender_json(tender: Tender) -> dict:
    return {
        "id": tender.id, "reference": tender.reference, "title": tender.title, "description": tender.description,
        "agency": {"id": tender.agency_party_id, "name": tender.agency.name}, "category": tender.category_code,
        "procurement_method": tender.procurement_method.value, "status": tender.status.value,
        "service_start": tender.service_start.isoformat(), "service_end": tender.service_end.isoformat(),
        "deadline": tender.deadline.isoformat() if tender.deadline else None,
        "clarification_deadline": tender.clarification_deadline.isoformat() if tender.clarification_deadline
        else None,
        "evaluation_method": tender.evaluation_method.value, "price_weight": tender.price_weight,
        "min_bids": tender.min_bids, "budget": str(tender.total_ceiling),
        "lots": [{"id": lot.id, "number": lot.number, "title": lot.title, "regions": lot.regions,
                  "pricing_unit": lot.pricing_unit.value, "quantity": str(lot.quantity),
                  "ceiling_unit_price": str(lot.ceiling_unit_price), "ceiling_total": str(lot.ceiling_total),
                  "required_credentials": lot.required_credentials, "min_grade": lot.min_grade,
                  "min_years_registered": lot.min_years_registered, "min_social_workers": lot.min_social_workers,
                  "min_annual_capacity": lot.min_annual_capacity, "based_in": lot.based_in,
                  "no_bad_standing": lot.no_bad_standing, "result": lot.result} for lot in tender.lots],
        "criteria": [{"id": c.id, "name": c.name, "weight": c.weight, "guidance": c.guidance}
                     for c in tender.criteria],
        "amendments": [{"number": a.number, "summary": a.summary, "material": a.material,
                        "published_at": a.created_at.isoformat()} for a in db.session.scalars(
            select(Amendment).where(Amendment.tender_id == tender.id).order_by(Amendment.number))],
        "answers": [{"question": q.question, "answer": q.answer} for q in db.session.scalars(
            select(Clarification).where(Clarification.tender_id == tender.id, Clarification.answer.is_not(None)))],
        "cancellation_reason": tender.cancellation_reason, "failure_reason": tender.failure_reason,
        "previous_round_id": tender.previous_round_id,
        "procedure_change_justification": tender.procedure_change_justification,
        "objection_ends_at": tender.objection_ends_at.isoformat() if tender.objection_ends_at else None,
        "awards": [{"lot": b.lot.number, "bidder": b.party.name, "total_price": str(b.total_price)}
                   for b in db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.awarded))]
        if tender.status in (TenderStatus.AWARD_NOTICE, TenderStatus.AWARDED) else [],
    }


def bid_json(bid: Bid) -> dict:
    return {"id": bid.id, "tender_id": bid.tender_id, "lot_id": bid.lot_id, "party_id": bid.party_id,
            "status": bid.status.value, "version": bid.version,
            "unit_price": str(bid.unit_price) if bid.unit_price is not None else None,
            "total_price": str(bid.total_price) if bid.total_price is not None else None,
            "proposals": bid.proposals, "team": bid.team, "implementation_plan": bid.implementation_plan,
            "submitted_at": bid.submitted_at.isoformat() if bid.submitted_at else None,
            "receipt_hash": bid.receipt_hash, "qualified": bid.qualified,
            "total_score": str(bid.total_score) if bid.total_score is not None else None, "rank": bid.rank,
            "awarded": bid.awarded}


@bp.get("/tenders")
def list_tenders():
    """Published tenders.
    ---
    get:
      summary: Published tenders (public), newest deadline first
      security: []
      parameters:
        - {name: status, in: query, schema: {type: string}}
        - {name: category, in: query, schema: {type: string}}
      responses:
        200:
          description: Tenders
          content:
            application/json:
              schema:
                type: object
                properties:
                  tenders: {type: array, items: {$ref: '#/components/schemas/Tender'}}
    """
    query = select(Tender).where(Tender.status != TenderStatus.DRAFT)
    if request.args.get("status") in TenderStatus._value2member_map_:
        query = query.where(Tender.status == TenderStatus(request.args["status"]))
    if request.args.get("category"):
        query = query.where(Tender.category_code == request.args["category"])
    tenders = db.session.scalars(query.order_by(Tender.deadline.desc()).limit(200))
    return jsonify(tenders=[tender_json(t) for t in tenders])


@bp.get("/tenders/<int:tender_id>")
def get_tender(tender_id: int):
    """A tender with its lots, criteria, amendments, answers and award.
    ---
    get:
      summary: A tender (drafts only for its agency)
      security: [{}, {bearerToken: []}]
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The tender
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tender'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(tender_json(_visible(tender_id)))


def _tender_parts(body: dict):
    try:
        data = services.TenderInput(
            title=str(body.get("title") or "").strip(), description=str(body.get("description") or ""),
            category_code=str(body.get("category") or ""),
            procurement_method=ProcurementMethod(body.get("procurement_method", "open_tender")),
            service_start=_day(body.get("service_start"), "service_start"),
            service_end=_day(body.get("service_end"), "service_end"),
            evaluation_method=EvaluationMethod(body.get("evaluation_method", "comprehensive")),
            deadline=_when(body.get("deadline"), "deadline"),
            clarification_deadline=_when(body.get("clarification_deadline"), "clarification_deadline"),
            beneficiaries=body.get("beneficiaries"), beneficiaries_count=body.get("beneficiaries_count"),
            deliverables=body.get("deliverables"), outcome_indicators=body.get("outcome_indicators"),
            price_weight=int(body.get("price_weight", 30)), objection_days=body.get("objection_days"))
        lots = [services.LotInput(
            title=str(lot.get("title") or f"Lot {n}"), pricing_unit=PricingUnit(lot.get("pricing_unit")),
            quantity=_money(lot.get("quantity"), "quantity"),
            ceiling_unit_price=_money(lot.get("ceiling_unit_price"), "ceiling_unit_price"),
            regions=list(lot.get("regions") or []), post_qualification=lot.get("post_qualification"),
            place_of_work=lot.get("place_of_work"), required_credentials=list(lot.get("required_credentials") or []),
            min_grade=lot.get("min_grade"), min_years_registered=lot.get("min_years_registered"),
            min_social_workers=lot.get("min_social_workers"), min_annual_capacity=lot.get("min_annual_capacity"),
            based_in=lot.get("based_in"), no_bad_standing=bool(lot.get("no_bad_standing", True)))
            for n, lot in enumerate(body.get("lots") or [], start=1)]
        criteria = [services.CriterionInput(name=str(c.get("name")), weight=int(c.get("weight", 0)),
                                            guidance=c.get("guidance")) for c in body.get("criteria") or []]
    except (ValueError, TypeError, AttributeError) as exc:
        raise DomainError(_("The tender is not well formed: %(problem)s", problem=str(exc)))
    return data, lots, criteria


@bp.post("/tenders")
@token_required
def create_tender():
    """Draft a tender for one of the user's agencies.
    ---
    post:
      summary: Draft a tender (body as in the Tender schema, plus agency_id)
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TenderInput'}
      responses:
        201:
          description: The draft
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tender'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    body = request.get_json(silent=True) or {}
    agency = db.get_or_404(Party, body.get("agency_id") if isinstance(body.get("agency_id"), int) else 0)
    authorize(g.api_user, "draft_tenders", agency)

    def create():
        return services.create_draft(agency, *_tender_parts(json_body()), by=g.api_user)

    return commit_or_error(create, lambda tender: (jsonify(tender_json(tender)), 201))


def _lifecycle_endpoint(tender_id: int, action, permission: str = "manage"):
    tender = db.get_or_404(Tender, tender_id)
    authorize(g.api_user, permission, tender)
    return commit_or_error(lambda: action(tender), lambda _result: jsonify(tender_json(tender)))


@bp.post('/tenders/<int:tender_id>/<any(publish, cancel, "finish-qualification", "propose-award", '
         '"publish-award"):action>')
@token_required
def tender_action(tender_id: int, action: str):
    """Move a tender through its lifecycle.
    ---
    post:
      summary: 'A lifecycle step: publish, cancel (body {"reason"}), finish-qualification, propose-award,
        publish-award'
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
        - {name: action, in: path, required: true,
           schema: {type: string, enum: [publish, cancel, finish-qualification, propose-award, publish-award]}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {reason: {type: string}}}
      responses:
        200:
          description: The tender after the step
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tender'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    user = g.api_user
    actions = {
        "publish": lambda t: services.publish(t, by=user),
        "cancel": lambda t: services.cancel(t, str((request.get_json(silent=True) or {}).get("reason") or ""),
                                            by=user),
        "finish-qualification": lambda t: services.finish_qualification(t, by=user),
        "propose-award": lambda t: services.propose_award(t, by=user),
        "publish-award": lambda t: services.publish_award(t, by=user),
    }
    return _lifecycle_endpoint(tender_id, actions[action])


@bp.post("/tenders/<int:tender_id>/amendments")
@token_required
def amend_tender(tender_id: int):
    """Amend a published tender.
    ---
    post:
      summary: Amend a published tender (the only way to change it after publishing)
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [summary, changes]
              properties:
                summary: {type: string}
                material: {type: boolean}
                changes: {type: object, description: 'Fields among description, deliverables, outcome_indicators,
                  deadline, clarification_deadline, service_start, service_end, beneficiaries, beneficiaries_count'}
      responses:
        200:
          description: The amended tender
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tender'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    def amend(tender):
        body = json_body()
        changes = dict(body.get("changes") or {})
        for name in ("deadline", "clarification_deadline"):
            if name in changes:
                changes[name] = _when(changes[name], name)
        for name in ("service_start", "service_end"):
            if name in changes:
                changes[name] = _day(changes[name], name)
        return services.amend(tender, changes, summary=str(body.get("summary") or ""),
                              material=bool(body.get("material")), by=g.api_user)

    return _lifecycle_endpoint(tender_id, amend)


@bp.get("/lots/<int:lot_id>/eligibility")
@token_required
def lot_eligibility(lot_id: int):
    """How an organisation of the user meets a lot's rules.
    ---
    get:
      summary: Eligibility of one of the user's organisations for a lot
      parameters:
        - {name: lot_id, in: path, required: true, schema: {type: integer}}
        - {name: party_id, in: query, required: true, schema: {type: integer}}
      responses:
        200:
          description: The findings
          content:
            application/json:
              schema:
                type: object
                properties:
                  eligible: {type: boolean}
                  met: {type: integer}
                  total: {type: integer}
                  findings: {type: array, items: {type: object}}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    from marketplace.i18n import current_locale
    from marketplace.matching.eligibility import describe

    from .views import to_local

    lot = db.get_or_404(Lot, lot_id)
    party = _own_organisation(request.args.get("party_id", type=int))
    assessment = assess_for_lot(party, lot, to_local(utcnow()).date())
    if assessment is None:
        return api_error(400, _("Fill in your registry profile first."))
    return jsonify(eligible=assessment.eligible, met=assessment.met, total=assessment.total,
                   findings=[{"rule": f.rule, "met": f.met, "code": f.code, "params": f.params,
                              "message": describe(f, current_locale())} for f in assessment.findings])


def _own_organisation(party_id: int | None) -> Party:
    party = db.get_or_404(Party, party_id or 0)
    if party.kind != PartyKind.ORGANISATION or g.api_user.membership_in(party.id) is None:
        abort(403)
    return party


@bp.put("/lots/<int:lot_id>/bid")
@token_required
def save_bid(lot_id: int):
    """Save (and optionally submit) the organisation's bid for a lot.
    ---
    put:
      summary: Save or submit a bid (sealed until the deadline; refused after it by server time)
      parameters:
        - {name: lot_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [party_id]
              properties:
                party_id: {type: integer}
                submit: {type: boolean}
                version: {type: integer, description: 'The version you last read; a stale one is refused'}
                unit_price: {type: string}
                proposals: {type: object, additionalProperties: {type: string}}
                team: {type: string}
                implementation_plan: {type: string}
      responses:
        200:
          description: The bid (with its receipt once submitted)
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Bid'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    lot = db.get_or_404(Lot, lot_id)
    body = request.get_json(silent=True) or {}
    party = _own_organisation(body.get("party_id") if isinstance(body.get("party_id"), int) else None)

    def save():
        price = _money(body["unit_price"], "unit_price") if body.get("unit_price") not in (None, "") else None
        data = bidding.BidInput(unit_price=price, proposals={str(k): str(v) for k, v in
                                                              (body.get("proposals") or {}).items()},
                                team=body.get("team"), implementation_plan=body.get("implementation_plan"))
        operation = bidding.submit if body.get("submit") else bidding.save
        return operation(lot, party, data, by=g.api_user, expected_version=body.get("version"), now=arrival_time())

    return commit_or_error(save, lambda bid: jsonify(bid_json(bid)))


@bp.get("/bids/<int:bid_id>")
@token_required
def get_bid(bid_id: int):
    """A bid: its bidder always; the agency only after the opening.
    ---
    get:
      summary: A bid (sealed until the opening)
      parameters:
        - {name: bid_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The bid
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Bid'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    bid = db.get_or_404(Bid, bid_id)
    authorize(g.api_user, "view", bid)
    return jsonify(bid_json(bid))


@bp.post("/bids/<int:bid_id>/<any(withdraw, qualify, disqualify, scores):action>")
@token_required
def bid_action(bid_id: int, action: str):
    """Withdraw (bidder) or qualify, disqualify and score (agency) a bid.
    ---
    post:
      summary: 'withdraw; qualify; disqualify (body {"reason"}); scores (body {"scores": [{"criterion_id",
        "score", "comment"}]})'
      parameters:
        - {name: bid_id, in: path, required: true, schema: {type: integer}}
        - {name: action, in: path, required: true,
           schema: {type: string, enum: [withdraw, qualify, disqualify, scores]}}
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        200:
          description: The bid
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Bid'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    bid = db.get_or_404(Bid, bid_id)
    body = request.get_json(silent=True) or {}
    user = g.api_user
    if action == "withdraw":
        authorize(user, "edit", bid)
        return commit_or_error(lambda: bidding.withdraw(bid, by=user), lambda _r: jsonify(bid_json(bid)))
    authorize(user, "score" if action == "scores" else "qualify", bid.tender)
    if action in ("qualify", "disqualify"):
        return commit_or_error(
            lambda: services.qualify(bid, qualified=action == "qualify", reason=body.get("reason"), by=user),
            lambda _r: jsonify(bid_json(bid)))

    def record():
        criteria = {c.id: c for c in bid.tender.criteria}
        for item in body.get("scores") or []:
            criterion = criteria.get(item.get("criterion_id"))
            if criterion is None:
                raise DomainError(_("Unknown criterion %(id)s.", id=item.get("criterion_id")), field="scores")
            services.score(bid, criterion, _money(item.get("score"), "score"), item.get("comment"), scorer=user)

    return commit_or_error(record, lambda _r: jsonify(bid_json(bid)))


@bp.get("/tenders/<int:tender_id>/opening")
@token_required
def opening(tender_id: int):
    """The opening record: bidders and prices, for the agency and the bidders after the deadline.
    ---
    get:
      summary: The opening record of a tender
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: Bidders and prices per lot
          content:
            application/json:
              schema:
                type: object
                properties:
                  opened_at: {type: string, format: date-time}
                  bids: {type: array, items: {type: object}}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
    """
    tender = _visible(tender_id)
    user = g.api_user
    bidders = {b.party_id for b in services.submitted_bids(tender)}
    allowed = can(user, "manage", tender) or any(user.membership_in(p) for p in bidders)
    if tender.opened_at is None or not allowed:
        return api_error(403, _("The opening record is shown to the agency and the bidders after the deadline."))
    return jsonify(opened_at=tender.opened_at.isoformat(), bids=[
        row | {"unit_price": str(row["unit_price"]), "total_price": str(row["total_price"]),
               "submitted_at": row["submitted_at"].isoformat()} for row in services.opening_record(tender)])


@bp.post("/tenders/<int:tender_id>/questions")
@token_required
def ask_question(tender_id: int):
    """Ask a question about a published tender (the asker is never shown publicly).
    ---
    post:
      summary: Ask a clarification question for one of the user's organisations
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [party_id, question]
              properties:
                party_id: {type: integer}
                question: {type: string}
      responses:
        201:
          description: The question was recorded
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    tender = _visible(tender_id)
    body = request.get_json(silent=True) or {}
    party = _own_organisation(body.get("party_id") if isinstance(body.get("party_id"), int) else None)
    return commit_or_error(
        lambda: services.ask(tender, party, g.api_user, str(body.get("question") or ""), now=arrival_time()),
        lambda item: (jsonify(id=item.id), 201))


@bp.post("/questions/<int:question_id>/answer")
@token_required
def answer_question(question_id: int):
    """Answer a question publicly (the tender's agency).
    ---
    post:
      summary: Publish the answer to a clarification question
      parameters:
        - {name: question_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [answer], properties: {answer: {type: string}}}
      responses:
        200:
          description: The tender with the new answer
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tender'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    item = db.get_or_404(Clarification, question_id)
    answer = str((request.get_json(silent=True) or {}).get("answer") or "")
    return _lifecycle_endpoint(item.tender_id, lambda _tender: services.answer(item, answer, by=g.api_user))


@bp.post("/tenders/<int:tender_id>/rerun")
@token_required
def rerun_tender(tender_id: int):
    """Start a new round of a failed tender, optionally under another procedure.
    ---
    post:
      summary: Draft a new round of a failed tender (a changed procedure needs a published justification)
      parameters:
        - {name: tender_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                procurement_method: {type: string}
                justification: {type: string}
      responses:
        201:
          description: The new round (a draft)
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tender'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    tender = db.get_or_404(Tender, tender_id)
    authorize(g.api_user, "manage", tender)
    body = request.get_json(silent=True) or {}

    def rerun():
        method = body.get("procurement_method")
        if method is not None and method not in ProcurementMethod._value2member_map_:
            raise DomainError(_("Unknown procurement method %(method)s.", method=method), field="procurement_method")
        return services.rerun(tender, by=g.api_user, method=ProcurementMethod(method) if method else None,
                              justification=body.get("justification"))

    return commit_or_error(rerun, lambda new: (jsonify(tender_json(new)), 201))
