"""The agency's shortlist (ranked, explained candidates, invitations) and an organisation's answer to one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.authz import authorize
from marketplace.extensions import db
from marketplace.incubation.queries import incubated_by
from marketplace.models import BackgroundJob, DeclineReason, Tender, TenderInvitation
from marketplace.tenders.views import _csrf_ok
from marketplace.web import acting_for, commit_or_flash

from . import invitations, services
from .jobs import rank_tender, request_ranking

bp = Blueprint("shortlists", __name__)

def _managed(tender_id: int) -> Tender:
    tender = db.get_or_404(Tender, tender_id)
    authorize(current_user, "manage", tender)
    acting_for(tender.agency_party_id)
    return tender


@bp.get("/tenders/<int:tender_id>/shortlist")
@login_required
def shortlist(tender_id: int):
    tender = _managed(tender_id)
    last_run = _last_run(tender)
    lots = [(lot, *services.shortlist(lot)) for lot in tender.lots]
    invited = {i.party_id: i for i in invitations.invitations(tender)}
    incubated = incubated_by([r.party_id for _lot, eligible, near in lots for r in (*eligible, *near)])
    return render_template("shortlists/shortlist.html", tender=tender, lots=lots, last_run=last_run,
                           invited=invited, declines=invitations.decline_reasons(tender), incubated=incubated)


def _last_run(tender: Tender) -> BackgroundJob | None:
    from marketplace.jobs.queueing import make_job_id

    return db.session.scalar(select(BackgroundJob).where(
        BackgroundJob.rq_job_id == make_job_id(rank_tender.job_name, tender.id)).order_by(BackgroundJob.id.desc())
        .limit(1))


@bp.post("/tenders/<int:tender_id>/shortlist/refresh")
@login_required
def refresh(tender_id: int):
    tender = _managed(tender_id)
    if _csrf_ok():
        commit_or_flash(lambda: request_ranking(tender, "asked by the agency"),
                        _("Ranking queued; this page shows the result when it is done."))
    return redirect(url_for("shortlists.shortlist", tender_id=tender.id))


@bp.post("/tenders/<int:tender_id>/invitations")
@login_required
def invite(tender_id: int):
    tender = _managed(tender_id)
    if not _csrf_ok():
        abort(400)
    party_ids = [int(value) for value in request.form.getlist("party_id") if value.isdigit()]
    top = request.form.get("top", type=int)
    if top:
        for lot in tender.lots:
            eligible, _near = services.shortlist(lot, limit=top)
            party_ids += [result.party_id for result in eligible]
    commit_or_flash(lambda: invitations.invite(tender, list(dict.fromkeys(party_ids)), by=current_user),
                    _("Invitations sent."))
    return redirect(url_for("shortlists.shortlist", tender_id=tender.id))


@bp.get("/tenders/for-you")
@login_required
def for_you():
    from marketplace.models import PartyKind

    organisations = current_user.parties_of_kind(PartyKind.ORGANISATION)
    entries = [(party, services.recommendations(party)) for party in organisations]
    ids = {r.tender_id for _party, results in entries for r in results}
    titles = dict(db.session.execute(select(Tender.id, Tender.title).where(Tender.id.in_(ids))).all()) if ids else {}
    return render_template("shortlists/for_you.html", entries=entries, tender_titles=titles)


@bp.get("/reference-prices")
def reference_prices():
    from marketplace.tenders.forms import UNIT_LABELS

    return render_template("shortlists/reference_prices.html", rows=services.reference_prices(),
                           UNIT_LABELS=UNIT_LABELS)


@bp.post("/lots/<int:lot_id>/remedy")
@login_required
def apply_remedy(lot_id: int):
    from marketplace.audit import services as audit
    from marketplace.models import Lot

    from .forecast import forecast

    lot = db.get_or_404(Lot, lot_id)
    tender = _managed(lot.tender_id)
    key = request.form.get("key")
    if _csrf_ok():
        remedies = {r.key: r for lot_forecast in forecast(tender) if lot_forecast.lot.id == lot.id
                    for r in lot_forecast.remedies}
        remedy = remedies.get(key)
        if remedy is None or not remedy.applicable:
            flash(_("This remedy no longer applies; the forecast has changed."), "warning")
        else:
            def apply():
                from .forecast import apply_remedy as apply_to_lot

                change = apply_to_lot(lot, remedy.rule, remedy.value)
                audit.record("tender.remedy", tender, summary={"lot": lot.number, "change": change,
                                                               "gain": remedy.gain})
            commit_or_flash(apply, _("Remedy applied: %(n)d more organisation(s) eligible.", n=remedy.gain))
    return redirect(url_for("tenders.manage", tender_id=tender.id) + "#forecast")


@bp.app_context_processor
def shortlist_helpers():
    from marketplace import regions
    from marketplace.i18n import current_locale
    from marketplace.matching.eligibility import Finding, describe

    def describe_stored(finding: dict) -> str:
        return describe(Finding(finding["rule"], finding["met"], finding["code"], finding["params"]), current_locale())

    def remedy_label(remedy) -> str:
        params, locale = remedy.label_params, current_locale()
        if remedy.rule == "min_grade":
            return _("accept grade %(grade)s", grade=params["grade"]) if remedy.value else _(
                "drop the minimum grade")
        if remedy.rule == "required_credentials":
            from marketplace.organisations.forms import CREDENTIAL_TYPE_LABELS

            return _("do not require %(credential)s", credential=CREDENTIAL_TYPE_LABELS[params["credential"]])
        if remedy.rule == "min_years_registered":
            return _("require %(value)s years since registration instead", value=params["value"])
        if remedy.rule == "min_social_workers":
            return _("require %(value)s certified social workers instead", value=params["value"])
        if remedy.rule == "min_annual_capacity":
            return _("require spare capacity of %(value)s instead", value=params["value"])
        if remedy.rule == "based_in":
            return _("accept providers based anywhere in %(region)s", region=regions.label(
                params["region"], locale)) if remedy.value else _("accept providers based anywhere")
        if remedy.rule == "regions":
            return _("serve the whole of %(region)s", region="; ".join(
                regions.label(code, locale) for code in remedy.value))
        if remedy.rule == "split":
            return _("split into %(n)d lots, one per area, so local providers can bid for their own",
                     n=params["lots"])
        if remedy.rule == "deadline":
            return _("give organisations more time: a bidding period of at least 20 days")
        return remedy.key

    return {"describe_stored": describe_stored, "remedy_label": remedy_label}


@bp.post("/invitations/tender/<int:invitation_id>/decline")
@login_required
def decline(invitation_id: int):
    invitation = db.get_or_404(TenderInvitation, invitation_id)
    if current_user.membership_in(invitation.party_id) is None:
        abort(403)
    acting_for(invitation.party_id)
    if _csrf_ok():
        reason = request.form.get("reason")
        if reason not in DeclineReason._value2member_map_:
            flash(_("Choose a reason."), "danger")
        else:
            commit_or_flash(lambda: invitations.decline(invitation, DeclineReason(reason), request.form.get("text"),
                                                        by=current_user), _("Thank you; the agency sees the reason."))
    return redirect(url_for("tenders.detail", tender_id=invitation.tender_id))
