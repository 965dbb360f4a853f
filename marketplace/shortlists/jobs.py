"""Ranking jobs: rank a tender when it is published or amended, re-rank what an organisation's change affects."""

from marketplace.extensions import db
from marketplace.jobs import enqueue, job
from marketplace.models import RerankRequest, Tender, TenderStatus, utcnow


def request_ranking(tender: Tender, reason: str) -> None:
    """Queue one ranking of the tender (a run already waiting covers later requests too)."""
    enqueue(rank_tender, tender.id, key=tender.id, description=f"Rank providers for {tender.reference} ({reason})")


def request_rerank_for_organisation(party_id: int, reason: str) -> None:
    """Queue a re-rank of the open tenders this organisation could affect.

    One queued run per organisation: changes made while it waits share it
    (the first change's reason names the run).
    """
    enqueue(rerank_for_organisation, party_id, reason, key=party_id,
            description=f"Re-rank tenders for organisation #{party_id} ({reason})")


@job("shortlists.rank_tender", queue="matching", timeout=1800)
def rank_tender(tender_id: int) -> dict:
    from . import services

    tender = db.session.get(Tender, tender_id)
    if tender is None or tender.status in (TenderStatus.CANCELLED, TenderStatus.FAILED):
        return {"skipped": True}
    summary = services.rank_tender(tender)
    return {"lots": {str(number): counts for number, counts in summary.items()}}


@job("shortlists.rerank_organisation", queue="matching")
def rerank_for_organisation(party_id: int, reason: str) -> dict:
    from . import services

    request = RerankRequest(party_id=party_id, reasons=reason[:500])
    db.session.add(request)
    db.session.flush()
    result = services.rerank_organisation(party_id)
    request.processed_at = utcnow()
    return {"recorded": request.id, "lots": result["lots"]}


@job("shortlists.rank_open_tenders", queue="matching")
def rank_open_tenders() -> dict:
    """Queue a ranking of every open tender (after a change of weights or matcher version)."""
    tenders = db.session.scalars(db.select(Tender).where(Tender.status == TenderStatus.PUBLISHED)).all()
    for tender in tenders:
        request_ranking(tender, "all open tenders")
    return {"queued": len(tenders)}
