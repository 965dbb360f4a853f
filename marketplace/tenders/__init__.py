"""Tenders: service needs from drafting to a published award, with lots, amendments and clarifications."""
