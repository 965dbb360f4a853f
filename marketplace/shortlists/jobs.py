"""Re-ranking requests. Until the matcher exists the job only records the request."""

from marketplace.extensions import db
from marketplace.jobs import enqueue, job
from marketplace.models import RerankRequest


def request_rerank_for_organisation(party_id: int, reason: str) -> None:
    """Queue a re-rank of the open tenders this organisation could affect.

    One queued run per organisation: changes made while it waits share it
    (the first change's reason names the run).
    """
    enqueue(rerank_for_organisation, party_id, reason, key=party_id,
            description=f"Re-rank tenders for organisation #{party_id} ({reason})")


@job("shortlists.rerank_organisation", queue="matching")
def rerank_for_organisation(party_id: int, reason: str) -> dict:
    request = RerankRequest(party_id=party_id, reasons=reason[:500])
    db.session.add(request)
    db.session.flush()
    return {"recorded": request.id}
