"""Access: who may see what, in one place.

One policy per record type answers both "may this user see this record?" and "which records may
they see?", with the same queryset (see ``policy``). Lists, detail pages, searches, exports and the
API all read through it. Forbidden and non-existent look the same: 404. Break-glass (emergency)
access to one person is granted here, time-limited, flagged and reviewed by information governance.
"""
