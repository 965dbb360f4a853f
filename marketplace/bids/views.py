"""The organisation's bid pages: eligibility check, the bid form, the receipt, withdrawal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.authz import authorize
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Bid, Lot, Party, PartyKind, utcnow
from marketplace.organisations import documents
from marketplace.tenders import attachments
from marketplace.tenders.eligibility import assess_for_lot
from marketplace.tenders.forms import UNIT_LABELS
from marketplace.tenders.views import _csrf_ok, to_local
from marketplace.web import acting_for, arrival_time

from . import services

bp = Blueprint("bids", __name__)


def _bidder(party_id: int) -> Party:
    party = db.get_or_404(Party, party_id)
    if party.kind != PartyKind.ORGANISATION or current_user.membership_in(party.id) is None:
        abort(403)
    acting_for(party.id)
    return party


def _input_from_request() -> services.BidInput:
    raw_price = (request.form.get("unit_price") or "").strip()
    try:
        price = Decimal(raw_price) if raw_price else None
    except InvalidOperation:
        raise DomainError(_("Enter the price as a number, e.g. 45.50."), field="unit_price")
    proposals = {key.removeprefix("proposal-"): value for key, value in request.form.items()
                 if key.startswith("proposal-")}
    return services.BidInput(unit_price=price, proposals=proposals, team=request.form.get("team"),
                             implementation_plan=request.form.get("implementation_plan"))


@bp.route("/tenders/<int:tender_id>/lots/<int:lot_id>/bid", methods=["GET", "POST"])
@login_required
def bid_form(tender_id: int, lot_id: int):
    lot = db.get_or_404(Lot, lot_id)
    if lot.tender_id != tender_id:
        abort(404)
    party = _bidder(request.args.get("party", type=int) or request.form.get("party", type=int) or 0)
    bid = services.own_bid(lot, party)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not _csrf_ok():
            errors.append(_("This form has expired or did not come from this site. Please reload the page."))
            status = 400
        else:
            action = request.form.get("action")
            version = request.form.get("version", type=int)
            try:
                data = _input_from_request()
                if action == "submit":
                    bid = services.submit(lot, party, data, by=current_user, expected_version=version,
                                          now=arrival_time())
                    message = _("Bid submitted. Keep your receipt.")
                else:
                    bid = services.save(lot, party, data, by=current_user, expected_version=version,
                                        now=arrival_time())
                    message = _("Draft saved. It is not submitted yet.")
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                errors.append(str(error.message))
                status = 400
            else:
                flash(message, "success")
                return redirect(url_for("bids.bid_form", tender_id=tender_id, lot_id=lot.id, party=party.id))
    form_values = request.form if request.method == "POST" else None
    return render_template(
        "bids/form.html", lot=lot, tender=lot.tender, party=party, bid=bid, errors=errors, values=form_values,
        documents=attachments.for_bid(bid.id) if bid else [],
        assessment=assess_for_lot(party, lot, to_local(utcnow()).date()), UNIT_LABELS=UNIT_LABELS, now=utcnow(),
    ), status


@bp.post("/bids/<int:bid_id>/attachments")
@login_required
def add_attachment(bid_id: int):
    bid = db.get_or_404(Bid, bid_id)
    authorize(current_user, "edit", bid)
    acting_for(bid.party_id)
    upload = request.files.get("document")
    if not _csrf_ok() or upload is None or not upload.filename:
        flash(_("Choose a document to attach."), "danger")
    else:
        content = upload.read(documents.MAX_DOCUMENT_BYTES + 1)
        try:
            attachments.attach_to_bid(bid, content, upload.filename, by=current_user)
            db.session.commit()
            flash(_("Document attached to your bid."), "success")
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
    return redirect(url_for("bids.bid_form", tender_id=bid.tender_id, lot_id=bid.lot_id, party=bid.party_id))


@bp.post("/bids/<int:bid_id>/withdraw")
@login_required
def withdraw(bid_id: int):
    bid = db.get_or_404(Bid, bid_id)
    authorize(current_user, "edit", bid)
    acting_for(bid.party_id)
    if _csrf_ok():
        try:
            services.withdraw(bid, by=current_user)
            db.session.commit()
            flash(_("Bid withdrawn. You can submit it again before the deadline."), "success")
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
    return redirect(url_for("bids.bid_form", tender_id=bid.tender_id, lot_id=bid.lot_id, party=bid.party_id))


@bp.get("/bids")
@login_required
def my_bids():
    parties = current_user.parties_of_kind(PartyKind.ORGANISATION)
    bids = db.session.scalars(select(Bid).where(Bid.party_id.in_([p.id for p in parties]))
                              .order_by(Bid.updated_at.desc())).all() if parties else []
    return render_template("bids/list.html", bids=bids)
