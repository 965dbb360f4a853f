"""Bids: drafted, submitted with a receipt, sealed until the deadline, withdrawn before it."""
