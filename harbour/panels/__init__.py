"""Panels: multi-agency exploitation panels (MACE / CSEP) where agencies decide together.

Panel types as versioned data, meetings with attendance and quorum, an agenda Harbour proposes
and the chair edits, a confidentiality agreement confirmed before the agenda's detail opens,
time-limited access to an agenda child's pre-read, decisions and owned actions.
"""
