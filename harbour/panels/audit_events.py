"""Audit actions for panels: agendas, publication, confidentiality and pre-read views."""

from harbour.audit.registry import register

register("panels.agenda_proposal_adopted", "Added Harbour's proposed children to a panel agenda")
register("panels.agenda_published", "Published a panel agenda (pre-reads frozen from the record)")
register(
    "panels.agenda_change_refused",
    "Tried to change or publish a panel agenda they do not chair",
    is_refusal=True,
)
register("panels.confidentiality_confirmed", "Confirmed a panel's confidentiality agreement")
register(
    "panels.confidentiality_refused",
    "Tried to confirm confidentiality for a panel they are not a member of",
    is_refusal=True,
)
register("panels.agenda_viewed", "Viewed a panel meeting's agenda", is_read=True)
register(
    "panels.agenda_view_refused",
    "Asked for a panel agenda they may not see (not a member, or agreement not confirmed)",
    is_refusal=True,
)
register("panels.pre_read_viewed", "Viewed a child's panel pre-read", is_read=True)
register("panels.discussion_requested", "An agency asked a panel to discuss a child")
register(
    "panels.discussion_request_refused",
    "Asked a panel to discuss a child they may not see, or for an agency they do not work for",
    is_refusal=True,
)
