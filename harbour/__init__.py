"""Harbour: the shared system of a multi-agency safeguarding partnership."""
