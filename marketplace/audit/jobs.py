"""Audit jobs: verifying the whole chain can take a while on a large log."""

from marketplace.jobs import job

from . import services


@job("audit.verify", queue="audit", timeout=3600, max_retries=0)
def verify_audit_chain() -> dict:
    report = services.verify_chain().as_dict()
    services.record("audit.verify", object_type="audit_events", summary=report)
    return report
