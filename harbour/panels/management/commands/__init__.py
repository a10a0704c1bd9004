"""Periodic commands for panels."""
