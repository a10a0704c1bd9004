"""Audit actions for return home interviews."""

from harbour.audit.registry import register

register("return_interview.offered", "Offered a return home interview")
register("return_interview.refused", "Recorded that the child refused a return home interview")
register("return_interview.not_offered", "Recorded why a return home interview was not offered")
register("return_interview.completed", "Completed and shared a return home interview")
register("return_interview.viewed", "Viewed a return home interview", is_read=True)
register(
    "return_interview.view_refused",
    "Asked for a return home interview they may not see",
    is_refusal=True,
)
register("return_interview.episode_viewed", "Opened a returned episode to act on", is_read=True)
register(
    "return_interview.episode_refused",
    "Asked for a returned episode they may not act on",
    is_refusal=True,
)
register("return_interview.queue_viewed", "Viewed the return interview queue", is_read=True)
