"""Audit actions for missing episodes, their gradings, returns and clocks."""

from harbour.audit.registry import register

register("missing.episode_reported", "Reported a child missing (a new episode)")
register("missing.episode_report_joined", "Reported a child missing: joined the open episode")
register(
    "missing.episode_report_refused",
    "Tried to report an absence already recorded as returned",
    is_refusal=True,
)
register("missing.episode_graded", "Graded the risk of a missing episode")
register("missing.episode_returned", "Recorded a missing child's return")
register("missing.episode_closed", "Closed a missing episode")
register("missing.interview_offered", "Recorded the offer of a return home interview")
register("missing.interview_clock_breached", "A return home interview clock was breached")
register("missing.repeat_alert_fired", "A repeat-missing trigger fired")
register("missing.episode_viewed", "Viewed a missing episode", is_read=True)
register(
    "missing.episode_view_refused", "Asked for a missing episode they may not see", is_refusal=True
)
register("missing.open_list_viewed", "Viewed the list of open missing episodes", is_read=True)
