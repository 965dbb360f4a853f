"""Scheduled tender jobs: close and open at the deadline, finalise the award after the objection period."""

from marketplace.extensions import db
from marketplace.jobs import job
from marketplace.models import Tender

from . import services


@job("tenders.close", queue="default", timeout=600)
def close_tender(tender_id: int) -> dict:
    tender = db.session.get(Tender, tender_id)
    if tender is None:
        return {"skipped": "no such tender"}
    opened = services.close_and_open(tender)
    return {"opened": opened, "status": tender.status.value}


@job("tenders.finalise_award", queue="default", timeout=600)
def finalise_award(tender_id: int) -> dict:
    tender = db.session.get(Tender, tender_id)
    if tender is None:
        return {"skipped": "no such tender"}
    return {"awarded": services.finalise_award(tender), "status": tender.status.value}
