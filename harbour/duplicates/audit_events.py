"""Audit actions for the duplicates review queue, merge and unmerge."""

from harbour.audit.registry import register

register("duplicates.queue_viewed", "Viewed the queue of probable duplicates", is_read=True)
register("duplicates.pair_viewed", "Compared two records that may be one child", is_read=True)
register(
    "duplicates.pair_view_refused", "Asked for a duplicate pair they may not see", is_refusal=True
)
register("duplicates.queue_refreshed", "Refreshed the queue of probable duplicates")
register(
    "duplicates.queue_refresh_requested", "Asked for the register to be checked for duplicates"
)
register("duplicates.not_same", "Decided two records are not the same child")
register("duplicates.undecided", "Reviewed two records and left them undecided")
register("duplicates.person_merged", "Merged another record of this child into this one")
register("duplicates.person_merged_away", "Merged this record into another record of the child")
register("duplicates.merge_viewed", "Viewed a merge of two records", is_read=True)
register("duplicates.person_unmerged", "Undid a merge into this record")
register("duplicates.person_unmerged_away", "Undid the merge of this record into another")
