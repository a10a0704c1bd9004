"""Imports: agency extracts (CSV and XLSX) of persons, referrals and missing episodes.

A column mapping is saved per source; every row is validated and reported in plain words; the
practitioner previews, then commits in one transaction as a background task. Idempotent.
"""
