"""Public tender pages and the agency's pages for drafting and running a tender."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace import regions
from marketplace.authz import authorize, can
from marketplace.bids import services as bidding
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Amendment,
    Attachment,
    Bid,
    BidScore,
    BidStatus,
    Clarification,
    EvaluationMethod,
    Party,
    PartyKind,
    PricingUnit,
    ProcurementMethod,
    Tender,
    TenderStatus,
    utcnow,
)
from marketplace.organisations import documents
from marketplace.shortlists import invitations
from marketplace.shortlists.forecast import forecast
from marketplace.web import (
    acting_for,
    attach_error,
    commit_or_flash,
    flash_form_errors,
    render_form_page,
    send_stored_document,
    split_codes,
)

from . import attachments, services
from .eligibility import assess_for_lot
from .forms import (
    EVALUATION_LABELS,
    METHOD_LABELS,
    UNIT_LABELS,
    AmendmentForm,
    AnswerForm,
    QuestionForm,
    ReasonForm,
    RerunForm,
    TenderForm,
    TenderSearchForm,
)

bp = Blueprint("tenders", __name__, url_prefix="/tenders")
OPEN = (TenderStatus.PUBLISHED,)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(local: datetime | None) -> datetime | None:
    return local.replace(tzinfo=_zone()).astimezone(ZoneInfo("UTC")) if local else None


def to_local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(_zone()).replace(tzinfo=None) if moment else None


def _tender(tender_id: int) -> Tender:
    tender = db.get_or_404(Tender, tender_id)
    if tender.status == TenderStatus.DRAFT and not can(current_user, "view", tender):
        abort(404)
    return tender


def _managed(tender_id: int) -> Tender:
    tender = db.get_or_404(Tender, tender_id)
    authorize(current_user, "manage", tender)
    acting_for(tender.agency_party_id)
    return tender


# --- Public ------------------------------------------------------------------------------

@bp.get("/")
def index():
    form = TenderSearchForm(request.args)
    form.validate()
    query = select(Tender).where(Tender.status != TenderStatus.DRAFT)
    status = form.status.data or "open"
    if status == "open":
        query = query.where(Tender.status == TenderStatus.PUBLISHED)
    elif status == "closed":
        query = query.where(Tender.status != TenderStatus.PUBLISHED)
    if form.category.data:
        query = query.where(Tender.category_code == form.category.data)
    if form.method.data in ProcurementMethod._value2member_map_:
        query = query.where(Tender.procurement_method == ProcurementMethod(form.method.data))
    if form.deadline_before.data:
        query = query.where(Tender.deadline < to_utc(datetime.combine(form.deadline_before.data, time.max)))
    tenders = db.session.scalars(query.order_by(Tender.deadline.desc())).all()
    region = form.region.data if form.region.data and regions.is_valid(form.region.data) else None
    if region:  # a tender for a city is relevant to someone searching one of its counties, and vice versa
        near = set(regions.covering_codes(region)) | set(regions.descendants(region))
        tenders = [t for t in tenders if any(code in near for lot in t.lots for code in lot.regions)]
    if form.budget_min.data is not None:
        tenders = [t for t in tenders if t.total_ceiling >= form.budget_min.data]
    if form.budget_max.data is not None:
        tenders = [t for t in tenders if t.total_ceiling <= form.budget_max.data]
    size = current_app.config["PAGE_SIZE"]
    page_number = max(request.args.get("page", 1, type=int), 1)
    page = db.paginate(select(Tender).where(Tender.id.in_([t.id for t in tenders]))
                       .order_by(Tender.deadline.desc()), page=page_number, per_page=size, error_out=False)
    return render_template("tenders/index.html", form=form, page=page, METHOD_LABELS=METHOD_LABELS)


@bp.get("/<int:tender_id>")
def detail(tender_id: int):
    tender = _tender(tender_id)
    now = utcnow()
    context = {
        "tender": tender, "now": now, "METHOD_LABELS": METHOD_LABELS, "UNIT_LABELS": UNIT_LABELS,
        "EVALUATION_LABELS": EVALUATION_LABELS,
        "amendments": db.session.scalars(select(Amendment).where(Amendment.tender_id == tender.id)
                                         .order_by(Amendment.number)).all(),
        "answers": db.session.scalars(select(Clarification).where(Clarification.tender_id == tender.id,
                                                                  Clarification.answer.is_not(None))
                                      .order_by(Clarification.asked_at)).all(),
        "manages": can(current_user, "manage", tender),
        "organisations": [],
        "question_form": QuestionForm(),
    }
    if current_user.is_authenticated:
        organisations = current_user.parties_of_kind(PartyKind.ORGANISATION)
        today = to_local(now).date()
        context["organisations"] = [{
            "party": party, "invitation": invitations.invitation_for(tender.id, party.id),
            "lots": [(lot, assess_for_lot(party, lot, today), bidding.own_bid(lot, party)) for lot in tender.lots],
        } for party in organisations]
        for party in organisations:
            invitations.mark_viewed(tender.id, party.id)
        db.session.commit()
    show_opening = tender.opened_at is not None and (
        context["manages"] or any(entry["party"].id in _bidder_ids(tender) for entry in context["organisations"]))
    context["opening"] = services.opening_record(tender) if show_opening else None
    context["bid_count"] = bidding.bid_count(tender.id) if context["manages"] else None
    context["documents"] = attachments.for_tender(tender.id)
    if tender.status in (TenderStatus.AWARD_NOTICE, TenderStatus.AWARDED):
        context["winners"] = db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.awarded)).all()
    return render_template("tenders/detail.html", **context)


def _bidder_ids(tender: Tender) -> set[int]:
    return set(db.session.scalars(select(Bid.party_id).where(Bid.tender_id == tender.id,
                                                             Bid.status == BidStatus.SUBMITTED)))


@bp.post("/<int:tender_id>/questions")
@login_required
def ask(tender_id: int):
    tender = _tender(tender_id)
    party = db.get_or_404(Party, request.form.get("party_id", type=int))
    if current_user.membership_in(party.id) is None:
        abort(403)
    form = QuestionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.ask(tender, party, current_user, form.question.data),
                        _("Your question was sent. The answer will be published on this page."))
    else:
        flash_form_errors(form)
    return redirect(url_for("tenders.detail", tender_id=tender.id))


# --- The agency's pages --------------------------------------------------------------------

@bp.get("/manage")
@login_required
def manage_list():
    agencies = current_user.parties_of_kind(PartyKind.AGENCY)
    tenders = db.session.scalars(select(Tender).where(Tender.agency_party_id.in_([a.id for a in agencies]))
                                 .order_by(Tender.created_at.desc())).all() if agencies else []
    return render_template("tenders/manage_list.html", agencies=agencies, tenders=tenders)


def _lots_from(form: TenderForm) -> list[services.LotInput]:
    lots = []
    for entry in form.lots.entries:
        data = entry.form
        if not (data.title.data or "").strip() and data.quantity.data is None:
            continue
        lots.append(services.LotInput(
            title=(data.title.data or "").strip() or _("Lot %(n)d", n=len(lots) + 1),
            pricing_unit=PricingUnit(data.pricing_unit.data), quantity=data.quantity.data or Decimal(0),
            ceiling_unit_price=data.ceiling_unit_price.data or Decimal(0),
            regions=split_codes(data.regions.data),
            post_qualification=data.post_qualification.data or None, place_of_work=data.place_of_work.data or None,
            required_credentials=list(data.required_credentials.data or []), min_grade=data.min_grade.data or None,
            min_years_registered=data.min_years_registered.data, min_social_workers=data.min_social_workers.data,
            min_annual_capacity=data.min_annual_capacity.data, based_in=data.based_in.data or None,
            no_bad_standing=bool(data.no_bad_standing.data)))
    return lots


def _criteria_from(form: TenderForm) -> list[services.CriterionInput]:
    return [services.CriterionInput(name=e.form.name.data.strip(), weight=e.form.weight.data or 0,
                                    guidance=e.form.guidance.data or None)
            for e in form.criteria.entries if (e.form.name.data or "").strip()]


def _tender_input(form: TenderForm) -> services.TenderInput:
    return services.TenderInput(
        title=form.title.data.strip(), description=form.description.data, category_code=form.category_code.data,
        procurement_method=ProcurementMethod(form.procurement_method.data), service_start=form.service_start.data,
        service_end=form.service_end.data, evaluation_method=EvaluationMethod(form.evaluation_method.data),
        deadline=to_utc(form.deadline.data), clarification_deadline=to_utc(form.clarification_deadline.data),
        beneficiaries=form.beneficiaries.data or None, beneficiaries_count=form.beneficiaries_count.data,
        deliverables=form.deliverables.data or None, outcome_indicators=form.outcome_indicators.data or None,
        price_weight=form.price_weight.data if form.price_weight.data is not None else 0,
        objection_days=form.objection_days.data)


def _show_problems(form: TenderForm, error: DomainError) -> None:
    for field_name, message in getattr(error, "problems", None) or [(error.field, error.message)]:
        attach_error(form, DomainError(message, field=field_name if field_name not in ("lots", "criteria") else None))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    agency = db.get_or_404(Party, request.args.get("agency", type=int))
    authorize(current_user, "draft_tenders", agency)
    acting_for(agency.id)
    form = TenderForm()
    if form.validate_on_submit():
        try:
            tender = services.create_draft(agency, _tender_input(form), _lots_from(form), _criteria_from(form),
                                           by=current_user)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _show_problems(form, error)
        else:
            flash(_("Draft saved. Review it, then publish it."), "success")
            return redirect(url_for("tenders.manage", tender_id=tender.id))
    return render_form_page("tenders/form.html", form, agency=agency, tender=None)


@bp.route("/<int:tender_id>/edit", methods=["GET", "POST"])
@login_required
def edit(tender_id: int):
    tender = _managed(tender_id)
    if tender.status != TenderStatus.DRAFT:
        flash(_("A published tender can only be changed by an amendment."), "warning")
        return redirect(url_for("tenders.amend", tender_id=tender.id))
    form = TenderForm(obj=tender) if request.method == "GET" else TenderForm()
    if request.method == "GET":
        form.deadline.data, form.clarification_deadline.data = to_local(tender.deadline), to_local(
            tender.clarification_deadline)
        for entry, lot in zip(form.lots.entries, tender.lots, strict=False):
            entry.form.process(obj=lot)
            entry.form.regions.data = ",".join(lot.regions)
            entry.form.pricing_unit.data = lot.pricing_unit.value
            entry.form.min_grade.data = lot.min_grade or ""
        for entry in form.lots.entries[len(tender.lots):]:
            entry.form.process(None)
        for entry, criterion in zip(form.criteria.entries, tender.criteria, strict=False):
            entry.form.process(obj=criterion)
    if form.validate_on_submit():
        try:
            services.update_draft(tender, _tender_input(form), _lots_from(form), _criteria_from(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _show_problems(form, error)
        else:
            flash(_("Draft saved."), "success")
            return redirect(url_for("tenders.manage", tender_id=tender.id))
    return render_form_page("tenders/form.html", form, agency=tender.agency, tender=tender)


@bp.get("/<int:tender_id>/manage")
@login_required
def manage(tender_id: int):
    tender = _managed(tender_id)
    bids = services.submitted_bids(tender) if tender.opened_at else []
    scores = {}
    if bids:
        for row in db.session.scalars(select(BidScore).where(BidScore.bid_id.in_([b.id for b in bids]),
                                                             BidScore.scorer_id == current_user.id)):
            scores[(row.bid_id, row.criterion_id)] = row
    questions = db.session.scalars(select(Clarification).where(Clarification.tender_id == tender.id)
                                   .order_by(Clarification.asked_at)).all()
    return render_template(
        "tenders/manage.html", tender=tender, bids=bids, scores=scores, questions=questions,
        documents=attachments.for_tender(tender.id),
        bid_count=bidding.bid_count(tender.id), now=utcnow(), METHOD_LABELS=METHOD_LABELS,
        eligibility={bid.id: assess_for_lot(bid.party, bid.lot, to_local(tender.opened_at).date()) for bid in bids},
        forecast=forecast(tender) if tender.status in (TenderStatus.DRAFT, TenderStatus.PUBLISHED) else None,
        reason_form=ReasonForm(), answer_form=AnswerForm(), rerun_form=RerunForm(
            procurement_method=ProcurementMethod.COMPETITIVE_CONSULTATION.value))


def _csrf_ok() -> bool:
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def _post(tender_id: int, action, success: str):
    """A lifecycle button: check the CSRF token, run the transition, back to the management page."""
    tender = _managed(tender_id)
    if _csrf_ok():
        commit_or_flash(lambda: action(tender), success)
    else:
        flash(_("This form has expired or did not come from this site. Please reload the page and try again."),
              "danger")
    return redirect(url_for("tenders.manage", tender_id=tender.id))


@bp.post("/<int:tender_id>/publish")
@login_required
def publish(tender_id: int):
    return _post(tender_id, lambda t: services.publish(t, by=current_user),
                 _("Published. Organisations serving this need are told."))


@bp.post("/<int:tender_id>/cancel")
@login_required
def cancel(tender_id: int):
    form = ReasonForm()
    tender = _managed(tender_id)
    if form.validate_on_submit():
        commit_or_flash(lambda: services.cancel(tender, form.reason.data, by=current_user),
                        _("The tender is cancelled and bidders are told."))
    else:
        flash_form_errors(form)
    return redirect(url_for("tenders.manage", tender_id=tender.id))


@bp.route("/<int:tender_id>/amend", methods=["GET", "POST"])
@login_required
def amend(tender_id: int):
    tender = _managed(tender_id)
    form = AmendmentForm()
    if request.method == "GET":
        form.description.data, form.deliverables.data = tender.description, tender.deliverables
        form.outcome_indicators.data, form.deadline.data = tender.outcome_indicators, to_local(tender.deadline)
    if form.validate_on_submit():
        changes = {"description": form.description.data, "deliverables": form.deliverables.data or None,
                   "outcome_indicators": form.outcome_indicators.data or None}
        if form.deadline.data:
            changes["deadline"] = to_utc(form.deadline.data)
        changes = {name: value for name, value in changes.items() if getattr(tender, name) != value}
        try:
            services.amend(tender, changes, summary=form.summary.data, material=form.material.data, by=current_user)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Amendment published; everyone who asked or bid is told."), "success")
            return redirect(url_for("tenders.manage", tender_id=tender.id))
    return render_form_page("tenders/amend.html", form, tender=tender)


@bp.post("/questions/<int:question_id>/answer")
@login_required
def answer(question_id: int):
    item = db.get_or_404(Clarification, question_id)
    tender = _managed(item.tender_id)
    form = AnswerForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.answer(item, form.answer.data, by=current_user), _("Answer published."))
    else:
        flash_form_errors(form)
    return redirect(url_for("tenders.manage", tender_id=tender.id))


@bp.post("/bids/<int:bid_id>/qualify")
@login_required
def qualify(bid_id: int):
    bid = db.get_or_404(Bid, bid_id)
    tender = _managed(bid.tender_id)
    authorize(current_user, "qualify", tender)
    if _csrf_ok():
        qualified = request.form.get("decision") == "qualified"
        commit_or_flash(lambda: services.qualify(bid, qualified=qualified, reason=request.form.get("reason"),
                                                 by=current_user), _("Decision recorded."))
    return redirect(url_for("tenders.manage", tender_id=tender.id) + "#qualification")


@bp.post("/bids/<int:bid_id>/score")
@login_required
def score(bid_id: int):
    bid = db.get_or_404(Bid, bid_id)
    tender = _managed(bid.tender_id)
    authorize(current_user, "score", tender)
    if _csrf_ok():
        def record_all():
            for criterion in tender.criteria:
                raw = request.form.get(f"score-{criterion.id}", "").strip()
                if raw:
                    try:
                        points = Decimal(raw)
                    except ArithmeticError:
                        raise DomainError(_("Scores are numbers, e.g. 32.5."))
                    services.score(bid, criterion, points, request.form.get(f"comment-{criterion.id}"),
                                   scorer=current_user)
        commit_or_flash(record_all, _("Scores saved."))
    return redirect(url_for("tenders.manage", tender_id=tender.id) + "#scoring")


@bp.post("/<int:tender_id>/finish-qualification")
@login_required
def finish_qualification(tender_id: int):
    return _post(tender_id, lambda t: services.finish_qualification(t, by=current_user),
                 _("Qualification finished."))


@bp.post("/<int:tender_id>/propose-award")
@login_required
def propose_award(tender_id: int):
    return _post(tender_id, lambda t: services.propose_award(t, by=current_user), _("Award proposed."))


@bp.post("/<int:tender_id>/publish-award")
@login_required
def publish_award(tender_id: int):
    return _post(tender_id, lambda t: services.publish_award(t, by=current_user),
                 _("Award notice published; the objection period has started."))


@bp.post("/<int:tender_id>/rerun")
@login_required
def rerun(tender_id: int):
    tender = _managed(tender_id)
    form = RerunForm()
    if form.validate_on_submit():
        try:
            new_round = services.rerun(tender, by=current_user,
                                       method=ProcurementMethod(form.procurement_method.data),
                                       justification=form.justification.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            flash(_("New round drafted. Adjust it and publish."), "success")
            return redirect(url_for("tenders.edit", tender_id=new_round.id))
    return redirect(url_for("tenders.manage", tender_id=tender.id))


@bp.post("/<int:tender_id>/attachments")
@login_required
def add_attachment(tender_id: int):
    tender = _managed(tender_id)
    upload = request.files.get("document")
    if not _csrf_ok() or upload is None or not upload.filename:
        flash(_("Choose a document to attach."), "danger")
    else:
        content = upload.read(documents.MAX_DOCUMENT_BYTES + 1)
        commit_or_flash(lambda: attachments.attach_to_tender(tender, content, upload.filename, by=current_user),
                        _("Document attached."))
    return redirect(url_for("tenders.manage", tender_id=tender.id))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """Tender documents are public with the tender; bid documents are sealed like the bid."""
    item = db.get_or_404(Attachment, attachment_id)
    if item.tender_id:
        _tender(item.tender_id)
    else:
        authorize(current_user, "view", db.get_or_404(Bid, item.bid_id))
    return send_stored_document(lambda: attachments.path_of(item), item.mime_type, item.filename)


@bp.app_context_processor
def tender_helpers():
    from marketplace.i18n import current_locale
    from marketplace.matching.eligibility import describe
    from marketplace.organisations.forms import CREDENTIAL_TYPE_LABELS

    return {"to_local": to_local, "PartyKind": PartyKind, "CREDENTIAL_TYPE_LABELS": CREDENTIAL_TYPE_LABELS,
            "describe_finding": lambda finding: describe(finding, current_locale())}
