"""People: persons (children and adults), their names, aliases, addresses and identifiers.

Also each person's involvement (which agencies know them, and through what) and their
chronology (one timeline of events that other apps append to through ``record_chronology``).
Reads go through ``selectors`` scoped by the viewer; the access rules live in ``harbour.access``.
"""
