"""Audit actions for the synthetic demo partnership."""

from harbour.audit.registry import register

register("demo.seeded", "Seeded the synthetic demo partnership")
