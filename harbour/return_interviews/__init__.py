"""Return home interviews: the independent conversation with a child after a missing episode.

This app owns the interview of each returned episode (``ReturnInterview``): its offer by an
independent return interview worker, the child's answer (accepted, refused, or not offered with
the reason), what the child said (push and pull factors from a versioned checklist, with
narrative) and the structured intelligence items they mentioned (names, nicknames, places,
vehicles, phone numbers, online accounts). On completion the interview is shared with the area's
police exploitation officers and coordinators and the child's lead professional. It also owns
the return-interview queues and the "offered within 72 hours" measure (ADR 0009).
"""
