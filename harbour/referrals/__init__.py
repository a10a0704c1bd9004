"""Referrals: the front door. Concerns from staff, the public and partner systems, triage against
target times, routing decisions, and telling the referrer what happened.
"""
