"""Oversight: the exploitation coordinator's pan-area view of missing episodes and interviews.

Reads only. Every figure is one documented function; every list goes through the access policy.
"""
