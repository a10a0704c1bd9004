"""Core: the base model, request ids, errors, the GOV.UK template layer, home and health pages.

Owns nothing about children or agencies; every other app builds on it.
"""
