"""Duplicates: the review queue of probable duplicate persons, and merge / unmerge.

Probable pairs come from the matching model (``harbour.matching``); a person decides. A merge
keeps every source record and identifier, records exactly what it moved, and unmerge puts it back.
"""
