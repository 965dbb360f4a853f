"""Audit trail: every state change becomes a hash-chained event."""
