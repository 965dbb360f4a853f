"""The matcher's pure library: decisions about tenders and providers, with no Flask, database or babel.

Callers (views, jobs, the matcher) turn database rows into the plain facts these modules take, so the
rules can be unit-tested and reused unchanged. ``eligibility`` holds the hard rules a tender or lot
sets; scoring and ranking among eligible providers will live beside it.
"""
