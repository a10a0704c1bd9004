"""Management commands for panels."""
