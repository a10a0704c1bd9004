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

# Panels and meetings (set-up, schedule, attendance, agenda editing, the meeting record).
register("panels.panel_created", "Set up a panel")
register("panels.panel_changed", "Changed a panel's chair, terms of reference or members")
register(
    "panels.panel_change_refused", "Tried to change a panel they do not manage", is_refusal=True
)
register("panels.meeting_scheduled", "Scheduled a panel meeting")
register("panels.meeting_changed", "Changed a panel meeting's time, place or call details")
register("panels.agenda_item_added", "Added an item to a draft panel agenda")
register("panels.agenda_item_removed", "Removed an item from a draft panel agenda")
register("panels.agenda_reordered", "Reordered a draft panel agenda")
register("panels.attendance_recorded", "Recorded attendance at a panel meeting")
register("panels.item_recorded", "Recorded the discussion of a panel agenda item")
register("panels.decision_recorded", "Recorded a panel decision")
register("panels.meeting_held", "Marked a panel meeting as held")
register("panels.meeting_viewed", "Viewed a panel meeting's record", is_read=True)
register(
    "panels.meeting_change_refused",
    "Tried to change a panel meeting's record they do not chair",
    is_refusal=True,
)
# Actions and escalations.
register("panels.action_created", "Agreed a panel action with an owner and due date")
register("panels.action_updated", "Updated a panel action")
register("panels.action_viewed", "Viewed a panel action", is_read=True)
register("panels.action_tracker_viewed", "Viewed the panel action tracker", is_read=True)
register(
    "panels.action_refused",
    "Asked for or tried to change a panel action they may not",
    is_refusal=True,
)
register("panels.action_escalated", "An overdue panel action was escalated")
register("panels.escalation_resolved", "Resolved an escalated panel action")
register("panels.escalation_log_viewed", "Viewed the panel escalation log", is_read=True)
register(
    "panels.escalation_refused",
    "Asked for or tried to resolve an escalation they may not",
    is_refusal=True,
)
# Minutes.
register("panels.minutes_copy_produced", "Produced a copy of a panel meeting's minutes")
register("panels.minutes_distributed", "Sent a panel meeting's minutes to recipients")
register(
    "panels.minutes_refused",
    "Asked for minutes of a panel meeting they may not receive",
    is_refusal=True,
)
register(
    "panels.minutes_copies_viewed",
    "Viewed the log of copies made of a panel meeting's minutes",
    is_read=True,
)
register("panels.escalation_viewed", "Viewed an escalated panel action", is_read=True)
# Meetings and agendas pages.
register(
    "panels.panel_view_refused",
    "Asked for a panel they do not chair, sit on or manage",
    is_refusal=True,
)
register(
    "panels.agenda_draft_viewed",
    "Viewed a draft panel agenda and the children Harbour proposes for it",
    is_read=True,
)
