"""API endpoints of the incubation track: the supply-gap map, programmes, enrolled groups, mentoring, support."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace import catalogue, regions
from marketplace.accounts import parties
from marketplace.api import api_error, bp, commit_or_error, domain_error_response, fields, json_body, token_required
from marketplace.authz import authorize, can
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import current_locale
from marketplace.models import (
    LADDER,
    ActionItem,
    Enrolment,
    MemberRole,
    MentoringSession,
    Party,
    PartyKind,
    Programme,
    ProgrammeMentor,
    Stage,
    SupportEntry,
    SupportKind,
    User,
)
from marketplace.organisations.jobs import local_today

from . import checklist, gapmap, queries, readiness, services

# Money is stored as NUMERIC(14, 2): refuse what does not fit rather than fail in the database.
_MAX_AMOUNT = Decimal(10) ** 12


# --- Parsing: shapes only; the rules are the services' -----------------------------------------


def _text(body: dict, name: str, max_length: int) -> str:
    """A text field, "" when absent (the service says what it needs); refused when too long."""
    value = body.get(name)
    if value is None:
        return ""
    value = str(value)
    if len(value.strip()) > max_length:
        raise DomainError(_("At most %(n)d characters.", n=max_length), field=name)
    return value


def _amount(body: dict, name: str) -> Decimal:
    """CNY, rounded to the fen as the database keeps it (a string like "1500.00" is best)."""
    value = body.get(name)
    if value is None or value == "":
        raise fields.missing(name)
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) >= _MAX_AMOUNT:
        raise DomainError(_("%(field)s must be a number.", field=name), field=name)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _codes(body: dict, name: str, message) -> list[str]:
    """A list of codes; `message` is the service's own for this field."""
    value = body.get(name)
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise DomainError(message, field=name)
    return [code.strip() for code in value]


def _flag(body: dict, name: str, default: bool | None = None) -> bool:
    value = body.get(name, default)
    if value is None:
        raise fields.missing(name)
    if not isinstance(value, bool):
        raise DomainError(_("Use true or false."), field=name)
    return value


def _choice(body: dict, name: str, enum_type, label):
    """One of an enumeration's values; the error lists them ("Kind: space, equipment, ...")."""
    value = body.get(name)
    if not isinstance(value, str) or value not in enum_type._value2member_map_:
        raise DomainError(f"{label}: {', '.join(enum_type._value2member_map_)}", field=name)
    return enum_type(value)


def _id(body: dict, name: str) -> int | None:
    value = body.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _programme_input(body: dict, current: Programme | None = None) -> services.ProgrammeInput:
    """The whole input for a new programme; for a change (PATCH), the fields sent over the current ones."""

    def given(name: str, parse):
        return parse() if current is None or name in body else getattr(current, name)

    return services.ProgrammeInput(
        name=given("name", lambda: _text(body, "name", 200)),
        focus_categories=given("focus_categories", lambda: _codes(
            body, "focus_categories", _("Choose at least one service from the catalogue."))),
        focus_regions=given("focus_regions", lambda: _codes(body, "focus_regions", _("Choose at least one region."))),
        starts_on=given("starts_on", lambda: fields.day(body, "starts_on")),
        ends_on=given("ends_on", lambda: fields.day(body, "ends_on")),
        capacity=given("capacity", lambda: fields.whole(body, "capacity")),
        budget=given("budget", lambda: _amount(body, "budget")),
        support_offered=given("support_offered", lambda: _text(body, "support_offered", 2000).strip() or None))


# --- JSON --------------------------------------------------------------------------------


def _money(amount) -> str:
    return f"{Decimal(amount or 0):.2f}"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _party(party: Party) -> dict:
    return {"id": party.id, "name": party.name, "name_en": party.name_en}


def _staff_incubators(user: User) -> list[Party]:
    """The incubators the user works for (mentors are not staff), as on the HTML dashboard."""
    return [m.party for m in user.memberships if m.party.kind == PartyKind.INCUBATOR and m.role != MemberRole.MENTOR]


def _bid_json(bid) -> dict | None:
    if bid is None:
        return None
    return {"id": bid.id, "tender_id": bid.tender_id, "tender_reference": bid.tender.reference,
            "submitted_at": _iso(bid.submitted_at)}


def outcome_json(outcome: queries.Outcome) -> dict:
    enrolment = outcome.enrolment
    return {"enrolment_id": enrolment.id, "programme_id": enrolment.programme_id, "party": _party(enrolment.party),
            "graduated_on": _iso(enrolment.graduated_on), "bids": outcome.bids, "awards": outcome.awards,
            "first_bid": _bid_json(outcome.first_bid), "first_award": _bid_json(outcome.first_award)}


def programme_json(programme: Programme, *, detail: bool = False) -> dict:
    body = {"id": programme.id, "incubator": _party(programme.incubator), "name": programme.name,
            "focus_categories": list(programme.focus_categories), "focus_regions": list(programme.focus_regions),
            "starts_on": _iso(programme.starts_on), "ends_on": _iso(programme.ends_on),
            "capacity": programme.capacity, "enrolled": sum(1 for e in programme.enrolments if e.active),
            "budget": _money(programme.budget), "support_offered": programme.support_offered}
    if not detail:
        return body
    user = g.api_user
    manage = can(user, "manage", programme)
    visible = programme.enrolments if manage else [e for e in programme.enrolments if can(user, "view", e)]
    spent = queries.spent_by_enrolment(programme)
    by_kind = queries.spent_by_kind([e.id for e in programme.enrolments])
    return body | {
        "spent": _money(services.spent(programme)),
        "spent_by_kind": {kind: _money(amount) for kind, amount in by_kind.items()},
        "mentors": [{"user_id": m.user_id, "name": m.user.name} | ({"email": m.user.email} if manage else {})
                    for m in programme.mentors],
        "enrolments": [{"id": e.id, "party": _party(e.party), "stage": e.stage.value,
                        "enrolled_on": _iso(e.enrolled_on), "graduated_on": _iso(e.graduated_on),
                        "withdrawn_on": _iso(e.withdrawn_on), "readiness": readiness.latest_score(e),
                        "spent": _money(spent.get(e.id))} for e in visible],
        "outcomes": [outcome_json(o) for o in queries.outcomes(programme.enrolments)],
    }


def action_json(action: ActionItem, today: date) -> dict:
    return {"id": action.id, "text": action.text, "owner": action.owner, "due_on": _iso(action.due_on),
            "done_on": _iso(action.done_on), "overdue": action.done_on is None and action.due_on < today}


def session_json(session: MentoringSession, today: date) -> dict:
    return {"id": session.id, "held_on": _iso(session.held_on), "topics": session.topics, "notes": session.notes,
            "mentor": {"id": session.mentor_id, "name": session.mentor.name},
            "actions": [action_json(a, today) for a in session.actions]}


def support_json(entry: SupportEntry) -> dict:
    return {"id": entry.id, "enrolment_id": entry.enrolment_id, "kind": entry.kind.value,
            "description": entry.description, "amount": _money(entry.amount), "given_on": _iso(entry.given_on),
            "over_budget_confirmed": entry.over_budget_confirmed}


def _gap_analysis_json(enrolment: Enrolment, locale: str) -> dict:
    from marketplace.matching.eligibility import describe

    from .views import incubation_helpers

    rule_label = incubation_helpers()["rule_label"]
    analysis = readiness.analyse(enrolment)
    return {
        "considered": analysis.considered, "eligible": analysis.eligible, "score": analysis.score,
        "blockers": [{"item": key, "label": item.label(locale) if item else rule_label(key), "blocks": count}
                     for key, item, count in analysis.blockers],
        "closest": [{"tender_id": lot.tender_id, "tender_reference": lot.tender.reference,
                     "tender_title": lot.tender.title, "lot_id": lot.id, "lot": lot.number, "lot_title": lot.title,
                     "eligible": assessment.eligible, "met": assessment.met, "total": assessment.total,
                     "unmet": [{"rule": f.rule, "code": f.code, "message": describe(f, locale)}
                               for f in assessment.unmet]}
                    for lot, assessment in analysis.closest],
    }


def enrolment_json(enrolment: Enrolment) -> dict:
    """Everything about one group in one programme; only for those the Enrolment "view" rule lets in."""
    locale, today = current_locale(), local_today()
    manage = can(g.api_user, "manage", enrolment)
    programme = enrolment.programme
    done = {entry.key: entry for entry in enrolment.checklist}
    ticked = {key for key, entry in done.items() if entry.done}
    position = LADDER.index(enrolment.stage) if enrolment.active else None
    # The rungs it may move to, and for the one up the checklist items its gate still needs.
    below = [LADDER[position - 1]] if position else []
    above = [LADDER[position + 1]] if position is not None else []
    body = {
        "id": enrolment.id, "programme": {"id": programme.id, "name": programme.name,
                                          "incubator": _party(programme.incubator)},
        "party": _party(enrolment.party), "stage": enrolment.stage.value, "active": enrolment.active,
        "enrolled_on": _iso(enrolment.enrolled_on), "graduated_on": _iso(enrolment.graduated_on),
        "withdrawn_on": _iso(enrolment.withdrawn_on), "intake_assessment": enrolment.intake_assessment,
        "next_stages": [{"stage": stage.value, "missing": []} for stage in below] + [
            {"stage": stage.value, "missing": [item.key for item in checklist.needed_to_enter(stage)
                                               if item.key not in ticked]} for stage in above],
        "moves": [{"from": m.from_stage.value if m.from_stage else None, "to": m.to_stage.value,
                   "moved_on": _iso(m.moved_on), "note": m.note} for m in enrolment.moves],
        "checklist": [{"key": item.key, "label": item.label(locale), "needed_for": item.needed_for.value,
                       "done": item.key in ticked,
                       "done_on": _iso(done[item.key].done_on) if item.key in done else None,
                       "evidence": done[item.key].evidence if item.key in done else None}
                      for item in checklist.template()],
        "readiness": [{"taken_at": _iso(s.taken_at), "score": s.score, "eligible_lots": s.eligible_lots,
                       "considered_lots": s.considered_lots} for s in enrolment.readiness],
        "gap_analysis": _gap_analysis_json(enrolment, locale),
        "sessions": [session_json(s, today) for s in enrolment.sessions],
        "support": [support_json(s) for s in enrolment.support],
    }
    if manage:  # the programme's money is the incubator's business, as on the HTML page
        body["budget"] = {"budget": _money(programme.budget), "spent": _money(services.spent(programme))}
    return body


# --- Loading with authorisation -------------------------------------------------------------


def _programme(programme_id: int, action: str) -> Programme:
    programme = db.get_or_404(Programme, programme_id)
    authorize(g.api_user, action, programme)
    return programme


def _enrolment(enrolment_id: int, action: str) -> Enrolment:
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    authorize(g.api_user, action, enrolment)
    return enrolment


# --- Supply-gap map ------------------------------------------------------------------------


@bp.get("/incubation/gaps")
@token_required
def incubation_gaps():
    """The supply-gap map: demand against supply per region and service.
    ---
    get:
      summary: Supply gaps per region (one level below `region`) and service group or service, thinnest first
      parameters:
        - {name: region, in: query, schema: {type: string, pattern: '^[0-9]{6}$'},
           description: 'Division whose parts are the rows; the provinces when absent'}
        - {name: by, in: query, schema: {type: string, enum: [group, service], default: group}}
        - {name: thin, in: query, schema: {type: string, enum: ['0', '1', 'true', 'false']},
           description: Only the cells without providers or with too few}
      responses:
        200:
          description: The gap map
          content:
            application/json:
              schema:
                type: object
                properties:
                  region: {type: string, nullable: true}
                  by: {type: string, enum: [group, service]}
                  min_bids: {type: integer}
                  rows: {type: array, items: {$ref: '#/components/schemas/GapCell'}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
    """
    parent = (request.args.get("region") or "").strip() or None
    if parent is not None and regions.get(parent) is None:
        message = _("%(code)s is not an administrative division code.", code=parent)
        return api_error(400, message, {"region": [message]})
    by = request.args.get("by") or "group"
    if by not in ("group", "service"):
        message = f"{_('Columns')}: group, service"
        return api_error(400, message, {"by": [message]})
    thin = (request.args.get("thin") or "").lower() in ("1", "true", "yes", "on")
    gap = gapmap.build(parent=parent, by_group=by == "group")
    locale = current_locale()
    return jsonify(region=parent, by=by, min_bids=gap.min_bids, rows=[
        {"region": cell.region, "region_name": regions.label(cell.region, locale), "category": cell.category,
         "category_name": catalogue.label(cell.category, locale), "open_tenders": cell.open_tenders,
         "recent_tenders": cell.recent_tenders, "failed_tenders": cell.failed_tenders,
         "budget": _money(cell.budget), "providers": cell.providers, "bids_per_tender": cell.bids_per_tender,
         "level": cell.level(gap.min_bids)} for cell in gap.rows(thin_only=thin)])


# --- Programmes ------------------------------------------------------------------------------


@bp.get("/incubation/programmes")
@token_required
def list_programmes():
    """The programmes of the user's incubators and those the user mentors.
    ---
    get:
      summary: Programmes visible to the caller (its incubators' and those it mentors), latest first
      responses:
        200:
          description: Programmes
          content:
            application/json:
              schema:
                type: object
                properties:
                  programmes: {type: array, items: {$ref: '#/components/schemas/Programme'}}
        401: {$ref: '#/components/responses/Unauthorized'}
    """
    user = g.api_user
    staff_of = [party.id for party in _staff_incubators(user)]
    mentored = select(ProgrammeMentor.programme_id).where(ProgrammeMentor.user_id == user.id)
    programmes = db.session.scalars(
        select(Programme).where(Programme.incubator_id.in_(staff_of) | Programme.id.in_(mentored))
        .options(selectinload(Programme.enrolments), selectinload(Programme.incubator))
        .order_by(Programme.starts_on.desc(), Programme.id.desc()))
    return jsonify(programmes=[programme_json(p) for p in programmes])


@bp.post("/incubation/programmes")
@token_required
def create_programme():
    """Create a programme for one of the user's incubators.
    ---
    post:
      summary: Create a programme (staff of an approved incubator)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/ProgrammeInput'
                - type: object
                  required: [incubator_id, name, focus_categories, focus_regions, starts_on, ends_on, capacity,
                    budget]
                  properties:
                    incubator_id: {type: integer}
      responses:
        201:
          description: The programme
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Programme'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    try:
        body = json_body()
    except DomainError as error:
        return domain_error_response(error)
    if _id(body, "incubator_id") is None:
        return api_error(400, _("%(field)s is required.", field="incubator_id"),
                         {"incubator_id": [_("%(field)s is required.", field="incubator_id")]})
    incubator = db.get_or_404(Party, body["incubator_id"])
    authorize(g.api_user, "run_programmes", incubator)
    return commit_or_error(lambda: services.create_programme(incubator, _programme_input(body), by=g.api_user),
                           lambda programme: (jsonify(programme_json(programme, detail=True)), 201))


@bp.get("/incubation/programmes/<int:programme_id>")
@token_required
def get_programme(programme_id: int):
    """A programme with its money, mentors, groups and outcomes.
    ---
    get:
      summary: A programme (its incubator's staff and its mentors)
      parameters:
        - {name: programme_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The programme
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Programme'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(programme_json(_programme(programme_id, "view"), detail=True))


@bp.patch("/incubation/programmes/<int:programme_id>")
@token_required
def update_programme(programme_id: int):
    """Change a programme: only the fields sent change.
    ---
    patch:
      summary: Change a programme (its incubator's staff)
      parameters:
        - {name: programme_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProgrammeInput'}
      responses:
        200:
          description: The programme
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Programme'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    programme = _programme(programme_id, "manage")
    return commit_or_error(lambda: services.update_programme(programme, _programme_input(json_body(), programme)),
                           lambda _r: jsonify(programme_json(programme, detail=True)))


@bp.post("/incubation/programmes/<int:programme_id>/mentors")
@token_required
def add_mentor(programme_id: int):
    """Assign a mentor: staff of the incubator, or an outside expert who joined it with the mentor role.
    ---
    post:
      summary: Add a mentor to a programme by e-mail (its incubator's staff)
      parameters:
        - {name: programme_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [email], properties: {email: {type: string, format: email}}}
      responses:
        201:
          description: The mentor
          content:
            application/json:
              schema:
                type: object
                properties: {user_id: {type: integer}, name: {type: string}, email: {type: string}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    programme = _programme(programme_id, "manage")

    def add():
        email = _text(json_body(), "email", 254)
        if not email.strip():
            raise fields.missing("email")
        user = db.session.scalar(select(User).where(User.email == parties.normalise_email(email)))
        if user is None:
            raise DomainError(_("No account with this e-mail: invite the person to the incubator first."),
                              field="email")
        try:
            return services.add_mentor(programme, user)
        except DomainError as error:  # the service names the person "user"; the request calls it "email"
            raise DomainError(error.message, field="email" if error.field == "user" else error.field)

    return commit_or_error(add, lambda mentor: (jsonify(user_id=mentor.user_id, name=mentor.user.name,
                                                        email=mentor.user.email), 201))


def _claim_email(body: dict) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    email = _text(body, "claim_email", 254).strip()
    if not email:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_("Enter a valid e-mail address, like name@example.org."), field="claim_email")
    return email


@bp.post("/incubation/programmes/<int:programme_id>/enrolments")
@token_required
def enrol(programme_id: int):
    """Enrol an existing organisation, or create and enrol a new, unregistered group.
    ---
    post:
      summary: Enrol a group in a programme (its incubator's staff)
      description: 'Either `organisation_id` (an organisation already on the platform; it wins when both are
        sent) or `name` and `home_region` (a new, unregistered group, optionally claimed by its leader through an
        invitation sent to `claim_email`); `intake_assessment` in both cases.'
      parameters:
        - {name: programme_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [intake_assessment]
              properties:
                organisation_id: {type: integer}
                intake_assessment: {type: string}
                name: {type: string}
                name_en: {type: string}
                home_region: {type: string, pattern: '^[0-9]{6}$'}
                contact_name: {type: string}
                contact_phone: {type: string}
                claim_email: {type: string, format: email}
      responses:
        201:
          description: The enrolment
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Enrolment'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    programme = _programme(programme_id, "manage")
    user = g.api_user

    def existing(body: dict) -> Enrolment:
        if body.get("organisation_id") is None:
            raise fields.missing("organisation_id")
        party = db.session.get(Party, _id(body, "organisation_id") or 0)
        if party is None or party.kind != PartyKind.ORGANISATION:
            raise DomainError(_("No organisation with this number."), field="organisation_id")
        return services.enrol(programme, party, _text(body, "intake_assessment", 4000), by=user, on=local_today())

    def new_group(body: dict) -> Enrolment:
        claim_email = _claim_email(body)
        enrolment = services.create_group(
            programme, _text(body, "name", 200), _text(body, "home_region", 6).strip(), by=user, on=local_today(),
            intake_assessment=_text(body, "intake_assessment", 4000), name_en=_text(body, "name_en", 200),
            contact_name=_text(body, "contact_name", 100).strip() or None,
            contact_phone=_text(body, "contact_phone", 40).strip() or None)
        if claim_email:
            parties.invite_member(enrolment.party, claim_email, MemberRole.ADMIN, by=user)
        return enrolment

    def create() -> Enrolment:
        body = json_body()
        return new_group(body) if "name" in body and "organisation_id" not in body else existing(body)

    return commit_or_error(create, lambda enrolment: (jsonify(enrolment_json(enrolment)), 201))


# --- One enrolled group ----------------------------------------------------------------------


@bp.get("/incubation/enrolments/<int:enrolment_id>")
@token_required
def get_enrolment(enrolment_id: int):
    """A group in a programme: stage, checklist, readiness, gap analysis, mentoring notes, support.
    ---
    get:
      summary: An enrolled group (the incubator's staff, the programme's mentors and the group only)
      parameters:
        - {name: enrolment_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The enrolment
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Enrolment'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(enrolment_json(_enrolment(enrolment_id, "view")))


@bp.put("/incubation/enrolments/<int:enrolment_id>/checklist/<key>")
@token_required
def set_checklist_item(enrolment_id: int, key: str):
    """Tick or untick a readiness checklist item.
    ---
    put:
      summary: Set a checklist item done or not (the incubator's staff)
      parameters:
        - {name: enrolment_id, in: path, required: true, schema: {type: integer}}
        - {name: key, in: path, required: true, schema: {type: string}, description: 'A checklist item key'}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [done]
              properties:
                done: {type: boolean}
                evidence: {type: string, maxLength: 500}
      responses:
        200:
          description: The enrolment
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Enrolment'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    enrolment = _enrolment(enrolment_id, "manage")

    def save():
        body = json_body()
        return services.set_item(enrolment, key, _flag(body, "done"), by=g.api_user, on=local_today(),
                                 evidence=_text(body, "evidence", 500) or None)

    return commit_or_error(save, lambda _item: jsonify(enrolment_json(enrolment)))


@bp.post("/incubation/enrolments/<int:enrolment_id>/stage")
@token_required
def move_stage(enrolment_id: int):
    """Move a group one stage up (gated by its checklist), one down, or out of the programme.
    ---
    post:
      summary: Change a group's stage (the incubator's staff)
      parameters:
        - {name: enrolment_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [stage]
              properties:
                stage: {type: string, enum: [grassroots, registering, building_capacity, pilot_delivery,
                  market_ready, graduated, withdrawn]}
                note: {type: string, maxLength: 500, description: Required to withdraw}
      responses:
        200:
          description: The enrolment
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Enrolment'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    enrolment = _enrolment(enrolment_id, "manage")

    def change():
        body = json_body()
        return services.move(enrolment, _choice(body, "stage", Stage, _("Stage")), by=g.api_user, on=local_today(),
                             note=_text(body, "note", 500) or None)

    return commit_or_error(change, lambda _move: jsonify(enrolment_json(enrolment)))


@bp.post("/incubation/enrolments/<int:enrolment_id>/sessions")
@token_required
def record_session(enrolment_id: int):
    """Record a mentoring session with its action items; the caller is the mentor.
    ---
    post:
      summary: Record a mentoring session (the incubator's staff and the programme's mentors)
      parameters:
        - {name: enrolment_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [held_on, topics]
              properties:
                held_on: {type: string, format: date}
                topics: {type: string, maxLength: 300}
                notes: {type: string}
                actions:
                  type: array
                  items:
                    type: object
                    required: [text, owner, due_on]
                    properties:
                      text: {type: string, maxLength: 300}
                      owner: {type: string, maxLength: 100}
                      due_on: {type: string, format: date, description: 'Not before the session'}
      responses:
        201:
          description: The session
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MentoringSession'}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    enrolment = _enrolment(enrolment_id, "mentor")

    def action_input(entry) -> services.ActionInput:
        if not isinstance(entry, dict):
            raise DomainError(_("Every action needs what to do, who does it and when it is due."), field="actions")
        try:
            due_on = fields.day(entry, "due_on")
            return services.ActionInput(_text(entry, "text", 300), _text(entry, "owner", 100), due_on)
        except DomainError as error:  # report it on the list, with the item's own problem
            raise DomainError(error.message, field="actions")

    def record():
        body = json_body()
        actions = body.get("actions") or []
        if not isinstance(actions, list):
            raise DomainError(_("Every action needs what to do, who does it and when it is due."), field="actions")
        return services.record_session(enrolment, g.api_user, services.SessionInput(
            held_on=fields.day(body, "held_on"), topics=_text(body, "topics", 300), notes=_text(body, "notes", 8000),
            actions=[action_input(entry) for entry in actions]))

    return commit_or_error(record, lambda session: (jsonify(session_json(session, local_today())), 201))


@bp.post("/incubation/actions/<int:action_id>/done")
@token_required
def complete_action(action_id: int):
    """Mark a mentoring action done (the group itself may).
    ---
    post:
      summary: Mark an action item done (whoever may see the group's enrolment)
      parameters:
        - {name: action_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The action
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ActionItem'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    action = db.get_or_404(ActionItem, action_id)
    authorize(g.api_user, "view", action.session.enrolment)
    return commit_or_error(lambda: services.complete_action(action, on=local_today()),
                           lambda _r: jsonify(action_json(action, local_today())))


@bp.post("/incubation/enrolments/<int:enrolment_id>/support")
@token_required
def add_support(enrolment_id: int):
    """Record support given to a group, against the programme's budget.
    ---
    post:
      summary: Record support (the incubator's staff); over the budget only with confirm_over_budget
      parameters:
        - {name: enrolment_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [kind, description, amount, given_on]
              properties:
                kind: {type: string, enum: [space, equipment, seed_funding, training, project_support]}
                description: {type: string, maxLength: 300}
                amount: {type: string, description: 'CNY, e.g. "1500.00"'}
                given_on: {type: string, format: date}
                confirm_over_budget: {type: boolean, default: false}
      responses:
        201:
          description: The entry, and the programme's budget and spending after it
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/SupportEntry'
                  - type: object
                    properties:
                      programme: {type: object, properties: {budget: {type: string}, spent: {type: string}}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    enrolment = _enrolment(enrolment_id, "manage")

    def record():
        body = json_body()
        return services.add_support(
            enrolment, _choice(body, "kind", SupportKind, _("Kind")), _text(body, "description", 300),
            _amount(body, "amount"), given_on=fields.day(body, "given_on"), by=g.api_user,
            confirm_over_budget=_flag(body, "confirm_over_budget", False))

    def respond(entry: SupportEntry):
        programme = enrolment.programme
        return jsonify(support_json(entry) | {"programme": {"budget": _money(programme.budget),
                                                            "spent": _money(services.spent(programme))}}), 201

    return commit_or_error(record, respond)


# --- Dashboard -------------------------------------------------------------------------------


@bp.get("/incubation/dashboard")
@token_required
def incubation_dashboard():
    """An incubator's dashboard (its staff).
    ---
    get:
      summary: 'An incubator''s numbers: groups by stage, overdue actions, readiness trend, budget, outcomes'
      parameters:
        - {name: incubator_id, in: query, schema: {type: integer},
           description: 'Needed when the caller works for several incubators'}
      responses:
        200:
          description: The dashboard
          content:
            application/json:
              schema:
                type: object
                properties:
                  incubator: {type: object}
                  programmes: {type: array, items: {$ref: '#/components/schemas/Programme'}}
                  by_stage: {type: object, additionalProperties: {type: integer}}
                  overdue_actions: {type: array, items: {type: object}}
                  readiness_trend:
                    type: array
                    items: {type: object, properties: {month: {type: string, format: date}, score: {type: number}}}
                  budget: {type: string}
                  spent: {type: string}
                  outcomes: {type: array, items: {type: object}}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    staff_of = _staff_incubators(g.api_user)
    raw = request.args.get("incubator_id")
    if raw is None and len(staff_of) == 1:
        incubator = staff_of[0]
    elif raw is None or not raw.isdigit():
        message = _("%(field)s is required.", field="incubator_id")
        return api_error(400, message, {"incubator_id": [message]})
    else:
        incubator = db.get_or_404(Party, int(raw))
        if incubator not in staff_of:
            abort(403)
    today = local_today()
    board = queries.incubator_dashboard(incubator.id, today)
    return jsonify(
        incubator=_party(incubator), programmes=[programme_json(p) for p in board.programmes],
        by_stage={stage.value: count for stage, count in board.by_stage.items()},
        overdue_actions=[action_json(a, today) | {"enrolment_id": a.session.enrolment_id,
                                                  "party": _party(a.session.enrolment.party)}
                         for a in board.overdue],
        readiness_trend=[{"month": _iso(month), "score": score} for month, score in board.trend],
        budget=_money(board.budget), spent=_money(board.spent),
        outcomes=[outcome_json(o) for o in board.outcomes])
