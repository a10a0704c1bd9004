"""Audit actions for persons."""

from harbour.audit.registry import register

register("person.viewed", "Viewed a person's record", is_read=True)
register("person.view_refused", "Asked for a person's record they may not see", is_refusal=True)
register("person.searched", "Searched for people", is_read=True)
register("person.match_candidates_shown", "Was shown possible matches for a child", is_read=True)
register("person.created", "Created a person")
register("person.updated", "Changed a person's details")
register("person.identifier_added", "Added an identifier to a person")
register("person.address_added", "Added an address to a person")
register("person.alias_added", "Added an alias to a person")
register("person.involvement_recorded", "Recorded that an agency is involved with a person")
