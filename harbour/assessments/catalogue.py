"""The indicator catalogue: versioned data files in ``catalogues/``, validated at start-up.

(The assessments engineer replaces this placeholder-free minimal loader with the full one.)
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def all_catalogues() -> dict[tuple[str, int], Any]:
    return {}
