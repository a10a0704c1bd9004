"""Notifications: messages to users about their work (a referral's outcome, later alerts).

Each notification is a record the user sees in Harbour and, when they have an e-mail address,
an e-mail sent through Django's mail after the transaction commits. Bodies never carry a child's
name: they say what happened and link to the page, where the access policy applies.
"""
