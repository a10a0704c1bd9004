"""Fill the demo's duplicates review queue: run the matching model over the seeded register.

The seeded partnership holds the same child under several agencies' spellings (see
``harbour.demo.people``); this proposes them for review exactly as the nightly run would.
Call at the end of ``seed_demo``, after the persons are committed.
"""

from __future__ import annotations

from harbour.duplicates.services import RefreshSummary, refresh_queue


def seed_duplicate_queue(*, threshold: float | None = None) -> RefreshSummary:
    """Propose the register's probable duplicates for review (the nightly run, once)."""
    from harbour.matching.sources import reset_register

    reset_register()  # the register must be read after the seed, not before it
    return refresh_queue(threshold=threshold)
