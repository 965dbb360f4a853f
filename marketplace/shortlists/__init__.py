"""Shortlists: the jobs and pages around the matcher (ranking requests now; shortlists later)."""
