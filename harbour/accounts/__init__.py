"""Accounts: the partnership's areas (boroughs), agencies, teams, users and their roles.

A user acts through memberships: each gives them one role in one agency (and optionally a team).
What a role may see is decided in ``harbour.access``, never here. Sign-in, sign-out and password
change live in this app's views so the whole login flow is in one place.
"""
