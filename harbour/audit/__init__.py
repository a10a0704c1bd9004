"""Audit: the closed vocabulary of audit events and the append-only, hash-chained audit log.

Every write records an event in the same transaction as the change; every read of a person's or
referral's record records who looked; refusals are recorded too. Events can never be updated or
deleted by the application (and on PostgreSQL, not by the database role either).
``manage.py audit_verify`` checks the hash chain.
"""
